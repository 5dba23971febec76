// Where the fire alarm panels signal fire (DOMAIN.md §2 "Fire signal input"): per site and
// building, the zones with an active signal. Linkage rules (EL-08, FD-05, AC-06) and suppression
// (FD-01/02 during a fire in the zone) read it; a change re-evaluates the building's devices.
import type { Device, FlatState } from '../core/model.js'

export interface FireZones {
  /** Updates a panel's zones from its live state; true when the building's set of fire zones changed. */
  updatePanel(panel: Device, state: FlatState): boolean
  forget(panelId: string): void
  zoneActive(siteId: string, building: string, zone: string | undefined): boolean
  buildingActive(siteId: string, building: string): boolean
}

export function createFireZones(): FireZones {
  // panel id -> its place and its active zones
  const panels = new Map<string, { siteId: string; building: string; zones: Set<string> }>()
  // site -> building -> zone -> how many panels signal fire there. Read for every message of every
  // device (suppression and linkage), so a lookup, not a pass over the panels: with 10,000 devices
  // the pass was 5 % of the broker thread (issue #8 profile).
  const active = new Map<string, Map<string, Map<string, number>>>()

  function count(siteId: string, building: string, zones: Iterable<string>, delta: 1 | -1): void {
    let buildings = active.get(siteId)
    if (buildings === undefined) active.set(siteId, (buildings = new Map()))
    let byZone = buildings.get(building)
    if (byZone === undefined) buildings.set(building, (byZone = new Map()))
    for (const zone of zones) {
      const n = (byZone.get(zone) ?? 0) + delta
      if (n > 0) byZone.set(zone, n)
      else byZone.delete(zone)
    }
    if (byZone.size === 0) buildings.delete(building)
    if (buildings.size === 0) active.delete(siteId)
  }

  const zonesOf = (siteId: string, building: string): Map<string, number> | undefined => active.get(siteId)?.get(building)

  return {
    updatePanel(panel, state) {
      const zones = new Set<string>()
      for (const key in state) if (key.startsWith('fire.') && state[key] === true) zones.add(key.slice(5))
      const before = panels.get(panel.id)
      if (before) count(before.siteId, before.building, before.zones, -1)
      count(panel.siteId, panel.location.building, zones, 1)
      panels.set(panel.id, { siteId: panel.siteId, building: panel.location.building, zones })
      if (!before) return zones.size > 0
      return before.zones.size !== zones.size || [...zones].some((z) => !before.zones.has(z))
    },
    forget(panelId) {
      const before = panels.get(panelId)
      if (before === undefined) return
      count(before.siteId, before.building, before.zones, -1)
      panels.delete(panelId)
    },
    zoneActive(siteId, building, zone) {
      if (zone === undefined) return false
      return zonesOf(siteId, building)?.has(zone) ?? false
    },
    buildingActive(siteId, building) {
      return zonesOf(siteId, building) !== undefined
    },
  }
}
