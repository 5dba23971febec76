// The escalation ladder of DOMAIN.md §6 as checkpoints on a work order. Pure: the timer service
// asks for the breaches due now and for the next deadline, and commits what this returns.
//
// | P  | to L2 (level 1)                                             | to L1 (level 2)                          |
// | P1 | alarm ack > 1 min; not accepted 5; nobody on site 15        | specialist not on site 30; unresolved 60 |
// | P2 | alarm ack > 5 min; not accepted 15; not on site 30          | unresolved 240                           |
// | P3 | alarm ack > 30 min; unresolved 1440                         | unresolved 4320                          |
// | P4 | past due                                                    | –                                        |
// (accept / arrive deadlines are the work order's SLA clocks, so site, tier and complaint
// overrides move the escalation with them.)
import type { Priority } from '../model.js'
import type { BreachKind, EscalationLevel, WorkOrder, WorkOrderStatus } from './work-order.js'

/** DOMAIN.md §2 "Operator ack" column: minutes an alarm may stay unacknowledged before L2 hears of it. */
export const ALARM_ACK_LIMIT_MIN: Readonly<Record<Priority, number | null>> = Object.freeze({ 1: 1, 2: 5, 3: 30, 4: null })
/** DOMAIN.md §6 P3 "unresolved 4320 min" → L1. */
export const P3_L1_RESOLVE_MIN = 4320
/** DOMAIN.md §6 "re-notify": P1 every 1 min, P2 every 5 min, until acknowledged; P3/P4 none. */
export const RENOTIFY_EVERY_MIN: Readonly<Record<Priority, number | null>> = Object.freeze({ 1: 1, 2: 5, 3: null, 4: null })

/** DOMAIN.md §6 (OUR): an escalation notice itself must be acknowledged within 5 min (P1) / 15 min (P2), else it goes up a level. */
export const NOTICE_ACK_LIMIT_MIN: Readonly<Record<Priority, number | null>> = Object.freeze({ 1: 5, 2: 15, 3: null, 4: null })

/** Statuses whose clocks still run: after completion nothing more can be late. */
const CLOCKED: readonly WorkOrderStatus[] = ['created', 'assigned', 'accepted', 'on-site', 'in-progress', 'on-hold']

export interface Checkpoint {
  kind: BreachKind
  dueAt: number
  level: EscalationLevel
}

/** What the ladder needs to know beyond the work order: the linked alarm's raise and acknowledgement. */
export interface AlarmFacts {
  raisedAt: number
  acked: boolean
}

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso))

export function checkpoints(wo: WorkOrder, alarm: AlarmFacts | null): Checkpoint[] {
  const out: Checkpoint[] = []
  const add = (kind: BreachKind, dueAt: number | null, level: EscalationLevel): void => {
    if (dueAt !== null) out.push({ kind, dueAt, level })
  }
  add('intake', ms(wo.dueIntakeBy), 1)
  const ackMin = ALARM_ACK_LIMIT_MIN[wo.priority]
  if (alarm && ackMin !== null) add('ack', alarm.raisedAt + ackMin * 60_000, 1)
  add('accept', ms(wo.dueAcceptBy), 1)
  add('arrive', ms(wo.dueArriveBy), 1)
  add('arrive-specialist', ms(wo.dueSpecialistArriveBy), 2)
  add('resolve', ms(wo.dueResolveBy), wo.priority <= 2 ? 2 : 1)
  if (wo.priority === 3 && wo.source !== 'complaint') add('resolve-l1', Date.parse(wo.createdAt) + P3_L1_RESOLVE_MIN * 60_000, 2)
  return out
}

/** Whether the obligation behind a checkpoint has been met (then it can never breach). */
export function isMet(wo: WorkOrder, kind: BreachKind, alarm: AlarmFacts | null): boolean {
  switch (kind) {
    case 'intake': return wo.assignedAt !== null || wo.acceptedAt !== null || wo.rejectedBy.length > 0
    case 'ack': return alarm === null || alarm.acked
    case 'accept': return wo.acceptedAt !== null
    case 'arrive': case 'arrive-specialist': return wo.arrivedAt !== null
    case 'resolve': case 'resolve-l1': return wo.completedAt !== null
  }
}

function pending(wo: WorkOrder, alarm: AlarmFacts | null): Checkpoint[] {
  if (!CLOCKED.includes(wo.status)) return []
  const recorded = new Set(wo.breaches.map((b) => b.kind))
  return checkpoints(wo, alarm).filter((c) => !recorded.has(c.kind) && !isMet(wo, c.kind, alarm))
}

/** Checkpoints that passed by `now` without being met and are not recorded yet, earliest first. */
export function dueBreaches(wo: WorkOrder, alarm: AlarmFacts | null, now: number): Checkpoint[] {
  return pending(wo, alarm).filter((c) => c.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt)
}

/** The next deadline after `now` to wake up for, or null when nothing more can be late. */
export function nextDeadline(wo: WorkOrder, alarm: AlarmFacts | null, now: number): number | null {
  const future = pending(wo, alarm).filter((c) => c.dueAt > now).map((c) => c.dueAt)
  return future.length ? Math.min(...future) : null
}

export const maxLevel = (a: EscalationLevel, b: EscalationLevel): EscalationLevel => (a >= b ? a : b)

/** Who hears of a level: L2 supervisors, L1 managers (DOMAIN.md §6; CONTRACT.md §3 users). */
export const LEVEL_ROLE: Readonly<Record<1 | 2, 'supervisor' | 'manager'>> = Object.freeze({ 1: 'supervisor', 2: 'manager' })
