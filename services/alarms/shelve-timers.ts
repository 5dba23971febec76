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
      const due = Date.parse(alarm.shelvedUntil)
      const arm = (): void => {
        timers.set(alarm.id, deps.clock.setTimeout(() => {
          // A scaled clock can wake a few of its milliseconds early, and the expiry is ignored
          // until the shelf is due: wait the rest instead of letting the shelf never end.
          if (deps.clock.now() < due) return arm()
          timers.delete(alarm.id)
          deps.onExpired(alarm.id)
        }, Math.max(0, due - deps.clock.now())))
      }
      arm()
    },
    cancelAll() {
      for (const t of timers.values()) t.cancel()
      timers.clear()
    },
  }
}
