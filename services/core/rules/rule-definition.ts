// Rules as data (issue #3 item 2): each rule names one evaluator kind and supplies small
// predicates over what the engine hands it (the device's flat live state, its previous state, the
// event, the fire signals of its zone, when things last happened). Timing, hysteresis, staging,
// counting, suppression and latching are the evaluators' job, not the rule's.
import type { DeviceType } from '../device-types.js'
import type { Device, FlatState, Priority, Skill } from '../model.js'

export type RuleParams = Readonly<Record<string, number>>

export interface RuleContext {
  state: FlatState
  /** The state before the message being evaluated (equal to `state` on timer evaluations). */
  previous: FlatState
  device: Device
  params: RuleParams
  /** Vigil's clock (epoch ms). */
  now: number
  online: boolean
  /** For event messages: the event (`{event: 'forced_open', ...}`, flattened). */
  event?: Readonly<Record<string, unknown>> | undefined
  /** FACP fire signals (DOMAIN.md §2): in the device's fire zone, and anywhere in its building. */
  fire: { zone: boolean; building: boolean }
  /** When a stamped occurrence (see `stamps`) last happened on this device, or null. */
  lastAt(key: string): number | null
  /** When the device was registered: the baseline of "not in N days" rules. */
  registeredAt: number
}

/** Emergency level a rule opens (DOMAIN.md §6); carried for the emergency issue. */
export type EmergencyLevel = 'E3' | 'E2' | 'E1'

interface RuleBase {
  id: string
  title: string
  deviceType: DeviceType
  /** The base priority, shown in the catalog. */
  priority: Priority
  /** Some rules raise at a higher priority for some devices (AC-01: P2 for plant rooms and perimeters). */
  priorityFor?: (ctx: RuleContext) => Priority
  /** Latched alarms wait for an operator's "end of alarm" reset after the condition clears (DOMAIN.md §4.2 A5). */
  latched: boolean
  /** Trade(s) a work order needs, one work order per skill (the dispatch issue); empty = no work order. */
  skills: Skill[]
  emergency?: EmergencyLevel
  /** Defaults; wherever a rule has an on- or off-delay they are `onDelaySec` and `offDelaySec` (CONTRACT.md §3). */
  params: RuleParams
  /** Off unless a site or device enables it (rules that need data Vigil does not have yet). */
  disabledByDefault?: boolean
  /** The clear condition; with a deadband it is not simply the negation of the raise condition. */
  clears: (ctx: RuleContext) => boolean
  /** Suppression by design (DOMAIN.md §4.2 A11): the reason while the alarm must not annunciate. */
  suppressedWhen?: (ctx: RuleContext) => string | null
  /** Keeps evaluating while the device is offline (rules about being offline); others freeze. */
  whileOffline?: boolean
  /** Time-based rules (staleness, calendars) are also evaluated every this many seconds of Vigil's clock. */
  recheckEverySec?: number
  /** Occurrences to remember for `lastAt` (e.g. `remoteAlarmTest:ok`), from the message being evaluated. */
  stamps?: (ctx: RuleContext) => string[]
  /** Parameters a device attribute sets unless a device override does (AC-02 `heldOpenSec`). */
  attributeParams?: Readonly<Record<string, string>>
}

/** A higher-priority stage of a condition (PU-07 ≥ 140 °C for 10 s → P2); never lowers the priority. */
export interface Stage {
  priority: Priority
  holds: (ctx: RuleContext) => boolean
  /** Name of the parameter holding this stage's on-delay in seconds. */
  delayParam: string
}

/** Raised when `holds` stays true for `onDelaySec`; cleared when `clears` stays true for `offDelaySec`. */
export interface ConditionRule extends RuleBase {
  kind: 'condition'
  holds: (ctx: RuleContext) => boolean
  stages?: Stage[]
}

/** Raised at once by a message (an event, or a transition seen against `previous`); cleared by the state. */
export interface TriggerRule extends RuleBase {
  kind: 'trigger'
  matches: (ctx: RuleContext) => boolean
}

/** Raised when `countParam` occurrences fall within `windowSec`; cleared after `offDelaySec` without one. */
export interface CountRule extends RuleBase {
  kind: 'count'
  /** `message`: counted messages of this device; `alarm`: alarms of other rules raised on this device. */
  source: 'message' | 'alarm'
  counts: (ctx: RuleContext & { raisedRuleId?: string }) => boolean
}

export type RuleDefinition = ConditionRule | TriggerRule | CountRule

export const numberParam = (params: RuleParams, name: string): number => {
  const v = params[name]
  if (v === undefined) throw new Error(`rule parameter ${name} missing`)
  return v
}
