// The injected clock (ARCHITECTURE.md "Time"): rules, offline detection, SLA and shelving read
// only this. The wall clock, a scaled clock (VIGIL_CLOCK_SCALE) and the tests' manual clock all
// implement it (services/adapters/clock.ts).
export interface TimerHandle {
  cancel(): void
}

export interface Clock {
  /** Epoch milliseconds on Vigil's clock. */
  now(): number
  /** Runs fn after ms of Vigil's time. */
  setTimeout(fn: () => void, ms: number): TimerHandle
  /** Runs fn every ms of Vigil's time. */
  setInterval(fn: () => void, ms: number): TimerHandle
}
