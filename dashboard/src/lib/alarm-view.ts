// What an operator may do with an alarm and how it looks, as plain functions (DOMAIN.md §4 and
// CONTRACT.md §3 "Who may do what"). The server decides in the end; these only keep the wall from
// offering a button that can only fail, and say why when a button is disabled.
import type { Alarm, AlarmState, Role } from './api/types.js'

/** DOMAIN.md §4.2 A9: at most 8 h. */
export const MAX_SHELVE_MINUTES = 480
export const SHELVE_CHOICES: readonly { minutes: number; label: string }[] = [
  { minutes: 15, label: '15 min' },
  { minutes: 30, label: '30 min' },
  { minutes: 60, label: '1 h' },
  { minutes: 120, label: '2 h' },
  { minutes: 240, label: '4 h' },
  { minutes: 480, label: '8 h' },
]

/** The alarm panel's tabs: the active list and the three lists hidden from it (DOMAIN.md §4.1). */
export type AlarmTab = 'active' | 'shelved' | 'suppressed' | 'out-of-service'

const CONTROL_ROOM: readonly Role[] = ['admin', 'manager', 'supervisor', 'operator']
const SUPERVISORS: readonly Role[] = ['admin', 'manager', 'supervisor']
/** A9 lists NORM/UNACK/ACKED/RTNUN; a latched alarm waits for its end-of-alarm reset. */
const SHELVABLE: readonly AlarmState[] = ['normal', 'unacked', 'acked', 'rtn-unacked']

export interface ActionState {
  allowed: boolean
  /** Why not, in words, when the action is shown but disabled. */
  reason?: string
}

export interface AlarmActions {
  ack: ActionState
  reset: ActionState
  shelve: ActionState
  unshelve: ActionState
  outOfService: ActionState
  returnToService: ActionState
}

const yes: ActionState = { allowed: true }
const no = (reason: string): ActionState => ({ allowed: false, reason })

export function alarmActions(alarm: Alarm, role: Role | null): AlarmActions {
  const controlRoom = role !== null && CONTROL_ROOM.includes(role)
  const notYours = no(role === null ? 'Sign in to act on alarms.' : `A ${role} may only watch alarms.`)
  if (!controlRoom) {
    return { ack: notYours, reset: notYours, shelve: notYours, unshelve: notYours, outOfService: notYours, returnToService: notYours }
  }
  const acknowledgeable = !alarm.acked && (alarm.state === 'unacked' || alarm.state === 'rtn-unacked' || alarm.state === 'latched')
  return {
    ack: acknowledgeable ? yes : no('Already acknowledged.'),
    // A8: only a latched alarm, and only once its condition has cleared.
    reset: alarm.state !== 'latched' ? no('Only a latched alarm is ended with a reset.') : alarm.active ? no('The condition still holds; end the alarm once it has cleared.') : yes,
    shelve: shelveState(alarm, role),
    unshelve: alarm.state === 'shelved' ? yes : no('The alarm is not shelved.'),
    // A12: a latched alarm is reset first; one already out of service stays so.
    outOfService: alarm.state === 'out-of-service' ? no('Already out of service.') : alarm.state === 'latched' ? no('End the latched alarm first.') : yes,
    returnToService: alarm.state === 'out-of-service' ? yes : no('The alarm is in service.'),
  }
}

function shelveState(alarm: Alarm, role: Role): ActionState {
  if (alarm.priority === 1) return no('Priority-1 alarms can never be shelved (ISA-18.2, DOMAIN.md §4.2).')
  if (alarm.priority === 2 && !SUPERVISORS.includes(role)) return no('Only a supervisor, manager or admin may shelve a priority-2 alarm.')
  if (alarm.state === 'shelved') return no('Already shelved.')
  if (!SHELVABLE.includes(alarm.state)) return no(alarm.state === 'latched' ? 'A latched alarm is ended with a reset, not shelved.' : `An alarm that is ${alarm.state} cannot be shelved.`)
  return yes
}

/**
 * Flashes while it waits for an acknowledgement (DOMAIN.md §4.1 UNACK and RTNUN; a latched alarm
 * nobody acknowledged yet too). A chattering alarm was annunciated once already and stays quiet
 * and steady (§4.3), so it cannot keep the wall blinking.
 */
export function isFlashing(alarm: Alarm): boolean {
  return !alarm.acked && !alarm.chattering && (alarm.state === 'unacked' || alarm.state === 'rtn-unacked' || alarm.state === 'latched')
}

export const STATE_LABEL: Record<AlarmState, string> = {
  unacked: 'Unacknowledged',
  acked: 'Acknowledged',
  'rtn-unacked': 'Cleared · unacked',
  latched: 'Latched · awaiting reset',
  shelved: 'Shelved',
  suppressed: 'Suppressed',
  'out-of-service': 'Out of service',
  normal: 'Normal',
}

/** "2 h 05 min", "4 min", "45 s": how long until `until` (or since, for negative spans, as 0). */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, '0')} min`
  return `${Math.floor(h / 24)} d ${h % 24} h`
}

/** Time left on the shelf; null when the alarm has no shelf timer. */
export function shelfTimeLeft(alarm: Alarm, now: number): string | null {
  if (!alarm.shelvedUntil) return null
  return formatSpan(Date.parse(alarm.shelvedUntil) - now)
}

export function ago(iso: string, now: number): string {
  return `${formatSpan(now - Date.parse(iso))} ago`
}

export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
}
