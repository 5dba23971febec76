// Access-door events (DOMAIN.md §7.3): everyone who may read a site sees them with the credential
// token masked to its last 4 hex digits and without subjectRef; only a user holding the permission
// `reveal-personal-data` may reveal one event, giving a reason that goes into the audit log.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../core/errors.js'
import type { RouteOpts } from '../api-deps.js'
import { assertVisible, principalOf, requirePermission, siteScope } from '../auth.js'
import { emptyPage, pageRequest } from '../paging.js'
import { errorResponses, Nullable, Page, PageQuery } from '../schemas.js'
import { parseInstant } from '../time-query.js'
import { maskedView } from '../../security/access-events.js'

const Masked = Type.Object({
  id: Type.Integer(),
  siteId: Type.String(),
  deviceId: Type.String(),
  at: Type.String({ format: 'date-time' }),
  event: Type.String(),
  credential: Type.Object({ type: Nullable(Type.String()), tokenSuffix: Nullable(Type.String({ description: 'last 4 hex digits of the edge HMAC token' })) }),
  reason: Nullable(Type.String()),
})
const Revealed = Type.Object({
  ...Masked.properties,
  credential: Type.Object({ type: Nullable(Type.String()), token: Nullable(Type.String()), tokenSuffix: Nullable(Type.String()) }),
  subjectRef: Nullable(Type.String()),
})

/** An instant as ISO 8601 UTC, or a 400 (not a 500) for one beyond what a Date can hold. */
function isoParam(raw: string | undefined, name: string): string | undefined {
  if (raw === undefined) return undefined
  const t = parseInstant(raw, name)
  if (Math.abs(t) > 8.64e15) throw new AppError('VALIDATION_FAILED', `${name} is out of range`, { field: name })
  return new Date(t).toISOString()
}

export const accessEventRoutes: FastifyPluginAsyncTypebox<RouteOpts> = async (app, { deps }) => {
  app.get('/access-events', {
    onRequest: requirePermission('access-events.read'),
    schema: {
      tags: ['access'], summary: 'Access-door events, newest first, credential masked',
      querystring: Type.Object({
        siteId: Type.Optional(Type.String({ maxLength: 64 })),
        deviceId: Type.Optional(Type.String({ maxLength: 64 })),
        from: Type.Optional(Type.String({ maxLength: 40 })),
        to: Type.Optional(Type.String({ maxLength: 40 })),
        ...PageQuery,
      }),
      response: { 200: Page(Masked), ...errorResponses(400, 401, 403) },
    },
  }, async (req) => {
    const scope = siteScope(principalOf(req), req.query.siteId)
    if (scope === null) return emptyPage()
    const page = await deps.repos.accessEvents.list({
      ...scope, deviceId: req.query.deviceId, from: isoParam(req.query.from, 'from'), to: isoParam(req.query.to, 'to'),
    }, pageRequest(req.query))
    return { items: page.items.map(maskedView), next: page.next }
  })

  app.post('/access-events/:id/reveal', {
    onRequest: requirePermission('personal-data.reveal'),
    schema: {
      tags: ['access'], summary: 'Reveal one event\'s subjectRef and full credential token (permission reveal-personal-data; audited with the reason)',
      params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$' }) }),
      body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }, { additionalProperties: false }),
      response: { 200: Revealed, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (req) => {
    const user = principalOf(req)
    const found = await deps.repos.accessEvents.get(Number(req.params.id))
    const e = assertVisible(user, found, 'ACCESS_EVENT_NOT_FOUND', 'access event')
    await deps.repos.audit.append({
      at: new Date(deps.clock.now()).toISOString(), actor: user.username, action: 'access-events.reveal', target: `access-event:${e.id}`,
      address: req.ip, before: null,
      // The reason and what was revealed, never the revealed data itself (the log must not become a copy of it).
      after: { reason: req.body.reason, deviceId: e.deviceId, siteId: e.siteId, at: e.at, fields: ['subjectRef', 'credential.token'] },
    })
    const masked = maskedView(e)
    return { ...masked, credential: { ...masked.credential, token: e.credentialToken }, subjectRef: e.subjectRef }
  })
}
