// "Fire confirmed by FACP" (DOMAIN.md §6: an emergency is raised to E1 on it). The panel's protocol
// (DOMAIN.md §2) has no confirmation flag, so Vigil reads confirmation the way the fire codes read
// it for linkage (GB 50116 §4.1.6: two independent alarm signals): fire signals active in at least
// two zones of one building, across the building's panels. One zone alone stays an unconfirmed
// signal; the fire control room still confirms by its own means (DOMAIN.md §9).
import type { FlatState } from '../core/model.js'

/** Active fire zones of one building that make a fire confirmed (OUR, see above). */
export const FIRE_CONFIRM_ZONES = 2

export interface FireConfirmation {
  /** A panel's live state changed; answers the building's active zones when the fire there is confirmed, else null. */
  update(panel: { id: string; siteId: string; building: string }, state: FlatState): string[] | null
  /** The active zones of a building when its fire is confirmed, else null. */
  confirmed(siteId: string, building: string | null): string[] | null
}

export function createFireConfirmation(): FireConfirmation {
  const panels = new Map<string, { siteId: string; building: string; zones: Set<string> }>()
  function confirmed(siteId: string, building: string | null): string[] | null {
    const zones = new Set<string>()
    for (const p of panels.values()) {
      if (p.siteId === siteId && (building === null || p.building === building)) for (const z of p.zones) zones.add(z)
    }
    return zones.size >= FIRE_CONFIRM_ZONES ? [...zones].sort() : null
  }
  return {
    update(panel, state) {
      const zones = new Set<string>()
      for (const key in state) if (key.startsWith('fire.') && state[key] === true) zones.add(key.slice(5))
      panels.set(panel.id, { siteId: panel.siteId, building: panel.building, zones })
      return confirmed(panel.siteId, panel.building)
    },
    confirmed,
  }
}
