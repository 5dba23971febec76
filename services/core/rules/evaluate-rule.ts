// One evaluation of one rule on one device, pure: the evaluator kinds of issue #3 item 2
// (condition with on/off delay and stages, trigger, count in a window), suppression by design,
// and the next time the rule needs to look again. The rules service owns timers and alarms.
import type { Priority } from '../model.js'
import { stepCondition, type Phase } from './condition-timer.js'
import { numberParam, type RuleContext, type RuleDefinition } from './rule-definition.js'

export interface RuleState {
  phase: Phase
  stagePhases: Phase[]
  suppressed: boolean
  /** Count rules: occurrences inside the window, and the last one (for the quiet period that clears). */
  hits: number[]
  lastHitAt: number | null
}

export type RuleAction =
  | { kind: 'raise'; priority: Priority }
  | { kind: 'escalate'; priority: Priority }
  | { kind: 'clear' }
  | { kind: 'suppress'; reason: string }
  | { kind: 'unsuppress' }

export interface Evaluation {
  state: RuleState
  actions: RuleAction[]
  wakeAt: number | null
}

const IDLE: Phase = { kind: 'idle' }
export const initialRuleState = (): RuleState => ({ phase: IDLE, stagePhases: [], suppressed: false, hits: [], lastHitAt: null })

const delay = (ctx: RuleContext, name: string): number => (ctx.params[name] ?? 0) * 1000
const higher = (a: Priority, b: Priority): Priority => (a <= b ? a : b) as Priority
const earliest = (...ts: Array<number | null>): number | null => {
  const xs = ts.filter((t): t is number => t !== null)
  return xs.length ? Math.min(...xs) : null
}

export function evaluateRule(rule: RuleDefinition, prior: RuleState, ctx: RuleContext, extra: { raisedRuleId?: string } = {}): Evaluation {
  const actions: RuleAction[] = []
  let state = prior
  // A raised latching alarm (a trapped passenger) stays until its "end of alarm": switching the car
  // to inspection to rescue somebody must not make the alarm disappear.
  const raisedLatched = rule.latched && (state.phase.kind === 'active' || state.phase.kind === 'pending-off')
  const reason = raisedLatched ? null : (rule.suppressedWhen?.(ctx) ?? null)
  if (reason !== null) {
    if (state.suppressed) return { state, actions, wakeAt: null }
    return { state: { ...initialRuleState(), suppressed: true }, actions: [{ kind: 'suppress', reason }], wakeAt: null }
  }
  if (state.suppressed) {
    // A11: re-evaluated from scratch once the suppression ends.
    actions.push({ kind: 'unsuppress' })
    state = initialRuleState()
  }
  const basePriority = rule.priorityFor?.(ctx) ?? rule.priority
  switch (rule.kind) {
    case 'condition': {
      const base = stepCondition(state.phase, { holds: rule.holds(ctx), clears: rule.clears(ctx) }, ctx.now, delay(ctx, 'onDelaySec'), delay(ctx, 'offDelaySec'))
      const wasActive = state.phase.kind === 'active' || state.phase.kind === 'pending-off'
      let raiseAt: Priority | null = base.action === 'raise' ? basePriority : null
      let escalateTo: Priority | null = null
      const stagePhases: Phase[] = []
      const stageWakes: Array<number | null> = []
      for (const [i, stage] of (rule.stages ?? []).entries()) {
        const holds = base.action !== 'clear' && stage.holds(ctx)
        const step = stepCondition(state.stagePhases[i] ?? IDLE, { holds, clears: !holds }, ctx.now, delay(ctx, stage.delayParam), 0)
        stagePhases.push(step.phase)
        stageWakes.push(step.wakeAt)
        if (step.action !== 'raise') continue
        if (wasActive) escalateTo = escalateTo === null ? stage.priority : higher(escalateTo, stage.priority)
        else raiseAt = raiseAt === null ? stage.priority : higher(raiseAt, stage.priority)
      }
      // A stage may fire before the base delay runs out (140 °C for 10 s before 120 °C for 60 s).
      const phase: Phase = raiseAt !== null && !wasActive ? { kind: 'active' } : base.phase
      if (raiseAt !== null && !wasActive) actions.push({ kind: 'raise', priority: raiseAt })
      if (escalateTo !== null) actions.push({ kind: 'escalate', priority: escalateTo })
      if (base.action === 'clear') actions.push({ kind: 'clear' })
      const cleared = base.action === 'clear'
      return {
        state: { ...state, phase, stagePhases: cleared ? [] : stagePhases },
        actions,
        wakeAt: earliest(phase === base.phase ? base.wakeAt : null, ...(cleared ? [] : stageWakes)),
      }
    }
    case 'trigger': {
      if (rule.matches(ctx) && state.phase.kind !== 'active' && state.phase.kind !== 'pending-off') {
        return { state: { ...state, phase: { kind: 'active' } }, actions: [...actions, { kind: 'raise', priority: basePriority }], wakeAt: null }
      }
      const step = stepCondition(state.phase, { holds: false, clears: rule.clears(ctx) }, ctx.now, 0, delay(ctx, 'offDelaySec'))
      if (step.action === 'clear') actions.push({ kind: 'clear' })
      return { state: { ...state, phase: step.phase }, actions, wakeAt: step.wakeAt }
    }
    case 'count': {
      const windowMs = numberParam(ctx.params, 'windowSec') * 1000
      const quietMs = delay(ctx, 'offDelaySec')
      const counted = rule.counts({ ...ctx, ...extra })
      const hits = [...state.hits.filter((t) => t > ctx.now - windowMs), ...(counted ? [ctx.now] : [])]
      const lastHitAt = counted ? ctx.now : state.lastHitAt
      const active = state.phase.kind === 'active'
      if (!active && counted && hits.length >= numberParam(ctx.params, 'count')) {
        return { state: { ...state, phase: { kind: 'active' }, hits, lastHitAt }, actions: [...actions, { kind: 'raise', priority: basePriority }], wakeAt: ctx.now + quietMs }
      }
      if (active && (lastHitAt === null || ctx.now - lastHitAt >= quietMs)) {
        return { state: { ...state, phase: IDLE, hits, lastHitAt }, actions: [...actions, { kind: 'clear' }], wakeAt: null }
      }
      return { state: { ...state, hits, lastHitAt }, actions, wakeAt: active && lastHitAt !== null ? lastHitAt + quietMs : null }
    }
  }
}
