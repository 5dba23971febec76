// What the floor-plan view shows (issue #6 item 8), as plain data: which floors exist, where a
// device is placed, how a pointer position becomes a fraction of the plan.
import type { Device } from './api/types.js'
import type { FloorPlan, FloorPlanPosition } from './api/floor-plans-api.js'

export interface FloorRef {
  siteId: string
  building: string
  floor: number
}

/** A bare building code ("A", "B2") reads better with its noun ("Building A", "A 栋"); a name ("Tower P") as it is. */
export const isBuildingCode = (building: string): boolean => /^[A-Za-z0-9-]{1,3}$/.test(building)

export const floorKey = (f: FloorRef): string => `${f.siteId}\u0000${f.building}\u0000${f.floor}`

export const sameFloor = (a: FloorRef, b: FloorRef): boolean => a.siteId === b.siteId && a.building === b.building && a.floor === b.floor
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** Every floor that has devices or a plan, by site, building (natural order), then floor from the top down. */
export function floorsOf(devices: Iterable<Device>, plans: readonly FloorPlan[]): (FloorRef & { devices: number; hasPlan: boolean })[] {
  const out = new Map<string, FloorRef & { devices: number; hasPlan: boolean }>()
  const key = floorKey
  for (const d of devices) {
    if (!d.location) continue
    const ref = { siteId: d.siteId, building: d.location.building, floor: d.location.floor }
    const have = out.get(key(ref))
    if (have) have.devices++
    else out.set(key(ref), { ...ref, devices: 1, hasPlan: false })
  }
  for (const p of plans) {
    const have = out.get(key(p))
    if (have) have.hasPlan = true
    else out.set(key(p), { siteId: p.siteId, building: p.building, floor: p.floor, devices: 0, hasPlan: true })
  }
  return [...out.values()].sort((a, b) => collator.compare(a.siteId, b.siteId) || collator.compare(a.building, b.building) || b.floor - a.floor)
}

/**
 * The plan a device is placed on: its own floor's when placed there, else the first plan of its
 * building that shows it (an elevator placed on the lobby plan). Null when placed nowhere.
 */
export function placementOf(device: Device | undefined, plans: readonly FloorPlan[]): { plan: FloorPlan; position: FloorPlanPosition } | null {
  if (!device) return null
  let fallback: { plan: FloorPlan; position: FloorPlanPosition } | null = null
  for (const plan of plans) {
    if (plan.siteId !== device.siteId || plan.building !== device.location?.building) continue
    const position = plan.positions.find((p) => p.deviceId === device.id)
    if (!position) continue
    if (plan.floor === device.location.floor) return { plan, position }
    fallback ??= { plan, position }
  }
  return fallback
}

/** Devices that belong on a floor's plan: that floor's first, then the rest of the building. */
export function candidatesFor(floor: FloorRef, devices: Iterable<Device>): { onFloor: Device[]; inBuilding: Device[] } {
  const onFloor: Device[] = []
  const inBuilding: Device[] = []
  for (const d of devices) {
    if (d.siteId !== floor.siteId || d.location?.building !== floor.building) continue
    ;(d.location.floor === floor.floor ? onFloor : inBuilding).push(d)
  }
  const byName = (a: Device, b: Device) => collator.compare(a.name || a.id, b.name || b.id)
  return { onFloor: onFloor.sort(byName), inBuilding: inBuilding.sort(byName) }
}

const clamp01 = (v: number): number => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0)

/** A pointer at (clientX, clientY) over the plan's box, as fractions of the plan, kept inside it. */
export function toFraction(clientX: number, clientY: number, box: { left: number; top: number; width: number; height: number }): { x: number; y: number } {
  if (box.width <= 0 || box.height <= 0) return { x: 0, y: 0 }
  // Four decimals: a tenth of a pixel on a 4K-wide plan, and a short JSON document.
  const round = (v: number) => Math.round(clamp01(v) * 10_000) / 10_000
  return { x: round((clientX - box.left) / box.width), y: round((clientY - box.top) / box.height) }
}

/** Moves (or places) one device, leaving the others as they are. */
export function withPosition(positions: readonly FloorPlanPosition[], next: FloorPlanPosition): FloorPlanPosition[] {
  const out = positions.filter((p) => p.deviceId !== next.deviceId)
  out.push(next)
  return out
}

export const withoutDevice = (positions: readonly FloorPlanPosition[], deviceId: string): FloorPlanPosition[] => positions.filter((p) => p.deviceId !== deviceId)

/** Same devices at the same places, whatever the order: nothing to save. */
export function samePositions(a: readonly FloorPlanPosition[], b: readonly FloorPlanPosition[]): boolean {
  if (a.length !== b.length) return false
  const at = new Map(b.map((p) => [p.deviceId, p]))
  return a.every((p) => at.get(p.deviceId)?.x === p.x && at.get(p.deviceId)?.y === p.y)
}
