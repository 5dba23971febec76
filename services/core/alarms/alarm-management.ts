// The ISA-18.2 management states around the basic lifecycle (DOMAIN.md §4.2 A9-A12) and priority
// escalation of staged rules. Pure: the service owns the timers and the repository.
import type { Alarm, Priority } from '../model.js'
import { isHidden, moved, reevaluated, refused, SYSTEM, unchanged, type TransitionResult } from './alarm-transition.js'

/** DOMAIN.md §4.2 A9: shelving lasts at most 8 h (OUR, configurable later). */
export const MAX_SHELVE_MINUTES = 480

export type ManagementInput =
  | { kind: 'shelve'; at: number; actor: string; minutes: number; reason: string; mayShelveP2: boolean }
  | { kind: 'unshelve'; at: number; actor: string }
  | { kind: 'shelve-expired'; at: number }
  | { kind: 'suppress'; at: number; reason: string }
  | { kind: 'unsuppress'; at: number }
  | { kind: 'out-of-service'; at: number; actor: string; workOrderId: string; reason: string }
  | { kind: 'return-to-service'; at: number; actor: string; note: string | null }
  | { kind: 'escalate'; at: number; priority: Priority }
  | { kind: 'chattering-cleared'; at: number }

/** States an operator may shelve (A9 lists NORM/UNACK/ACKED/RTNUN; a latched alarm waits for its reset). */
const SHELVABLE = ['normal', 'unacked', 'acked', 'rtn-unacked'] as const
/** Suppression by design hides what would annunciate; a latched alarm still needs its "end of alarm" (A8), and shelved/OOS are already hidden by a person's decision. */
const SUPPRESSIBLE = ['unacked', 'acked', 'rtn-unacked'] as const

const includes = (list: readonly string[], s: string): boolean => list.includes(s)

export function manageAlarm(alarm: Alarm, input: ManagementInput): TransitionResult {
  switch (input.kind) {
    case 'shelve': {
      // A9: P1 never; P2 supervisor and up; P3/P4 operator; duration ≤ 8 h; reason required.
      if (alarm.priority === 1) return refused('ALARM_NOT_SHELVABLE', 'a priority-1 alarm cannot be shelved')
      if (alarm.priority === 2 && !input.mayShelveP2) return refused('FORBIDDEN', 'only a supervisor, manager or admin may shelve a priority-2 alarm')
      if (!Number.isInteger(input.minutes) || input.minutes < 1 || input.minutes > MAX_SHELVE_MINUTES) {
        return refused('VALIDATION_FAILED', `minutes must be a whole number from 1 to ${MAX_SHELVE_MINUTES}`)
      }
      if (input.reason.trim() === '') return refused('VALIDATION_FAILED', 'a reason is required to shelve an alarm')
      if (!includes(SHELVABLE, alarm.state)) return refused('ALARM_TRANSITION_NOT_ALLOWED', `an alarm in state ${alarm.state} cannot be shelved`)
      const until = new Date(input.at + input.minutes * 60_000).toISOString()
      return moved(alarm, 'shelved', { shelvedUntil: until }, input.at, input.actor, 'shelve', `${input.reason} (${input.minutes} min, until ${until})`)
    }
    case 'unshelve':
      if (alarm.state !== 'shelved') return refused('ALARM_TRANSITION_NOT_ALLOWED', `only a shelved alarm can be unshelved (this one is ${alarm.state})`)
      return reevaluated(alarm, input.at, input.actor, 'unshelve', null)
    case 'shelve-expired': {
      // A10 by the system; a stale timer (the alarm was unshelved and shelved again) does nothing.
      const due = alarm.shelvedUntil === null ? Infinity : Date.parse(alarm.shelvedUntil)
      if (alarm.state !== 'shelved' || due > input.at) return unchanged(alarm)
      return reevaluated(alarm, input.at, SYSTEM, 'shelve-expired', null)
    }
    case 'suppress':
      if (!includes(SUPPRESSIBLE, alarm.state)) return unchanged(alarm)
      return moved(alarm, 'suppressed', {}, input.at, SYSTEM, 'suppress', input.reason)
    case 'unsuppress':
      // A11: the engine re-evaluates from scratch and raises a fresh alarm if the condition still holds.
      if (alarm.state !== 'suppressed') return unchanged(alarm)
      return moved(alarm, 'normal', { active: false, clearedAt: alarm.active ? new Date(input.at).toISOString() : alarm.clearedAt }, input.at, SYSTEM, 'unsuppress', null)
    case 'out-of-service': {
      // A12: a maintenance permit tied to a work order; a latched alarm must be reset first (A8).
      if (alarm.state === 'out-of-service' || alarm.state === 'latched') {
        return refused('ALARM_TRANSITION_NOT_ALLOWED', `an alarm in state ${alarm.state} cannot be taken out of service`)
      }
      if (input.workOrderId.trim() === '' || input.reason.trim() === '') return refused('VALIDATION_FAILED', 'workOrderId and reason are required')
      const workOrderIds = alarm.workOrderIds.includes(input.workOrderId) ? alarm.workOrderIds : [...alarm.workOrderIds, input.workOrderId]
      return moved(alarm, 'out-of-service', { outOfServiceWorkOrderId: input.workOrderId, workOrderIds, shelvedUntil: null }, input.at, input.actor,
        'out-of-service', `${input.reason} (work order ${input.workOrderId})`)
    }
    case 'return-to-service':
      if (alarm.state !== 'out-of-service') return refused('ALARM_TRANSITION_NOT_ALLOWED', `only an out-of-service alarm can return to service (this one is ${alarm.state})`)
      return reevaluated(alarm, input.at, input.actor, 'return-to-service', input.note)
    case 'escalate': {
      // Staged rules only ever raise the priority (1 = highest); escalation re-annunciates.
      if (input.priority >= alarm.priority || alarm.state === 'normal') return unchanged(alarm)
      const note = `P${alarm.priority} → P${input.priority}`
      const patch = { priority: input.priority }
      if (alarm.state === 'acked') return moved(alarm, 'unacked', { ...patch, acked: false }, input.at, SYSTEM, 'escalate', note)
      // A shelved alarm that escalates is no longer what the person shelved: bring it back.
      if (alarm.state === 'shelved') return reevaluated({ ...alarm, ...patch }, input.at, SYSTEM, 'escalate', note)
      return moved(alarm, alarm.state, patch, input.at, SYSTEM, 'escalate', note)
    }
    case 'chattering-cleared':
      // DOMAIN.md §4.3: 10 min without an activation; the dashboard annunciates it normally again.
      if (!alarm.chattering) return unchanged(alarm)
      return moved(alarm, alarm.state, { chattering: false }, input.at, SYSTEM, 'chattering-cleared', 'no activation for 10 min')
  }
}

/** While shelved, suppressed or out of service the condition only moves `active` (and counts occurrences). */
export function hiddenConditionChange(alarm: Alarm, holds: boolean, at: number): TransitionResult {
  if (!isHidden(alarm.state) || alarm.active === holds) return unchanged(alarm)
  return holds
    ? moved(alarm, alarm.state, { active: true, occurrences: alarm.occurrences + 1, clearedAt: null }, at, SYSTEM, 'condition-returned', null)
    : moved(alarm, alarm.state, { active: false, clearedAt: new Date(at).toISOString() }, at, SYSTEM, 'condition-cleared', null)
}
