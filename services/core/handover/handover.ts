// Shift handover 交接班 (DOMAIN.md §7.1): a draft built from live state (清人員, 清設備, 清資料), the
// outgoing operator's signed handover, completed by the incoming operator's signature; immutable
// after, and the open items' ownership moves to the incoming operator. Pure types and the draft.
import type { Alarm, AlarmState, DeviceLive } from '../model.js'
import type { Emergency } from '../emergencies/emergency.js'
import type { WorkOrder } from '../work-orders/work-order.js'
import type { ReturnVisit } from '../work-orders/return-visit.js'

/** DOMAIN.md §4.3: an alarm active for more than 24 h is stale and listed in the handover. */
export const STALE_MS = 24 * 3_600_000

export interface DraftAlarm {
  id: string
  siteId: string
  deviceId: string
  ruleId: string
  priority: number
  title: string
  state: AlarmState
  raisedAt: string
  stale: boolean
  /** Shelved: shelvedUntil; out of service: its work order. */
  shelvedUntil: string | null
  outOfServiceWorkOrderId: string | null
  ackedBy: string | null
}

export interface HandoverDraft {
  at: string
  outgoing: string
  alarms: {
    unacked: DraftAlarm[]
    acked: DraftAlarm[]
    rtnUnacked: DraftAlarm[]
    latched: DraftAlarm[]
    stale: DraftAlarm[]
    shelved: DraftAlarm[]
    outOfService: DraftAlarm[]
  }
  workOrders: Array<Pick<WorkOrder, 'id' | 'siteId' | 'title' | 'priority' | 'status' | 'assignee' | 'source' | 'ruleId'>>
  emergencies: Array<Pick<Emergency, 'id' | 'siteId' | 'level' | 'stage' | 'openedAt'>>
  offlineDevices: Array<{ deviceId: string; siteId: string; lastSeen: string | null }>
  pendingReturnVisits: Array<Pick<ReturnVisit, 'workOrderId' | 'siteId' | 'dueAt'>>
  /** Open complaint work orders (DOMAIN.md §7.1 "pending return visits and complaints"). */
  complaints: string[]
}

export interface Handover {
  id: string
  status: 'pending' | 'signed'
  outgoing: string
  incoming: string
  notes: string
  draft: HandoverDraft
  createdAt: string
  outgoingSignedAt: string
  incomingSignedAt: string | null
  /** What changed owner at signing (alarm ids, work order ids), recorded. */
  transferred: { alarmIds: string[]; workOrderIds: string[] } | null
}

const toDraftAlarm = (a: Alarm, now: number): DraftAlarm => ({
  id: a.id, siteId: a.siteId, deviceId: a.deviceId, ruleId: a.ruleId, priority: a.priority, title: a.title, state: a.state, raisedAt: a.raisedAt,
  stale: a.active && now - Date.parse(a.raisedAt) > STALE_MS, shelvedUntil: a.shelvedUntil, outOfServiceWorkOrderId: a.outOfServiceWorkOrderId ?? null,
  ackedBy: a.ackedBy,
})

export function buildDraft(input: {
  now: number; outgoing: string; alarms: readonly Alarm[]; workOrders: readonly WorkOrder[]; emergencies: readonly Emergency[]
  devices: readonly DeviceLive[]; returnVisits: readonly ReturnVisit[]
}): HandoverDraft {
  const all = input.alarms.filter((a) => a.state !== 'normal').map((a) => toDraftAlarm(a, input.now))
  const by = (s: AlarmState): DraftAlarm[] => all.filter((a) => a.state === s)
  return {
    at: new Date(input.now).toISOString(),
    outgoing: input.outgoing,
    alarms: {
      unacked: by('unacked'), acked: by('acked'), rtnUnacked: by('rtn-unacked'), latched: by('latched'),
      stale: all.filter((a) => a.stale), shelved: by('shelved'), outOfService: by('out-of-service'),
    },
    workOrders: input.workOrders.map((w) => ({ id: w.id, siteId: w.siteId, title: w.title, priority: w.priority, status: w.status, assignee: w.assignee, source: w.source, ruleId: w.ruleId })),
    emergencies: input.emergencies.map((e) => ({ id: e.id, siteId: e.siteId, level: e.level, stage: e.stage, openedAt: e.openedAt })),
    offlineDevices: input.devices.filter((d) => !d.online).map((d) => ({ deviceId: d.deviceId, siteId: d.siteId, lastSeen: d.lastSeen })),
    pendingReturnVisits: input.returnVisits.map((r) => ({ workOrderId: r.workOrderId, siteId: r.siteId, dueAt: r.dueAt })),
    complaints: input.workOrders.filter((w) => w.source === 'complaint').map((w) => w.id),
  }
}

/** DOMAIN.md §7.1 (OUR): refused while any P1 is unacknowledged. */
export const unackedP1 = <T extends { priority: number; state: AlarmState }>(alarms: readonly T[]): T[] => alarms.filter((a) => a.priority === 1 && a.state === 'unacked')
