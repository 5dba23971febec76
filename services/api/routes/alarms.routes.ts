// Alarms (CONTRACT.md §3 alarms; DOMAIN.md §4 lifecycle). The AlarmService owns the state machine;
// these routes add only the site scoping and the permission check.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ACTIVE_LIST_STATES, ALARM_STATES, type AlarmState, type Priority } from '../../core/model.js'
import type { RouteOpts } from '../api-deps.js'
import { MAX_SHELVE_MINUTES } from '../../core/alarms/alarm-management.js'
import { AppError } from '../../core/errors.js'
import { isOpenStatus } from '../../core/work-orders/work-order.js'
import { assertVisible, canSeeSite, principalOf, requirePermission, siteScope, visibleSites } from '../auth.js'
import { isAllowed } from '../permissions.js'
import { emptyPage, pageRequest } from '../paging.js'
import { Alarm, errorResponses, FloodStatus, IdParams, Page, PageQuery, StringEnum } from '../schemas.js'

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

  // A static path: fastify matches it before `/alarms/:id`.
  app.get('/alarms/flood', {
    onRequest: requirePermission('alarms.read'),
    schema: {
      tags: ['alarms'], summary: 'Alarm-flood mode per site (DOMAIN.md §4.3): >10 new annunciated alarms in 10 min; ends below 5',
      querystring: Type.Object({ siteId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }),
      response: { 200: Type.Object({ items: Type.Array(FloodStatus) }), ...errorResponses(400, 401) },
    },
  }, async (req) => {
    const user = principalOf(req)
    if (req.query.siteId !== undefined) return { items: canSeeSite(user, req.query.siteId) ? [deps.alarms.floodStatus(req.query.siteId)] : [] }
    const sites = await deps.repos.sites.list({ siteIds: visibleSites(user) }, { limit: 1000 })
    return { items: sites.items.map((site) => deps.alarms.floodStatus(site.id)) }
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

export const alarmManagementRoutes: FastifyPluginAsyncTypebox<RouteOpts> = async (app, { deps }) => {
  const visibleAlarm = async (user: Parameters<typeof assertVisible>[0], id: string) =>
    assertVisible(user, await deps.alarms.get(id), 'ALARM_NOT_FOUND', `alarm ${id}`)

  app.post('/alarms/:id/shelve', {
    onRequest: requirePermission('alarms.shelve-p3p4'),
    schema: {
      tags: ['alarms'], summary: 'Shelve (DOMAIN.md §4.2 A9): at most 8 h with a reason; P1 never (409), P2 supervisor and up (403)', params: IdParams,
      body: Type.Object({
        minutes: Type.Integer({ minimum: 1, maximum: MAX_SHELVE_MINUTES, description: `1 to ${MAX_SHELVE_MINUTES}` }),
        reason: Type.String({ minLength: 1, maxLength: 2000 }),
      }, { additionalProperties: false }),
      response: { 200: Alarm, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (req) => {
    const user = principalOf(req)
    await visibleAlarm(user, req.params.id)
    const { minutes, reason } = req.body
    // The P2 rule is checked by the service against the alarm's priority at that moment.
    return deps.alarms.shelve(req.params.id, user.username, { minutes, reason, mayShelveP2: isAllowed(user, 'alarms.shelve-p2') })
  })

  app.post('/alarms/:id/unshelve', {
    onRequest: requirePermission('alarms.shelve-p3p4'),
    schema: {
      tags: ['alarms'], summary: 'Unshelve (A10): unacked again if the condition holds, else normal', params: IdParams,
      body: Type.Object({}, { additionalProperties: false }),
      response: { 200: Alarm, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (req) => {
    const user = principalOf(req)
    await visibleAlarm(user, req.params.id)
    return deps.alarms.unshelve(req.params.id, user.username)
  })

  app.post('/alarms/:id/out-of-service', {
    onRequest: requirePermission('alarms.out-of-service'),
    schema: {
      tags: ['alarms'], summary: 'Out of service under a work order (A12); returns when the work order closes', params: IdParams,
      body: Type.Object({
        workOrderId: Type.String({ minLength: 1, maxLength: 128 }),
        reason: Type.String({ minLength: 1, maxLength: 2000 }),
      }, { additionalProperties: false }),
      response: { 200: Alarm, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (req) => {
    const user = principalOf(req)
    const alarm = await visibleAlarm(user, req.params.id)
    // A12: the permit is a real, open work order of the alarm's site; an unknown id would leave the
    // alarm hidden with nothing to bring it back when the work is done.
    if (deps.workOrders) {
      const wo = await deps.workOrders.workOrders.get(req.body.workOrderId)
      if (!wo || wo.siteId !== alarm.siteId) throw new AppError('WORK_ORDER_NOT_FOUND', `work order ${req.body.workOrderId} not found on site ${alarm.siteId}`)
      if (!isOpenStatus(wo.status)) throw new AppError('WORK_ORDER_TRANSITION_NOT_ALLOWED', `work order ${wo.id} is ${wo.status}: an alarm can only be taken out of service under an open work order`)
    }
    return deps.alarms.outOfService(req.params.id, user.username, req.body)
  })

  app.post('/alarms/:id/return-to-service', {
    onRequest: requirePermission('alarms.out-of-service'),
    schema: {
      tags: ['alarms'], summary: 'Return to service (A12): unacked again if the condition holds, else normal', params: IdParams,
      body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
      response: { 200: Alarm, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (req) => {
    const user = principalOf(req)
    await visibleAlarm(user, req.params.id)
    return deps.alarms.returnToService(req.params.id, user.username, req.body.note ?? null)
  })
}
