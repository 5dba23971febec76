// Emergencies (CONTRACT.md §3 emergencies; DOMAIN.md §6): list, one with its history, and the
// people's actions. Closing (close-out with the L2 review) is for supervisors, managers and admins.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { EMERGENCY_LEVELS, EMERGENCY_STAGES, type Emergency as EmergencyT } from '../../core/emergencies/emergency.js'
import { ESCALATE_REASONS } from '../../core/emergencies/emergency-machine.js'
import type { User } from '../../core/model.js'
import type { EmergencyAction, EmergencyService } from '../../emergencies/emergency.service.js'
import type { RouteOpts } from '../api-deps.js'
import { assertVisible, principalOf, requirePermission, siteScope } from '../auth.js'
import { emptyPage, pageRequest } from '../paging.js'
import type { Action } from '../permissions.js'
import { errorResponses, IdParams, Nullable, Page, StringEnum, Timestamp } from '../schemas.js'

const Entry = Type.Object({ at: Timestamp, actor: Type.String(), action: Type.String(), level: Type.String(), stage: Type.String(), note: Nullable(Type.String()) })
export const Emergency = Type.Partial(Type.Object({
  id: Type.String(), siteId: Type.String(), building: Nullable(Type.String()), level: StringEnum(EMERGENCY_LEVELS), stage: StringEnum(EMERGENCY_STAGES),
  alarmIds: Type.Array(Type.String()), workOrderIds: Type.Array(Type.String()), contained: Type.Boolean(), containedAt: Nullable(Timestamp),
  residentsNotified: Type.Boolean(), residentsNotifiedAt: Nullable(Timestamp), injury: Type.Boolean(), firePumpFailedAt: Nullable(Timestamp),
  drill: Type.Boolean(), openedAt: Timestamp, closedAt: Nullable(Timestamp), closedBy: Nullable(Type.String()), review: Nullable(Type.String()),
  updatedAt: Timestamp, history: Type.Array(Entry),
}))
const Note = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })
const Escalate = Type.Object({ reason: StringEnum(ESCALATE_REASONS, { description: 'injury and fire-confirmed → E1; other → one level up' }), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })
const Close = Type.Object({ review: Type.String({ minLength: 1, maxLength: 8000, description: 'what/where/cause/measures/result (DOMAIN.md §6)' }) }, { additionalProperties: false })

type Body = { note?: string; reason?: (typeof ESCALATE_REASONS)[number]; review?: string }
const ACTIONS: ReadonlyArray<{ name: string; permission: Action; body: typeof Note | typeof Escalate | typeof Close; summary: string; input: (b: Body) => EmergencyAction }> = [
  { name: 'contain', permission: 'emergencies.act', body: Note, summary: 'The "contained" checkpoint (activate → execute)', input: (b) => ({ kind: 'contain', note: b.note ?? null }) },
  { name: 'notify-residents', permission: 'emergencies.act', body: Note, summary: 'Residents were informed', input: (b) => ({ kind: 'notify-residents', note: b.note ?? null }) },
  { name: 'escalate', permission: 'emergencies.act', body: Escalate, summary: 'Raise the level (injury or fire confirmed: E1)', input: (b) => ({ kind: 'escalate', reason: b.reason ?? 'other', note: b.note ?? null }) },
  { name: 'close', permission: 'emergencies.close', body: Close, summary: 'Close-out with the review note; refused (409) before contained and residents notified', input: (b) => ({ kind: 'close', review: b.review ?? '' }) },
]

export const emergencyRoutes: FastifyPluginAsyncTypebox<RouteOpts & { emergencies: EmergencyService }> = async (app, { emergencies }) => {
  const visible = async (user: User, id: string): Promise<EmergencyT> => assertVisible(user, await emergencies.get(id), 'EMERGENCY_NOT_FOUND', `emergency ${id}`)

  app.get('/emergencies', {
    onRequest: requirePermission('alarms.read'),
    schema: {
      tags: ['emergencies'], summary: 'List emergencies, newest first',
      querystring: Type.Object({
        state: Type.Optional(StringEnum(['open', 'all'] as const, { description: 'open (default): not closed' })),
        siteId: Type.Optional(Type.String({ maxLength: 64 })),
        limit: Type.Optional(Type.Integer({ minimum: 1 })), cursor: Type.Optional(Type.String({ maxLength: 512 })),
      }),
      response: { 200: Page(Emergency), ...errorResponses(400, 401) },
    },
  }, async (req) => {
    const scope = siteScope(principalOf(req), req.query.siteId)
    if (!scope) return emptyPage()
    return emergencies.list({ ...scope, open: req.query.state !== 'all' }, pageRequest(req.query))
  })

  app.get('/emergencies/:id', {
    onRequest: requirePermission('alarms.read'),
    schema: { tags: ['emergencies'], summary: 'One emergency with its history', params: IdParams, response: { 200: Emergency, ...errorResponses(401, 404) } },
  }, async (req) => visible(principalOf(req), req.params.id))

  for (const a of ACTIONS) {
    app.post(`/emergencies/:id/${a.name}`, {
      onRequest: requirePermission(a.permission),
      schema: { tags: ['emergencies'], summary: a.summary, params: IdParams, body: a.body, response: { 200: Emergency, ...errorResponses(400, 401, 403, 404, 409) } },
    }, async (req) => {
      const user = principalOf(req)
      await visible(user, req.params.id)
      return emergencies.act(req.params.id, a.input(req.body as Body), user.username)
    })
  }
}
