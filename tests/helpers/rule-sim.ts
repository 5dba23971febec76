// Plays a timed script against one rule through the pure evaluator, the way the rules service
// does (evaluate on every message, and again when the evaluator asks to wake up), and records
// what the rule did when. Time is in seconds from 0.
import { ruleById } from '../../services/core/rules/catalog.js'
import { evaluateRule, initialRuleState, type RuleAction, type RuleState } from '../../services/core/rules/evaluate-rule.js'
import type { RuleContext } from '../../services/core/rules/rule-definition.js'
import type { Device, FlatState } from '../../services/core/model.js'

export interface ScriptStep {
  at: number
  /** Fields merged into the state (a telemetry message). */
  set?: FlatState
  /** An event message (its effects on the state go in `set`). */
  event?: Record<string, unknown>
  online?: boolean
  fire?: { zone?: boolean; building?: boolean }
  /** Stamps to record, as the service does from `rule.stamps` (e.g. `remoteAlarmTest:ok`). */
  stamp?: string[]
  /** An alarm of another rule raised on this device (count rules with source `alarm`). */
  raisedRuleId?: string
}

export interface SimResult {
  actions: Array<{ at: number } & RuleAction>
  /** Time of the first raise, or null. */
  raisedAt: number | null
  raisedPriority: number | null
  clearedAt: number | null
  state: RuleState
}

export function simulateRule(
  ruleId: string,
  script: ScriptStep[],
  opts: { until?: number; attributes?: Record<string, unknown>; params?: Record<string, number>; initial?: FlatState; zone?: string; registeredAt?: number } = {},
): SimResult {
  const rule = ruleById(ruleId)
  if (!rule) throw new Error(`no rule ${ruleId}`)
  const T0 = Date.UTC(2026, 0, 1)
  const device: Device = {
    id: 'd1', siteId: 's1', type: rule.deviceType, name: 'sim', location: { building: 'B1', floor: 1, ...(opts.zone !== undefined ? { zone: opts.zone } : { zone: 'Z1' }) },
    attributes: opts.attributes ?? {}, createdAt: new Date(opts.registeredAt ?? T0).toISOString(), updatedAt: new Date(T0).toISOString(),
  }
  const params = { ...rule.params, ...(opts.params ?? {}) }
  let state: FlatState = { ...(opts.initial ?? {}) }
  let previous: FlatState = state
  let online = true
  let fire = { zone: false, building: false }
  const stamps = new Map<string, number>()
  let rs = initialRuleState()
  let wakeAt: number | null = null
  const actions: SimResult['actions'] = []
  const until = (opts.until ?? Math.max(0, ...script.map((s) => s.at)) + 1) * 1000
  const steps = [...script].sort((a, b) => a.at - b.at)

  const run = (nowMs: number, event?: Record<string, unknown>, raisedRuleId?: string): void => {
    const ctx: RuleContext = {
      state, previous, device, params, now: T0 + nowMs, online, event, fire,
      lastAt: (k) => stamps.get(k) ?? null, registeredAt: Date.parse(device.createdAt),
    }
    if (!online && !rule.whileOffline) return
    for (const k of rule.stamps?.(ctx) ?? []) stamps.set(k, T0 + nowMs)
    const r = evaluateRule(rule, rs, ctx, raisedRuleId ? { raisedRuleId } : {})
    rs = r.state
    wakeAt = r.wakeAt === null ? null : r.wakeAt - T0
    for (const a of r.actions) actions.push({ at: nowMs / 1000, ...a })
  }

  let i = 0
  for (;;) {
    const nextStep = steps[i]
    const stepMs = nextStep ? nextStep.at * 1000 : Infinity
    if (wakeAt !== null && wakeAt < stepMs && wakeAt <= until) {
      const w: number = wakeAt
      wakeAt = null
      previous = state
      run(w)
      continue
    }
    if (!nextStep || stepMs > until) break
    i++
    previous = state
    if (nextStep.set) state = { ...state, ...nextStep.set }
    if (nextStep.online !== undefined) online = nextStep.online
    if (nextStep.fire) fire = { ...fire, ...nextStep.fire }
    for (const k of nextStep.stamp ?? []) stamps.set(k, T0 + stepMs)
    run(stepMs, nextStep.event, nextStep.raisedRuleId)
  }
  const raise = actions.find((a) => a.kind === 'raise')
  const clear = actions.find((a) => a.kind === 'clear')
  return {
    actions,
    raisedAt: raise ? raise.at : null,
    raisedPriority: raise && raise.kind === 'raise' ? raise.priority : null,
    clearedAt: clear ? clear.at : null,
    state: rs,
  }
}
