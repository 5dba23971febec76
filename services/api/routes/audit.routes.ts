// GET /audit?from=&to=&actor= (CONTRACT.md §3, admin only). Read-only on purpose: no route writes,
// changes or deletes audit rows (issue #7 "readable by admins, not writable by anyone").
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteOpts } from '../api-deps.js'
import { requirePermission } from '../auth.js'
import { pageRequest } from '../paging.js'
import { errorResponses, Nullable, Page, PageQuery } from '../schemas.js'
import { parseInstant } from '../time-query.js'

const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String(),
  action: Type.String({ description: 'e.g. alarms.ack, work-orders.accept, device.register, access-events.reveal' }),
  target: Type.String(),
  address: Nullable(Type.String({ description: 'the request address' })),
  before: Type.Unknown(),
  after: Type.Unknown(),
})

export const auditRoutes: FastifyPluginAsyncTypebox<RouteOpts> = async (app, { deps }) => {
  app.get('/audit', {
    onRequest: requirePermission('audit.read'),
    schema: {
      tags: ['audit'], summary: 'The audit log of changes made by people, newest first',
      querystring: Type.Object({
        from: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 or epoch ms, inclusive' })),
        to: Type.Optional(Type.String({ maxLength: 40, description: 'ISO 8601 or epoch ms, inclusive' })),
        actor: Type.Optional(Type.String({ maxLength: 64 })),
        ...PageQuery,
      }),
      response: { 200: Page(AuditEntry), ...errorResponses(400, 401, 403) },
    },
  }, async (req) => {
    const iso = (v: string | undefined, name: string): string | undefined => (v === undefined ? undefined : new Date(parseInstant(v, name)).toISOString())
    return deps.repos.audit.list({ from: iso(req.query.from, 'from'), to: iso(req.query.to, 'to'), actor: req.query.actor }, pageRequest(req.query))
  })
}
