// Shelving expiry on Vigil's clock (DOMAIN.md §4.2 A10). The timers live in memory and are rebuilt
// at start from the shelved alarms in the database, so a restart never loses a shelf's end.
import type { Clock, TimerHandle } from '../core/clock.js'
import type { Alarm } from '../core/model.js'

export interface ShelveTimers {
  /** (Re)arms the expiry of a shelved alarm; disarms it for any other state. */
  follow(alarm: Alarm): void
  cancelAll(): void
}

export function createShelveTimers(deps: { clock: Clock; onExpired: (alarmId: string) => void }): ShelveTimers {
  const timers = new Map<string, TimerHandle>()
  return {
    follow(alarm) {
      timers.get(alarm.id)?.cancel()
      timers.delete(alarm.id)
      if (alarm.state !== 'shelved' || alarm.shelvedUntil === null) return
      const ms = Math.max(0, Date.parse(alarm.shelvedUntil) - deps.clock.now())
      timers.set(alarm.id, deps.clock.setTimeout(() => {
        timers.delete(alarm.id)
        deps.onExpired(alarm.id)
      }, ms))
    },
    cancelAll() {
      for (const t of timers.values()) t.cancel()
      timers.clear()
    },
  }
}
