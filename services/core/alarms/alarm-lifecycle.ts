// The ISA-18.2 alarm state machine (DOMAIN.md §4.2), pure. Each transition returns the new alarm
// and the history entry to append, or the error code the API answers with. The basic lifecycle
// (A1-A8) is here; shelving, suppression, out-of-service and escalation are in alarm-management.ts.
import type { Alarm, AlarmHistoryEntry } from '../model.js'
import { hiddenConditionChange, manageAlarm, type ManagementInput } from './alarm-management.js'
import { iso, isHidden, moved, refused, SYSTEM, unchanged, type TransitionResult } from './alarm-transition.js'

export type { TransitionResult } from './alarm-transition.js'

export type AlarmInput =
  /** `chattering`: the chattering tracker says this activation is a silent repeat (DOMAIN.md §4.3). */
  | { kind: 'condition-true'; at: number; latched: boolean; chattering?: boolean }
  | { kind: 'condition-false'; at: number; latched: boolean }
  | { kind: 'ack'; at: number; actor: string; note: string | null }
  | { kind: 'reset'; at: number; actor: string; note: string }
  /** The device was deleted: its condition can never clear or be acknowledged away, so the alarm ends. */
  | { kind: 'device-removed'; at: number }
  | ManagementInput

/** A7: the condition returning to an alarm waiting as rtn-unacked or latched re-annunciates it. */
export const isReactivation = (alarm: Alarm): boolean => !alarm.active && (alarm.state === 'rtn-unacked' || alarm.state === 'latched')

/** History actions of an annunciation (A1 raise, A7 reactivation) that counts for the flood and the alarm load. */
export const ANNUNCIATING_ACTIONS = ['raised', 'reactivated'] as const
/** The same, counted silently because the alarm is chattering (DOMAIN.md §4.3). */
export const CHATTERING_ACTIONS = ['raised-chattering', 'reactivated-chattering'] as const

const CHATTERING_NOTE = 'chattering: ≥3 activations within 60 s, counted silently'

export function transitionAlarm(alarm: Alarm, input: AlarmInput): TransitionResult {
  switch (input.kind) {
    case 'condition-true':
      if (isHidden(alarm.state)) return hiddenConditionChange(alarm, true, input.at)
      // A1/A7: the condition returns; counted as a new occurrence of the same alarm.
      if (!isReactivation(alarm)) return unchanged(alarm)
      return moved(alarm, 'unacked',
        { active: true, acked: false, occurrences: alarm.occurrences + 1, clearedAt: null, ...(input.chattering ? { chattering: true } : {}) },
        input.at, SYSTEM, input.chattering ? 'reactivated-chattering' : 'reactivated', input.chattering ? CHATTERING_NOTE : null)
    case 'condition-false':
      if (isHidden(alarm.state)) return hiddenConditionChange(alarm, false, input.at)
      if (!alarm.active) return unchanged(alarm)
      if (input.latched) {
        // A5: latching rules wait for an "end of alarm" reset instead of returning to normal.
        return moved(alarm, 'latched', { active: false, clearedAt: iso(input.at) }, input.at, SYSTEM, 'cleared', null)
      }
      if (alarm.state === 'acked') return moved(alarm, 'normal', { active: false, clearedAt: iso(input.at) }, input.at, SYSTEM, 'cleared', null) // A4
      if (alarm.state === 'unacked') return moved(alarm, 'rtn-unacked', { active: false, clearedAt: iso(input.at) }, input.at, SYSTEM, 'cleared', null) // A3
      return unchanged(alarm)
    case 'ack': {
      const patch = { acked: true, ackedAt: iso(input.at), ackedBy: input.actor }
      if (alarm.state === 'unacked') return moved(alarm, 'acked', patch, input.at, input.actor, 'ack', input.note) // A2
      if (alarm.state === 'rtn-unacked') return moved(alarm, 'normal', patch, input.at, input.actor, 'ack', input.note) // A6
      if (alarm.state === 'latched' && !alarm.acked) return moved(alarm, 'latched', patch, input.at, input.actor, 'ack', input.note)
      return refused('ALARM_TRANSITION_NOT_ALLOWED', `an alarm in state ${alarm.state}${alarm.acked ? ' (already acknowledged)' : ''} cannot be acknowledged`)
    }
    case 'reset': {
      // A8: "end of alarm" implies acknowledgement; refused while the condition still holds.
      if (alarm.active) return refused('ALARM_CONDITION_ACTIVE', 'the alarm condition still holds; it can be reset once it has cleared')
      if (alarm.state !== 'latched') return refused('ALARM_TRANSITION_NOT_ALLOWED', `only a latched alarm can be reset (this one is ${alarm.state})`)
      const patch = alarm.acked ? {} : { acked: true, ackedAt: iso(input.at), ackedBy: input.actor }
      return moved(alarm, 'normal', patch, input.at, input.actor, 'reset', input.note)
    }
    case 'device-removed':
      return moved(alarm, 'normal', { active: false, clearedAt: alarm.clearedAt ?? iso(input.at), shelvedUntil: null, outOfServiceWorkOrderId: null },
        input.at, SYSTEM, 'device-removed', 'the device was removed from the registry; its alarm ends with it')
    case 'shelve':
    case 'unshelve':
    case 'shelve-expired':
    case 'suppress':
    case 'unsuppress':
    case 'out-of-service':
    case 'return-to-service':
    case 'escalate':
    case 'chattering-cleared':
      return manageAlarm(alarm, input)
  }
}

export interface NewAlarmInput {
  id: string
  siteId: string
  deviceId: string
  deviceType: Alarm['deviceType']
  ruleId: string
  priority: Alarm['priority']
  title: string
  drill: boolean
  at: number
  /** Raised while its (device, rule) is chattering: flagged and counted silently (DOMAIN.md §4.3). */
  chattering?: boolean
}

export function newAlarm(i: NewAlarmInput): { alarm: Alarm; entry: AlarmHistoryEntry } {
  const at = iso(i.at)
  const chattering = i.chattering === true
  const alarm: Alarm = {
    id: i.id, siteId: i.siteId, deviceId: i.deviceId, deviceType: i.deviceType, ruleId: i.ruleId, priority: i.priority,
    title: i.title, active: true, acked: false, state: 'unacked', shelvedUntil: null, chattering, emergencyId: null,
    raisedAt: at, ackedAt: null, ackedBy: null, clearedAt: null, occurrences: 1, workOrderIds: [], drill: i.drill,
  }
  const entry: AlarmHistoryEntry = { at, actor: SYSTEM, action: chattering ? 'raised-chattering' : 'raised', from: null, to: 'unacked', note: chattering ? CHATTERING_NOTE : null }
  return { alarm, entry }
}
