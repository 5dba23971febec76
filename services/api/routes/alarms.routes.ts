// Alarms (CONTRACT.md §3 alarms; DOMAIN.md §4 lifecycle). The AlarmService owns the state machine;
// these routes add only the site scoping and the permission check.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ACTIVE_LIST_STATES, ALARM_STATES, type AlarmState, type Priority } from '../../core/model.js'
import type { RouteOpts } from '../api-deps.js'
import { assertVisible, principalOf, requirePermission, siteScope } from '../auth.js'
import { emptyPage, pageRequest } from '../paging.js'
import { Alarm, errorResponses, IdParams, Page, PageQuery, StringEnum } from '../schemas.js'

export const ALARM_LIST_FILTERS = ['active', 'all', 'shelved', 'suppressed', 'out-of-service'] as const
type AlarmListFilter = (typeof ALARM_LIST_FILTERS)[number]

/** `active` = still needs an operator; `all` = every state (CONTRACT.md §3). */
export function statesFor(filter: AlarmListFilter): readonly AlarmState[] {
  switch (filter) {
    case 'active': return ACTIVE_LIST_STATES
    case 'all': return ALARM_STATES
    case 'shelved': return ['shelved']
    case 'suppressed': return ['suppressed']
    case 'out-of-service': return ['out-of-service']
  }
}

export const alarmRoutes: FastifyPluginAsyncTypebox<RouteOpts> = async (app, { deps }) => {
  const visibleAlarm = async (user: Parameters<typeof assertVisible>[0], id: string) =>
    assertVisible(user, await deps.alarms.get(id), 'ALARM_NOT_FOUND', `alarm ${id}`)

  app.get('/alarms', {
    onRequest: requirePermission('alarms.read'),
    schema: {
      tags: ['alarms'], summary: 'List alarms, priority 1 first, then newest',
      querystring: Type.Object({
        state: Type.Optional(StringEnum(ALARM_LIST_FILTERS, { description: 'active (default): unacked, acked, rtn-unacked, latched; all: every state' })),
        siteId: Type.Optional(Type.String()),
        deviceId: Type.Optional(Type.String()),
        priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
        ...PageQuery,
      }),
      response: { 200: Page(Alarm), ...errorResponses(400, 401) },
    },
  }, async (req) => {
    const scope = siteScope(principalOf(req), req.query.siteId)
    if (!scope) return emptyPage()
    return deps.alarms.list(
      { ...scope, states: statesFor(req.query.state ?? 'active'), deviceId: req.query.deviceId, priority: req.query.priority as Priority | undefined },
      pageRequest(req.query),
    )
  })

  app.get('/alarms/:id', {
    onRequest: requirePermission('alarms.read'),
    schema: { tags: ['alarms'], summary: 'One alarm with its history', params: IdParams, response: { 200: Alarm, ...errorResponses(401, 404) } },
  }, async (req) => visibleAlarm(principalOf(req), req.params.id))

  app.post('/alarms/:id/ack', {
    onRequest: requirePermission('alarms.ack'),
    schema: {
      tags: ['alarms'], summary: 'Acknowledge', params: IdParams,
      body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
      response: { 200: Alarm, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (req) => {
    const user = principalOf(req)
    await visibleAlarm(user, req.params.id)
    return deps.alarms.ack(req.params.id, user.username, req.body.note ?? null)
  })

  app.post('/alarms/:id/reset', {
    onRequest: requirePermission('alarms.reset'),
    schema: {
      tags: ['alarms'], summary: 'End a latched alarm (after on-site confirmation)', params: IdParams,
      body: Type.Object({ note: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
      response: { 200: Alarm, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (req) => {
    const user = principalOf(req)
    await visibleAlarm(user, req.params.id)
    return deps.alarms.reset(req.params.id, user.username, req.body.note)
  })
}
