// The wall's orderings, as plain functions: buildings, then device types, then floor and name;
// alarms highest priority first, then newest.
import type { Alarm, Device, DeviceType } from './api/types.js'
import { buildingLabel } from './device-view.js'

/** The fire panel first: a fire changes how everything else on the wall is read. */
export const TYPE_ORDER: readonly DeviceType[] = ['fire-panel', 'elevator', 'pump', 'fire-door', 'access-door']

export interface TypeGroup {
  type: DeviceType
  devices: Device[]
}
export interface BuildingGroup {
  key: string
  building: string
  siteId: string
  types: TypeGroup[]
  count: number
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** Highest priority (1) first, then newest first (CONTRACT.md §3 ordering). */
export function compareAlarms(a: Alarm, b: Alarm): number {
  return a.priority - b.priority || (a.raisedAt < b.raisedAt ? 1 : a.raisedAt > b.raisedAt ? -1 : 0) || (a.id < b.id ? -1 : 1)
}

export function groupDevices(devices: Device[]): BuildingGroup[] {
  const multiSite = new Set(devices.map((d) => d.siteId)).size > 1
  const byBuilding = new Map<string, BuildingGroup>()
  for (const d of devices) {
    const building = d.location?.building || '—'
    const key = multiSite ? `${d.siteId}/${building}` : building
    let g = byBuilding.get(key)
    if (!g) byBuilding.set(key, (g = { key, building: multiSite ? `${d.siteId} · ${buildingLabel(building)}` : buildingLabel(building), siteId: d.siteId, types: [], count: 0 }))
    let t = g.types.find((x) => x.type === d.type)
    if (!t) g.types.push((t = { type: d.type, devices: [] }))
    t.devices.push(d)
    g.count++
  }
  const groups = [...byBuilding.values()].sort((a, b) => collator.compare(a.key, b.key))
  for (const g of groups) {
    g.types.sort((a, b) => TYPE_ORDER.indexOf(a.type) - TYPE_ORDER.indexOf(b.type))
    for (const t of g.types) t.devices.sort((a, b) => (a.location?.floor ?? 0) - (b.location?.floor ?? 0) || collator.compare(a.name || a.id, b.name || b.id))
  }
  return groups
}
