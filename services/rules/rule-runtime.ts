// Per (device, rule) evaluation memory: the delay phases, the count window, suppression, and the
// one timer that wakes the rule when a delay runs out with no message arriving.
import type { TimerHandle } from '../core/clock.js'
import type { Phase } from '../core/rules/condition-timer.js'
import { initialRuleState, type RuleState } from '../core/rules/evaluate-rule.js'

export interface Runtime {
  state: RuleState
  timer: TimerHandle | null
  /** When `timer` fires (Vigil's clock): a message that leaves it unchanged keeps the timer. */
  wakeAt: number | null
  /** Set while the device is offline: pending delays are shifted by the time spent offline (DOMAIN.md §2). */
  frozenAt: number | null
  drill: boolean
}

export const newRuntime = (): Runtime => ({ state: initialRuleState(), timer: null, wakeAt: null, frozenAt: null, drill: false })

/** Moves every pending due time later by `ms` (the delay did not run while the device was silent). */
export function shiftPending(rt: Runtime, ms: number): void {
  const shift = (p: Phase): Phase => (p.kind === 'pending-on' || p.kind === 'pending-off' ? { ...p, dueAt: p.dueAt + ms } : p)
  rt.state = { ...rt.state, phase: shift(rt.state.phase), stagePhases: rt.state.stagePhases.map(shift) }
}
