// One timer per work order, set for its next SLA deadline on the injected clock (ARCHITECTURE.md
// "Time"). The deadlines live on the work order in the database, so after a restart `follow`
// re-arms them from what is stored and an overdue one fires at once: a restart never restarts a
// clock from zero.
import type { Clock, TimerHandle } from '../core/clock.js'

export interface DeadlineTimers {
  /** Arms (or re-arms) the timer of a work order for `at` (epoch ms); null cancels it. */
  follow(workOrderId: string, at: number | null): void
  cancelAll(): void
}

export function createDeadlineTimers(deps: { clock: Clock; onDue: (workOrderId: string) => void }): DeadlineTimers {
  const { clock, onDue } = deps
  const timers = new Map<string, { at: number; handle: TimerHandle }>()
  return {
    follow(id, at) {
      const current = timers.get(id)
      if (current && current.at === at) return
      current?.handle.cancel()
      timers.delete(id)
      if (at === null) return
      const handle = clock.setTimeout(() => {
        timers.delete(id)
        onDue(id)
      }, Math.max(0, at - clock.now()))
      timers.set(id, { at, handle })
    },
    cancelAll() {
      for (const t of timers.values()) t.handle.cancel()
      timers.clear()
    },
  }
}
