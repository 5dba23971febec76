// What every alarm transition returns (DOMAIN.md §4.2): the new alarm and the history entry to
// append (who, when, from, to, note), or the error code the API answers with. Pure.
import type { ErrorCode } from '../errors.js'
import type { Alarm, AlarmHistoryEntry, AlarmState } from '../model.js'

export type TransitionResult =
  | { ok: true; alarm: Alarm; entry: AlarmHistoryEntry | null }
  | { ok: false; code: ErrorCode; message: string }

export const SYSTEM = 'system'
export const iso = (ms: number): string => new Date(ms).toISOString()

/** Hidden states (DOMAIN.md §4.1): the condition still moves `active`, but nothing annunciates. */
export const HIDDEN_STATES: readonly AlarmState[] = ['shelved', 'suppressed', 'out-of-service']
export const isHidden = (state: AlarmState): boolean => HIDDEN_STATES.includes(state)

export function moved(alarm: Alarm, to: AlarmState, patch: Partial<Alarm>, at: number, actor: string, action: string, note: string | null): TransitionResult {
  const next: Alarm = { ...alarm, ...patch, state: to }
  const entry: AlarmHistoryEntry = { at: iso(at), actor, action, from: alarm.state, to, note }
  return { ok: true, alarm: next, entry }
}

export const unchanged = (alarm: Alarm): TransitionResult => ({ ok: true, alarm, entry: null })
export const refused = (code: ErrorCode, message: string): TransitionResult => ({ ok: false, code, message })

/**
 * A10/A12 "re-evaluated": leaving shelved or out-of-service, an alarm whose condition holds is
 * annunciated again as unacked; one whose condition cleared meanwhile ends as normal.
 */
export function reevaluated(alarm: Alarm, at: number, actor: string, action: string, note: string | null): TransitionResult {
  const leaving = { shelvedUntil: null, outOfServiceWorkOrderId: null }
  return alarm.active
    ? moved(alarm, 'unacked', { ...leaving, acked: false }, at, actor, action, note)
    : moved(alarm, 'normal', leaving, at, actor, action, note)
}
