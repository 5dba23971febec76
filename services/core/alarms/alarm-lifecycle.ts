// The ISA-18.2 alarm state machine (DOMAIN.md §4.2), pure. Each transition returns the new alarm
// and the history entry to append, or the error code the API answers with.
import type { ErrorCode } from '../errors.js'
import type { Alarm, AlarmHistoryEntry, AlarmState } from '../model.js'

export type AlarmInput =
  | { kind: 'condition-true'; at: number; latched: boolean }
  | { kind: 'condition-false'; at: number; latched: boolean }
  | { kind: 'ack'; at: number; actor: string; note: string | null }
  | { kind: 'reset'; at: number; actor: string; note: string }

export type TransitionResult =
  | { ok: true; alarm: Alarm; entry: AlarmHistoryEntry | null }
  | { ok: false; code: ErrorCode; message: string }

const iso = (ms: number): string => new Date(ms).toISOString()
const SYSTEM = 'system'

function moved(alarm: Alarm, to: AlarmState, patch: Partial<Alarm>, at: number, actor: string, action: string, note: string | null): TransitionResult {
  const next: Alarm = { ...alarm, ...patch, state: to }
  const entry: AlarmHistoryEntry = { at: iso(at), actor, action, from: alarm.state, to, note }
  return { ok: true, alarm: next, entry }
}

const unchanged = (alarm: Alarm): TransitionResult => ({ ok: true, alarm, entry: null })
const refused = (code: ErrorCode, message: string): TransitionResult => ({ ok: false, code, message })

export function transitionAlarm(alarm: Alarm, input: AlarmInput): TransitionResult {
  switch (input.kind) {
    case 'condition-true':
      // A1/A7: the condition returns; counted as a new occurrence of the same alarm.
      if (alarm.active) return unchanged(alarm)
      if (alarm.state === 'rtn-unacked' || alarm.state === 'latched') {
        return moved(alarm, 'unacked', { active: true, acked: false, occurrences: alarm.occurrences + 1, clearedAt: null }, input.at, SYSTEM, 'reactivated', null)
      }
      return unchanged(alarm)
    case 'condition-false':
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
}

export function newAlarm(i: NewAlarmInput): { alarm: Alarm; entry: AlarmHistoryEntry } {
  const at = iso(i.at)
  const alarm: Alarm = {
    id: i.id, siteId: i.siteId, deviceId: i.deviceId, deviceType: i.deviceType, ruleId: i.ruleId, priority: i.priority,
    title: i.title, active: true, acked: false, state: 'unacked', shelvedUntil: null, chattering: false, emergencyId: null,
    raisedAt: at, ackedAt: null, ackedBy: null, clearedAt: null, occurrences: 1, workOrderIds: [], drill: i.drill,
  }
  return { alarm, entry: { at, actor: SYSTEM, action: 'raised', from: null, to: 'unacked', note: null } }
}
