// Paces `device` events (CONTRACT.md §4: a client receives at most one per device per 250 ms,
// the latest). The first change of a quiet device goes out at once, so a publish that also
// raises an alarm is on screen without waiting for a window; changes inside the window are
// merged and the latest is sent when the window ends.
import type { Clock, TimerHandle } from '../core/clock.js'

export interface Coalescer<T> {
  push(key: string, value: T): void
  /** Drops what is pending without sending it (shutdown). */
  close(): void
  /** Keys with a change waiting for the end of their window. */
  pendingCount(): number
}

interface Slot<T> {
  windowEndsAt: number
  pending: T | undefined
  timer: TimerHandle | null
}

export function createCoalescer<T>(opts: { windowMs: number; timer: Clock; send: (key: string, value: T) => void }): Coalescer<T> {
  const { windowMs, timer, send } = opts
  const slots = new Map<string, Slot<T>>()

  const flush = (key: string): void => {
    const slot = slots.get(key)
    if (!slot) return
    slot.timer = null
    if (slot.pending === undefined) {
      slots.delete(key)
      return
    }
    const value = slot.pending
    slot.pending = undefined
    // Sending opens the next window, so a device that keeps changing is sent every windowMs.
    slot.windowEndsAt = timer.now() + windowMs
    slot.timer = timer.setTimeout(() => flush(key), windowMs)
    send(key, value)
  }

  return {
    push(key, value) {
      const slot = slots.get(key)
      if (slot && timer.now() < slot.windowEndsAt) {
        slot.pending = value
        return
      }
      slot?.timer?.cancel()
      slots.set(key, { windowEndsAt: timer.now() + windowMs, pending: undefined, timer: timer.setTimeout(() => flush(key), windowMs) })
      send(key, value)
    },
    close() {
      for (const slot of slots.values()) slot.timer?.cancel()
      slots.clear()
    },
    pendingCount: () => [...slots.values()].filter((s) => s.pending !== undefined).length,
  }
}
