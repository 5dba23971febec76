// Shift handover 交接班 (DOMAIN.md §7.1; CONTRACT.md §3 duty): the draft from live state, the
// outgoing operator's signed handover (refused while a P1 is unacknowledged), and the incoming
// operator's signature that completes it: immutable after (the repository writes a pending one only),
// and ownership of the open alarms and work orders recorded as transferred (a history entry on each
// work order names the new owner).
import { randomUUID } from 'node:crypto'
import type { Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import { ALARM_STATES, type User } from '../core/model.js'
import type { Repos } from '../core/ports.js'
import { buildDraft, unackedP1, type Handover, type HandoverDraft } from '../core/handover/handover.js'
import { noteEntry } from '../core/work-orders/work-order-machine.js'
import { OPEN_STATUSES } from '../core/work-orders/work-order.js'
import type { LiveStateService } from '../contracts.js'
import type { WorkOrderCore } from '../work-orders/work-order.service.js'

const CONTROL_ROOM = ['admin', 'manager', 'supervisor', 'operator']
const OPEN_ALARM_STATES = ALARM_STATES.filter((s) => s !== 'normal')

export interface HandoverService {
  draft(user: User): Promise<HandoverDraft>
  create(user: User, input: { incoming: string; notes: string }): Promise<Handover>
  sign(id: string, user: User): Promise<Handover>
  get(id: string): Promise<Handover | undefined>
  list: Repos['handovers']['list']
}

export function createHandoverService(deps: { repos: Repos; clock: Clock; liveState: LiveStateService; workOrders: Pick<WorkOrderCore, 'update'> }): HandoverService {
  const { repos, clock } = deps
  const sitesOf = (u: User): string[] | undefined => (u.siteIds.length === 0 ? undefined : u.siteIds)

  async function draft(user: User): Promise<HandoverDraft> {
    const siteIds = sitesOf(user)
    const page = { limit: 10_000 }
    const [alarms, workOrders, emergencies, visits] = await Promise.all([
      repos.alarms.list({ siteIds, states: OPEN_ALARM_STATES }, page),
      repos.workOrders.list({ siteIds, statuses: OPEN_STATUSES }, page),
      repos.emergencies.list({ siteIds, open: true }, page),
      repos.returnVisits.listPending(),
    ])
    const sees = (siteId: string): boolean => siteIds === undefined || siteIds.includes(siteId)
    return buildDraft({
      now: clock.now(), outgoing: user.username, alarms: alarms.items, workOrders: workOrders.items, emergencies: emergencies.items,
      devices: deps.liveState.list({ siteIds }), returnVisits: visits.filter((v) => sees(v.siteId)),
    })
  }

  return {
    draft,
    get: (id) => repos.handovers.get(id),
    list: (page) => repos.handovers.list(page),
    async create(user, input) {
      const d = await draft(user)
      const p1 = unackedP1(d.alarms.unacked)
      if (p1.length > 0) throw new AppError('HANDOVER_P1_UNACKED', 'acknowledge every priority-1 alarm before handing over (DOMAIN.md §7.1)', { alarmIds: p1.map((a) => a.id) })
      const incoming = await repos.users.get(input.incoming)
      if (!incoming || !CONTROL_ROOM.includes(incoming.role)) throw new AppError('VALIDATION_FAILED', `${input.incoming} is not a control-room user`, { field: 'incoming' })
      if (incoming.username === user.username) throw new AppError('VALIDATION_FAILED', 'the incoming operator is someone else', { field: 'incoming' })
      const at = new Date(clock.now()).toISOString()
      return repos.handovers.insert({
        id: randomUUID(), status: 'pending', outgoing: user.username, incoming: incoming.username, notes: input.notes, draft: d,
        createdAt: at, outgoingSignedAt: at, incomingSignedAt: null, transferred: null,
      })
    },
    async sign(id, user) {
      const h = await repos.handovers.get(id)
      if (!h) throw new AppError('HANDOVER_NOT_FOUND', `handover ${id} not found`)
      if (h.status !== 'pending') throw new AppError('HANDOVER_TRANSITION_NOT_ALLOWED', 'the handover is already signed; it cannot change')
      if (h.incoming !== user.username) throw new AppError('HANDOVER_TRANSITION_NOT_ALLOWED', `only ${h.incoming}, the incoming operator, signs this handover`)
      const a = h.draft.alarms
      const alarmIds = [...new Set([...a.unacked, ...a.acked, ...a.rtnUnacked, ...a.latched, ...a.shelved, ...a.outOfService].map((x) => x.id))]
      const workOrderIds = h.draft.workOrders.map((w) => w.id)
      const at = new Date(clock.now()).toISOString()
      const signed: Handover = { ...h, status: 'signed', incomingSignedAt: at, transferred: { alarmIds, workOrderIds } }
      if (!(await repos.handovers.sign(signed))) throw new AppError('HANDOVER_TRANSITION_NOT_ALLOWED', 'the handover is already signed; it cannot change')
      for (const woId of workOrderIds) {
        await deps.workOrders.update(woId, (wo) => ({
          workOrder: wo, entries: [noteEntry(wo, 'handover', `ownership transferred from ${h.outgoing} to ${h.incoming} (handover ${h.id})`, clock.now(), user.username)],
        }))
      }
      return signed
    },
  }
}
