// Each device's tile state (normal / warning / alarm / offline) kept incrementally: a telemetry
// update that does not change a device's state changes nothing here, so the counts, the building
// summaries and the state filter recompute only when some device really changes state, not on
// each of the thousand updates a second a large site sends (issue #6 item 1).
import type { TileStatus } from '../device-view.js'

export class DeviceStatusIndex {
  counts = $state<Record<TileStatus, number>>({ normal: 0, warning: 0, alarm: 0, offline: 0 })
  /** Bumped on every state change; read it to depend on "some device changed state". */
  version = $state(0)
  #status = new Map<string, TileStatus>()

  statusOf = (id: string): TileStatus => this.#status.get(id) ?? 'offline'

  set(id: string, status: TileStatus): void {
    const before = this.#status.get(id)
    if (before === status) return
    this.#status.set(id, status)
    if (before) this.counts[before]--
    this.counts[status]++
    this.version++
  }

  /** Keeps only the given devices (after the device list was reloaded). */
  retain(ids: ReadonlySet<string>): void {
    for (const [id, status] of this.#status) {
      if (ids.has(id)) continue
      this.#status.delete(id)
      this.counts[status]--
      this.version++
    }
  }
}
