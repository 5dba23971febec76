// What an operator may do with an alarm and how it looks, as plain functions (DOMAIN.md §4 and
// CONTRACT.md §3 "Who may do what"). The server decides in the end; these only keep the wall from
// offering a button that can only fail, and say why when a button is disabled.
import type { Alarm, AlarmState, Role } from './api/types.js'
import { currentLocale, hasMessage, t } from './i18n/catalog.js'
import { formatSpan } from './i18n/format.js'

export { ago, clockTime, formatSpan } from './i18n/format.js'

/** DOMAIN.md §4.2 A9: at most 8 h. */
export const MAX_SHELVE_MINUTES = 480
export const SHELVE_MINUTES: readonly number[] = [15, 30, 60, 120, 240, 480]

/** "15 min", "2 h" in the user's language. */
export function shelveLabel(minutes: number): string {
  return minutes < 60 ? t('time.minutes', { m: minutes }) : t('time.hours', { h: minutes / 60 })
}

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
  const notYours = no(role === null ? t('why.signIn') : t('why.watchOnly', { role: t(`role.${role}`) }))
  if (!controlRoom) {
    return { ack: notYours, reset: notYours, shelve: notYours, unshelve: notYours, outOfService: notYours, returnToService: notYours }
  }
  const acknowledgeable = !alarm.acked && (alarm.state === 'unacked' || alarm.state === 'rtn-unacked' || alarm.state === 'latched')
  return {
    ack: acknowledgeable ? yes : no(t('why.alreadyAcked')),
    // A8: only a latched alarm, and only once its condition has cleared.
    reset: alarm.state !== 'latched' ? no(t('why.resetLatchedOnly')) : alarm.active ? no(t('why.conditionHolds')) : yes,
    shelve: shelveState(alarm, role),
    unshelve: alarm.state === 'shelved' ? yes : no(t('why.notShelved')),
    // A12: a latched alarm is reset first; one already out of service stays so.
    outOfService: alarm.state === 'out-of-service' ? no(t('why.alreadyOos')) : alarm.state === 'latched' ? no(t('why.endLatchedFirst')) : yes,
    returnToService: alarm.state === 'out-of-service' ? yes : no(t('why.inService')),
  }
}

function shelveState(alarm: Alarm, role: Role): ActionState {
  if (alarm.priority === 1) return no(t('why.p1NeverShelved'))
  if (alarm.priority === 2 && !SUPERVISORS.includes(role)) return no(t('why.p2Supervisor'))
  if (alarm.state === 'shelved') return no(t('why.alreadyShelved'))
  if (!SHELVABLE.includes(alarm.state)) return no(alarm.state === 'latched' ? t('why.latchedNotShelved') : t('why.stateNotShelvable', { state: stateLabel(alarm.state) }))
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

export function stateLabel(state: AlarmState): string {
  return t(`alarmState.${state}`)
}

/**
 * The alarm's title in the user's language: the rule's title from the catalog, or the server's
 * own title (English, or a site's custom wording) when the rule has none or the user reads English.
 */
export function alarmTitle(alarm: Pick<Alarm, 'ruleId' | 'title'>): string {
  const key = `rule.${alarm.ruleId}`
  return currentLocale() !== 'en' && hasMessage(key) ? t(key) : alarm.title
}

/** What the history's action code means ("ack" → "acknowledged"); an unknown code is shown as is. */
export function historyAction(action: string): string {
  const key = `alarmAction.${action}`
  return hasMessage(key) ? t(key) : action
}

/** Time left on the shelf; null when the alarm has no shelf timer. */
export function shelfTimeLeft(alarm: Alarm, now: number): string | null {
  if (!alarm.shelvedUntil) return null
  return formatSpan(Date.parse(alarm.shelvedUntil) - now)
}
