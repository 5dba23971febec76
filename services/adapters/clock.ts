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
      // Rounded up: Node truncates a fractional delay, so a scaled timer would wake up to one real
      // millisecond (scale × as many of Vigil's) before the time it was set for.
      const t = setTimeout(fn, Math.max(0, Math.ceil(ms / scale)))
      t.unref?.()
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
