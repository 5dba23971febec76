// Every alarm the wall knows: those that still need an operator (CONTRACT.md §3 `state=active`)
// and those hidden from that list by a person or by design (shelved, suppressed, out of service,
// DOMAIN.md §4.1), each kept current from the socket's `alarm` events.
import { SvelteMap, SvelteSet } from 'svelte/reactivity'
import type { Alarm, AlarmState, Priority } from '../api/types.js'
import type { HiddenListState } from '../api/http.js'
import { isFlashing } from '../alarm-view.js'
import type { DeviceAlarmSummary } from '../device-view.js'
import { compareAlarms } from '../wall-order.js'

/** ISA-18.2 states that stay on the operator's list (DOMAIN.md §4.1); shelved, suppressed and OOS are hidden. */
export const LISTED_STATES: readonly AlarmState[] = ['unacked', 'acked', 'rtn-unacked', 'latched']
export const HIDDEN_STATES: readonly HiddenListState[] = ['shelved', 'suppressed', 'out-of-service']

const isHidden = (s: AlarmState): s is HiddenListState => (HIDDEN_STATES as readonly string[]).includes(s)

export class AlarmBoard {
  byId = new SvelteMap<string, Alarm>()
  hidden = new SvelteMap<string, Alarm>()
  /** Acknowledgements sent and not yet answered: their buttons show progress, not a second click. */
  pendingAck = new SvelteSet<string>()

  list = $derived([...this.byId.values()].sort(compareAlarms))

  hiddenLists = $derived.by(() => {
    const out: Record<HiddenListState, Alarm[]> = { shelved: [], suppressed: [], 'out-of-service': [] }
    for (const a of this.hidden.values()) if (isHidden(a.state)) out[a.state].push(a)
    // Shelved: the next to come back first; the others as the active list.
    out.shelved.sort((a, b) => (a.shelvedUntil ?? '').localeCompare(b.shelvedUntil ?? '') || compareAlarms(a, b))
    out.suppressed.sort(compareAlarms)
    out['out-of-service'].sort(compareAlarms)
    return out
  })

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
      if (!s) out.set(a.deviceId, { priority: a.priority, unacked: isFlashing(a), count: 1 })
      else {
        s.priority = Math.min(s.priority, a.priority) as Priority
        s.unacked ||= isFlashing(a)
        s.count++
      }
    }
    return out
  })

  get(id: string): Alarm | undefined {
    return this.byId.get(id) ?? this.hidden.get(id)
  }

  replace(alarms: readonly Alarm[]): void {
    this.byId.clear()
    for (const a of alarms) this.upsert(a)
  }

  /** Replaces one hidden list (after a reload) and leaves the others. */
  replaceHidden(state: HiddenListState, alarms: readonly Alarm[]): void {
    for (const [id, a] of this.hidden) if (a.state === state) this.hidden.delete(id)
    for (const a of alarms) this.upsert(a)
  }

  upsert(alarm: Alarm): void {
    if (alarm.acked) this.pendingAck.delete(alarm.id)
    if (LISTED_STATES.includes(alarm.state)) {
      this.hidden.delete(alarm.id)
      this.byId.set(alarm.id, alarm)
    } else {
      this.byId.delete(alarm.id)
      this.pendingAck.delete(alarm.id)
      if (isHidden(alarm.state)) this.hidden.set(alarm.id, alarm)
      else this.hidden.delete(alarm.id)
    }
  }
}
