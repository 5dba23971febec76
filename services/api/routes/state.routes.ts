// Live state and history (CONTRACT.md §3 "live state", "telemetry history").
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteOpts } from '../api-deps.js'
import { principalOf, requirePermission, siteScope } from '../auth.js'
import { errorResponses, IdParams, DeviceLive, StringEnum } from '../schemas.js'
import { assertTelemetryField, FIELD_PATTERN, historyQuery } from '../time-query.js'
import { visibleDevice } from './devices.routes.js'

export const stateRoutes: FastifyPluginAsyncTypebox<RouteOpts> = async (app, { deps }) => {
  app.get('/state', {
    onRequest: requirePermission('devices.read'),
    schema: {
      tags: ['live state'], summary: "Every device's latest state in one document",
      querystring: Type.Object({ siteId: Type.Optional(Type.String()) }),
      response: { 200: Type.Object({ items: Type.Array(DeviceLive), next: Type.Null() }), ...errorResponses(400, 401) },
    },
  }, async (req) => {
    const scope = siteScope(principalOf(req), req.query.siteId)
    // One document, never paged: `next` is always null (the list shape of CONTRACT.md §3).
    return { items: scope ? deps.liveState.list(scope) : [], next: null }
  })

  app.get('/devices/:id/telemetry', {
    onRequest: requirePermission('devices.read'),
    schema: {
      tags: ['telemetry'],
      summary: 'History of one field: raw points (at most 10,000, oldest first) or, with `every`, aggregated buckets',
      params: IdParams,
      querystring: Type.Object({
        field: Type.String({ pattern: FIELD_PATTERN, description: 'a field name; per pump `pumps.{pumpId}.{field}`' }),
        from: Type.Optional(Type.String({ description: 'ISO 8601 or epoch ms; default `to` minus one hour' })),
        to: Type.Optional(Type.String({ description: 'ISO 8601 or epoch ms; default now' })),
        every: Type.Optional(Type.String({ description: 'bucket width: `30s`, `1m`, `1h`, or milliseconds' })),
        agg: Type.Optional(StringEnum(['mean', 'min', 'max', 'last'] as const, { description: 'default mean' })),
      }),
      response: {
        200: Type.Object({ field: Type.String(), points: Type.Array(Type.Object({ t: Type.Integer(), v: Type.Unknown() })) }),
        ...errorResponses(400, 401, 404, 503),
      },
    },
  }, async (req) => {
    const device = await visibleDevice(deps, principalOf(req), req.params.id)
    assertTelemetryField(device.type, req.query.field)
    const q = historyQuery(req.params.id, req.query, deps.clock.now())
    return { field: q.field, points: await deps.telemetry.history(q) }
  })
}
