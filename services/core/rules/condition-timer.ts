// The on-delay / off-delay arithmetic shared by every rule (DOMAIN.md §2: a duration runs from the
// first message that made the condition true and holds until a message makes it false; durations
// are timed on Vigil's clock, never the device's). Pure: the caller owns the timers.

export type Phase =
  | { kind: 'idle' }
  | { kind: 'pending-on'; dueAt: number }
  | { kind: 'active' }
  | { kind: 'pending-off'; dueAt: number }

export interface Observation {
  holds: boolean
  clears: boolean
}

export interface Step {
  phase: Phase
  action: 'raise' | 'clear' | null
  /** When the caller must evaluate again if nothing else arrives (null = no timer needed). */
  wakeAt: number | null
}

export function stepCondition(phase: Phase, obs: Observation, now: number, onDelayMs: number, offDelayMs: number): Step {
  switch (phase.kind) {
    case 'idle':
      if (!obs.holds) return { phase, action: null, wakeAt: null }
      if (onDelayMs <= 0) return { phase: { kind: 'active' }, action: 'raise', wakeAt: null }
      return { phase: { kind: 'pending-on', dueAt: now + onDelayMs }, action: null, wakeAt: now + onDelayMs }
    case 'pending-on':
      if (!obs.holds) return { phase: { kind: 'idle' }, action: null, wakeAt: null }
      if (now >= phase.dueAt) return { phase: { kind: 'active' }, action: 'raise', wakeAt: null }
      return { phase, action: null, wakeAt: phase.dueAt }
    case 'active':
      if (!obs.clears) return { phase, action: null, wakeAt: null }
      if (offDelayMs <= 0) return { phase: { kind: 'idle' }, action: 'clear', wakeAt: null }
      return { phase: { kind: 'pending-off', dueAt: now + offDelayMs }, action: null, wakeAt: now + offDelayMs }
    case 'pending-off':
      if (!obs.clears) return { phase: { kind: 'active' }, action: null, wakeAt: null }
      if (now >= phase.dueAt) return { phase: { kind: 'idle' }, action: 'clear', wakeAt: null }
      return { phase, action: null, wakeAt: phase.dueAt }
  }
}
