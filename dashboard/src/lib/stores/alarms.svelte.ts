// The alarms that still need an operator (CONTRACT.md §3 `state=active`), kept current from
// the socket's `alarm` events.
import { SvelteMap, SvelteSet } from 'svelte/reactivity'
import type { Alarm, AlarmState, Priority } from '../api/types.js'
import type { DeviceAlarmSummary } from '../device-view.js'
import { compareAlarms } from '../wall-order.js'

/** ISA-18.2 states that stay on the operator's list (DOMAIN.md §4.1); shelved, suppressed and OOS are hidden. */
export const LISTED_STATES: readonly AlarmState[] = ['unacked', 'acked', 'rtn-unacked', 'latched']

export class AlarmBoard {
  byId = new SvelteMap<string, Alarm>()
  /** Acknowledgements sent and not yet answered: their buttons show progress, not a second click. */
  pendingAck = new SvelteSet<string>()

  list = $derived([...this.byId.values()].sort(compareAlarms))

  countsByPriority = $derived.by(() => {
    const counts: Record<Priority, number> = { 1: 0, 2: 0, 3: 0, 4: 0 }
    for (const a of this.byId.values()) counts[a.priority]++
    return counts
  })

  unackedCount = $derived([...this.byId.values()].filter((a) => !a.acked).length)

  byDevice = $derived.by(() => {
    const out = new Map<string, DeviceAlarmSummary>()
    for (const a of this.byId.values()) {
      const s = out.get(a.deviceId)
      if (!s) out.set(a.deviceId, { priority: a.priority, unacked: !a.acked, count: 1 })
      else {
        s.priority = Math.min(s.priority, a.priority) as Priority
        s.unacked ||= !a.acked
        s.count++
      }
    }
    return out
  })

  replace(alarms: readonly Alarm[]): void {
    this.byId.clear()
    for (const a of alarms) this.upsert(a)
  }

  upsert(alarm: Alarm): void {
    if (alarm.acked) this.pendingAck.delete(alarm.id)
    if (LISTED_STATES.includes(alarm.state)) this.byId.set(alarm.id, alarm)
    else {
      this.byId.delete(alarm.id)
      this.pendingAck.delete(alarm.id)
    }
  }
}
