// Floor plans for the demo site (issue #6 item 8): every floor with devices gets a drawn plan, its
// devices spread along the rooms on both sides of the corridor, so a visitor sees the plans view
// working at once. A floor that already has a plan (an admin's own) is left alone.
import type { ApiClient } from './api-client.js'
import type { DeviceSpec } from './fleet-plan.js'
import { floorPlanPng } from './plan-image.js'

/** Fractions of the plan: devices alternate above and below the corridor, evenly across. */
export function demoPositions(deviceIds: readonly string[]): { deviceId: string; x: number; y: number }[] {
  return deviceIds.map((deviceId, i) => ({
    deviceId,
    x: Math.round(((i + 1) / (deviceIds.length + 1)) * 1000) / 1000,
    y: i % 2 === 0 ? 0.3 : 0.7,
  }))
}

export async function ensureDemoFloorPlans(api: ApiClient, siteId: string, specs: readonly DeviceSpec[], log: (line: string) => void): Promise<void> {
  const floors = new Map<string, { building: string; floor: number; ids: string[] }>()
  for (const s of specs) {
    const key = `${s.location.building}/${s.location.floor}`
    const f = floors.get(key) ?? { building: s.location.building, floor: s.location.floor, ids: [] }
    f.ids.push(s.id)
    floors.set(key, f)
  }
  const existing = await api.floorsWithPlans(siteId)
  const missing = [...floors.entries()].filter(([key]) => !existing.has(key))
  if (missing.length === 0) return
  const png = floorPlanPng()
  for (const [, f] of missing) await api.putFloorPlan({ siteId, building: f.building, floor: f.floor }, png, demoPositions(f.ids))
  log(`Demo floor plans: ${missing.length} floors drawn with their devices placed`)
}
