// Vigil's clock with its timers switched off, for `vigil api`: the time is read as usual, but a
// timer armed as a side effect of an operator's action (a shelf, an SLA deadline) is left to the
// worker that owns the site, which arms the same timer from the relayed event.
import type { Clock, TimerHandle } from '../core/clock.js'

const inert: TimerHandle = { cancel: () => undefined }

export function withoutTimers(clock: Clock): Clock {
  return {
    now: () => clock.now(),
    setTimeout: () => inert,
    setInterval: () => inert,
  }
}
