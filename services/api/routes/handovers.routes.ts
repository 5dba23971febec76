// Duty, issue #4 part 2 (CONTRACT.md §3 duty, work orders, reports): shift handovers, the return
// visit of a work order, preventive-maintenance plans of a device, and the drill report.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../core/errors.js'
import { PM_TIERS } from '../../core/work-orders/return-visit.js'
import type { DutyServices } from '../../handover/duty-services.js'
import type { RouteOpts } from '../api-deps.js'
import { assertVisible, principalOf, requirePermission, siteScope } from '../auth.js'
import { pageRequest } from '../paging.js'
import { errorResponses, IdParams, StringEnum } from '../schemas.js'
import { parseInstant } from '../time-query.js'
import { actorOf } from './work-orders.routes.js'

const Any = Type.Object({}, { additionalProperties: true })
const DEFAULT_SPAN_MS = 30 * 86_400_000

export const handoverRoutes: FastifyPluginAsyncTypebox<RouteOpts & { duty: DutyServices }> = async (app, { deps, duty }) => {
  const { handovers, returnVisits, pmPlans } = duty

  app.get('/handovers/draft', {
    onRequest: requirePermission('handovers.manage'),
    schema: { tags: ['duty'], summary: 'The handover draft from live state (DOMAIN.md §7.1)', response: { 200: Any, ...errorResponses(401, 403) } },
  }, async (req) => handovers.draft(principalOf(req)))

  app.post('/handovers', {
    onRequest: requirePermission('handovers.manage'),
    schema: {
      tags: ['duty'], summary: "The outgoing operator's signed handover; 409 while a priority-1 alarm is unacked",
      body: Type.Object({ incoming: Type.String({ minLength: 1, maxLength: 64 }), notes: Type.String({ maxLength: 8000 }) }, { additionalProperties: false }),
      response: { 201: Any, ...errorResponses(400, 401, 403, 409) },
    },
  }, async (req, reply) => reply.code(201).send(await handovers.create(principalOf(req), req.body)))

  app.post('/handovers/:id/sign', {
    onRequest: requirePermission('handovers.manage'),
    schema: { tags: ['duty'], summary: 'The incoming operator signs: completed, immutable, ownership transferred', params: IdParams, response: { 200: Any, ...errorResponses(401, 403, 404, 409) } },
  }, async (req) => handovers.sign(req.params.id, principalOf(req)))

  app.get('/handovers', {
    onRequest: requirePermission('handovers.manage'),
    schema: { tags: ['duty'], summary: 'Handovers, newest first', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1 })), cursor: Type.Optional(Type.String({ maxLength: 512 })) }), response: { 200: Any, ...errorResponses(401, 403) } },
  }, async (req) => handovers.list(pageRequest(req.query)))

  app.get('/handovers/:id', {
    onRequest: requirePermission('handovers.manage'),
    schema: { tags: ['duty'], summary: 'One handover', params: IdParams, response: { 200: Any, ...errorResponses(401, 403, 404) } },
  }, async (req) => {
    const h = await handovers.get(req.params.id)
    if (!h) throw new AppError('HANDOVER_NOT_FOUND', `handover ${req.params.id} not found`)
    return h
  })

  app.post('/work-orders/:id/return-visit', {
    onRequest: requirePermission('work-orders.supervise'),
    schema: {
      tags: ['work-orders'], summary: 'Record the return visit of a verified work order (closes it); a score under 6 opens a linked complaint',
      params: IdParams,
      body: Type.Object({ score: Type.Integer({ minimum: 1, maximum: 10 }), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
      response: { 200: Any, ...errorResponses(400, 401, 403, 404, 409) },
    },
  }, async (req) => {
    const user = principalOf(req)
    const wo = deps.workOrders ? await deps.workOrders.workOrders.get(req.params.id) : undefined
    assertVisible(user, wo, 'WORK_ORDER_NOT_FOUND', `work order ${req.params.id}`)
    const { workOrder, visit } = await returnVisits.record(req.params.id, { score: req.body.score, note: req.body.note ?? null }, actorOf(user))
    return { ...workOrder, returnVisit: visit }
  })

  app.get('/work-orders/:id/return-visit', {
    onRequest: requirePermission('work-orders.read'),
    schema: {
      tags: ['work-orders'], summary: 'The return visit of a completed work order: due 24 h after completion, then its score (404 before completion)',
      params: IdParams, response: { 200: Any, ...errorResponses(401, 404) },
    },
  }, async (req) => {
    const wo = deps.workOrders ? await deps.workOrders.workOrders.get(req.params.id) : undefined
    assertVisible(principalOf(req), wo, 'WORK_ORDER_NOT_FOUND', `work order ${req.params.id}`)
    const visit = await returnVisits.get(req.params.id)
    if (!visit) throw new AppError('RETURN_VISIT_NOT_FOUND', `work order ${req.params.id} has no return visit yet`)
    return visit
  })

  app.post('/devices/:id/pm-plans', {
    onRequest: requirePermission('work-orders.supervise'),
    schema: {
      tags: ['work-orders'], summary: 'Add a preventive-maintenance plan (DOMAIN.md §1 #6 tiers) creating P4 work orders on schedule', params: IdParams,
      body: Type.Object({ tier: StringEnum(PM_TIERS), startAt: Type.Union([Type.String({ minLength: 1 }), Type.Integer()]) }, { additionalProperties: false }),
      response: { 201: Any, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (req, reply) => {
    const user = principalOf(req)
    assertVisible(user, await deps.repos.devices.get(req.params.id), 'DEVICE_NOT_FOUND', `device ${req.params.id}`)
    const plan = await pmPlans.add(req.params.id, { tier: req.body.tier, startAt: parseInstant(String(req.body.startAt), 'startAt') }, user.username)
    return reply.code(201).send(plan)
  })

  app.get('/devices/:id/pm-plans', {
    onRequest: requirePermission('work-orders.read'),
    schema: { tags: ['work-orders'], summary: "A device's preventive-maintenance plans", params: IdParams, response: { 200: Any, ...errorResponses(401, 404) } },
  }, async (req) => {
    assertVisible(principalOf(req), await deps.repos.devices.get(req.params.id), 'DEVICE_NOT_FOUND', `device ${req.params.id}`)
    return { items: await pmPlans.list(req.params.id), next: null }
  })

  app.get('/reports/drills', {
    onRequest: requirePermission('reports.read'),
    schema: {
      tags: ['reports'], summary: 'Drill report: drill emergencies and work orders (kept out of the KPIs)',
      querystring: Type.Object({ siteId: Type.Optional(Type.String({ maxLength: 64 })), from: Type.Optional(Type.String()), to: Type.Optional(Type.String()) }),
      response: { 200: Any, ...errorResponses(400, 401, 404) },
    },
  }, async (req) => {
    const scope = siteScope(principalOf(req), req.query.siteId)
    if (!scope) throw new AppError('SITE_NOT_FOUND', `site ${req.query.siteId ?? ''} not found`)
    const to = req.query.to === undefined ? deps.clock.now() : parseInstant(req.query.to, 'to')
    const from = req.query.from === undefined ? to - DEFAULT_SPAN_MS : parseInstant(req.query.from, 'from')
    return duty.drillReport({ ...scope, from: new Date(from).toISOString(), to: new Date(to).toISOString() })
  })
}
