// Rules as data (issue "rule catalog" item 2): each rule names one evaluator kind and supplies
// small predicates over the device's flat live state; timing, hysteresis and latching are the
// evaluators' job, not the rule's.
import type { DeviceType } from '../device-types.js'
import type { Device, FlatState, Priority, Skill } from '../model.js'

export type RuleParams = Readonly<Record<string, number>>

export interface RuleContext {
  state: FlatState
  device: Device
  params: RuleParams
  /** For event rules: the event that arrived (`{event: 'forced_open', ...}`). */
  event?: Readonly<Record<string, unknown>> | undefined
}

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
  /** Trade(s) a work order needs (dispatch, a later issue). */
  skills: Skill[]
  /** Defaults; wherever a rule has an on- or off-delay they are `onDelaySec` and `offDelaySec` (CONTRACT.md §3). */
  params: RuleParams
  /** The clear condition; with a deadband it is not simply the negation of the raise condition. */
  clears: (ctx: RuleContext) => boolean
}

/** Raised when `holds` stays true for `onDelaySec`; cleared when `clears` stays true for `offDelaySec`. */
export interface ConditionRule extends RuleBase {
  kind: 'condition'
  holds: (ctx: RuleContext) => boolean
}

/** Raised by a discrete event; cleared by the state (`clears`) for `offDelaySec`. */
export interface EventRule extends RuleBase {
  kind: 'event'
  matches: (ctx: RuleContext & { event: Readonly<Record<string, unknown>> }) => boolean
}

export type RuleDefinition = ConditionRule | EventRule

export const numberParam = (params: RuleParams, name: string): number => {
  const v = params[name]
  if (v === undefined) throw new Error(`rule parameter ${name} missing`)
  return v
}
