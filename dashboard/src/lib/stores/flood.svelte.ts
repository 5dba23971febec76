// Alarm-flood mode per site (DOMAIN.md §4.3), from GET /alarms/flood and the socket's `flood` event.
import { SvelteMap } from 'svelte/reactivity'
import type { FloodStatus } from '../api/types.js'

export class FloodBoard {
  bySite = new SvelteMap<string, FloodStatus>()

  active = $derived([...this.bySite.values()].filter((f) => f.active).sort((a, b) => a.siteId.localeCompare(b.siteId)))
  activeSites = $derived(new Set(this.active.map((f) => f.siteId)))

  apply(status: FloodStatus): void {
    this.bySite.set(status.siteId, status)
  }

  replace(statuses: readonly FloodStatus[]): void {
    this.bySite.clear()
    for (const s of statuses) this.apply(s)
  }
}
