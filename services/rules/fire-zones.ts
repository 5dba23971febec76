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
  const inBuilding = function* (siteId: string, building: string) {
    for (const p of panels.values()) if (p.siteId === siteId && p.building === building) yield p
  }
  return {
    updatePanel(panel, state) {
      const zones = new Set<string>()
      for (const key in state) if (key.startsWith('fire.') && state[key] === true) zones.add(key.slice(5))
      const before = panels.get(panel.id)
      panels.set(panel.id, { siteId: panel.siteId, building: panel.location.building, zones })
      if (!before) return zones.size > 0
      return before.zones.size !== zones.size || [...zones].some((z) => !before.zones.has(z))
    },
    forget: (panelId) => void panels.delete(panelId),
    zoneActive(siteId, building, zone) {
      if (zone === undefined) return false
      for (const p of inBuilding(siteId, building)) if (p.zones.has(zone)) return true
      return false
    },
    buildingActive(siteId, building) {
      for (const p of inBuilding(siteId, building)) if (p.zones.size > 0) return true
      return false
    },
  }
}
