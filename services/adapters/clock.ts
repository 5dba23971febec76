// Clock adapters (ARCHITECTURE.md "Time"). The scaled clock runs `scale` times faster than the
// wall clock from the moment it is created, for demos, drills and black-box tests of long timers.
import type { Clock, TimerHandle } from '../core/clock.js'

/** Vigil's time `vigil` at wall time `wall`: where a scaled clock starts from (see clock-anchor.ts). */
export interface ClockAnchor {
  wall: number
  vigil: number
}

export function createScaledClock(scale = 1, anchor: ClockAnchor = { wall: Date.now(), vigil: Date.now() }): Clock {
  const now = (): number => (scale === 1 ? Date.now() : Math.round(anchor.vigil + (Date.now() - anchor.wall) * scale))
  return {
    now,
    setTimeout(fn, ms) {
      // Node measures a delay from its event loop's cached millisecond, not from Date.now(), so a
      // timer can wake a millisecond or more before the time it was set for (scale × as many of
      // Vigil's). Every caller compares the time it was woken at with a stored due time (a shelf's
      // end, an SLA deadline) and a timer that woke early would be ignored and never come back:
      // a timer that wakes early sleeps again for the rest.
      const due = now() + Math.max(0, ms)
      let t: NodeJS.Timeout
      const arm = (rest: number): void => {
        t = setTimeout(() => (now() < due ? arm(due - now()) : fn()), Math.max(0, Math.ceil(rest / scale)))
        t.unref?.()
      }
      arm(Math.max(0, ms))
      return { cancel: () => clearTimeout(t) }
    },
    setInterval(fn, ms) {
      const t = setInterval(fn, Math.max(1, ms / scale))
      t.unref?.()
      return { cancel: () => clearInterval(t) }
    },
  }
}

/** A clock the tests drive: time moves only when advance() is called, and due timers run in order. */
export interface ManualClock extends Clock {
  advance(ms: number): Promise<void>
  set(epochMs: number): void
}

export function createManualClock(startMs = Date.UTC(2026, 0, 1)): ManualClock {
  let current = startMs
  let nextId = 1
  const timers = new Map<number, { at: number; fn: () => void; every: number | null }>()
  const handle = (id: number): TimerHandle => ({ cancel: () => void timers.delete(id) })
  return {
    now: () => current,
    set(epochMs) {
      current = epochMs
    },
    setTimeout(fn, ms) {
      const id = nextId++
      timers.set(id, { at: current + Math.max(0, ms), fn, every: null })
      return handle(id)
    },
    setInterval(fn, ms) {
      const id = nextId++
      timers.set(id, { at: current + Math.max(1, ms), fn, every: Math.max(1, ms) })
      return handle(id)
    },
    async advance(ms) {
      const target = current + ms
      for (;;) {
        let dueId: number | null = null
        let dueAt = Infinity
        for (const [id, t] of timers) if (t.at <= target && t.at < dueAt) [dueId, dueAt] = [id, t.at]
        if (dueId === null) break
        const t = timers.get(dueId)!
        current = t.at
        if (t.every === null) timers.delete(dueId)
        else t.at += t.every
        t.fn()
        // Let promise chains started by the timer settle before the next one fires.
        await new Promise((r) => setImmediate(r))
      }
      current = target
      await new Promise((r) => setImmediate(r))
    },
  }
}
