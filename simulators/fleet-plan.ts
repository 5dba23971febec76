// The devices of a simulated site, as they are registered through the API (CONTRACT.md §3
// devices: id, type, name, location, attributes). Two buildings, A and B; fire zones Z1 and Z2 in
// A and Z3 in B; a mix of NC and NO fire doors; perimeter, staff and plant-room access doors.
import type { DeviceType } from '../services/core/device-types.js'
import { PUMP_RATED_A, type PumpSystem } from './devices/pump-station.js'

export interface DeviceSpec {
  id: string
  type: DeviceType
  name: string
  location: { building: string; floor: number; zone?: string }
  attributes: Record<string, unknown>
}

export interface FleetCounts {
  elevators: number
  pumps: number
  fireDoors: number
  accessDoors: number
  firePanels: number
}

/** The demo site (issue #2): 4 elevators, 2 pump stations, 12 fire doors, 8 access doors, 1 fire panel. */
export const DEMO_COUNTS: Readonly<FleetCounts> = Object.freeze({ elevators: 4, pumps: 2, fireDoors: 12, accessDoors: 8, firePanels: 1 })

const BUILDINGS = ['A', 'B'] as const
const FIRE_ZONES = [
  { building: 'A', zone: 'Z1', floors: [2, 5, 8, 11] },
  { building: 'A', zone: 'Z2', floors: [14, 17, 20, 23] },
  { building: 'B', zone: 'Z3', floors: [-1, 1, 3, 6] },
] as const
const PUMP_STATIONS: ReadonlyArray<{ system: PumpSystem; code: string; name: string; building: string }> = [
  { system: 'domestic', code: 'DOM', name: 'domestic booster', building: 'A' },
  { system: 'sump', code: 'SUMP', name: 'sump', building: 'B' },
  { system: 'fire', code: 'FIRE', name: 'fire pump set', building: 'A' },
]
const ACCESS_DOORS: ReadonlyArray<{ code: string; name: string; building: string; floor: number; level: number; perimeter: boolean; evacuationRoute: boolean }> = [
  { code: 'A-MAIN', name: 'Tower A main entrance', building: 'A', floor: 1, level: 1, perimeter: true, evacuationRoute: true },
  { code: 'B-MAIN', name: 'Tower B main entrance', building: 'B', floor: 1, level: 1, perimeter: true, evacuationRoute: true },
  { code: 'A-GARAGE', name: 'Tower A garage door', building: 'A', floor: -1, level: 1, perimeter: true, evacuationRoute: false },
  { code: 'B-REAR', name: 'Tower B rear gate', building: 'B', floor: 1, level: 2, perimeter: true, evacuationRoute: true },
  { code: 'A-PUMPRM', name: 'Tower A pump room', building: 'A', floor: -2, level: 3, perimeter: false, evacuationRoute: false },
  { code: 'A-STAFF', name: 'Tower A staff corridor', building: 'A', floor: 1, level: 2, perimeter: false, evacuationRoute: false },
  { code: 'B-GYM', name: 'Tower B residents gym', building: 'B', floor: 2, level: 1, perimeter: false, evacuationRoute: false },
  { code: 'A-CTRL', name: 'Monitoring centre', building: 'A', floor: 1, level: 4, perimeter: false, evacuationRoute: false },
]

const isoDaysFromNow = (nowMs: number, days: number): string => new Date(nowMs + days * 86_400_000).toISOString().slice(0, 10)
const suffix = (i: number, size: number): string => (i < size ? '' : `-${Math.floor(i / size) + 1}`)

export function planFleet(opts: { idPrefix?: string; counts?: FleetCounts; nowMs?: number }): DeviceSpec[] {
  const p = opts.idPrefix ?? ''
  const c = opts.counts ?? DEMO_COUNTS
  const now = opts.nowMs ?? Date.now()
  const out: DeviceSpec[] = []
  for (let i = 0; i < c.elevators; i++) {
    const building = BUILDINGS[i % 2] as string
    const car = Math.floor(i / 2) + 1
    out.push({
      id: `${p}EL-${building}${car}`,
      type: 'elevator',
      name: `Tower ${building} lift ${car}`,
      location: { building, floor: 1 },
      attributes: {
        model: 'Gen2 MRL 1000',
        manufacturer: 'Demo Lifts',
        installedAt: '2019-06-01',
        maintenanceUnit: 'City Elevator Service',
        // A year of validity left, so EL-12 stays quiet in a demo.
        certificateExpiry: isoDaysFromNow(now, 300 + i * 7),
        ratedSpeed: 2.5,
        ratedLoad: 1000,
        homeFloor: 1,
      },
    })
  }
  for (let i = 0; i < c.pumps; i++) {
    const st = PUMP_STATIONS[i % PUMP_STATIONS.length] as (typeof PUMP_STATIONS)[number]
    out.push({
      id: `${p}PS-${st.building}-${st.code}${suffix(i, PUMP_STATIONS.length)}`,
      type: 'pump',
      name: `Tower ${st.building} ${st.name}`,
      location: { building: st.building, floor: -2 },
      attributes: { system: st.system, model: 'Demo Pumps VFD set', installedAt: '2019-03-15', ratedA: { ...PUMP_RATED_A[st.system] } },
    })
  }
  for (let i = 0; i < c.fireDoors; i++) {
    const z = FIRE_ZONES[i % FIRE_ZONES.length] as (typeof FIRE_ZONES)[number]
    const n = Math.floor(i / FIRE_ZONES.length)
    const floor = z.floors[n % z.floors.length] as number
    // One door in four is a hold-open (NO) corridor door; stair doors have closers (NC).
    const doorType = n % 4 === 2 ? 'NO' : 'NC'
    out.push({
      id: `${p}FD-${z.building}-${z.zone}-${String(n + 1).padStart(2, '0')}`,
      type: 'fire-door',
      name: `Tower ${z.building} ${doorType === 'NO' ? 'corridor' : 'stair'} door F${floor}`,
      location: { building: z.building, floor, zone: z.zone },
      attributes: { doorType, evacuationRoute: doorType === 'NC', model: 'FM-60 steel door' },
    })
  }
  for (let i = 0; i < c.accessDoors; i++) {
    const d = ACCESS_DOORS[i % ACCESS_DOORS.length] as (typeof ACCESS_DOORS)[number]
    out.push({
      id: `${p}AC-${d.code}${suffix(i, ACCESS_DOORS.length)}`,
      type: 'access-door',
      name: d.name,
      location: { building: d.building, floor: d.floor },
      attributes: { requiredLevel: d.level, perimeter: d.perimeter, evacuationRoute: d.evacuationRoute, heldOpenSec: 30 },
    })
  }
  for (let i = 0; i < c.firePanels; i++) {
    out.push({
      id: `${p}FP-${i + 1}`,
      type: 'fire-panel',
      name: `Fire alarm panel ${i + 1}`,
      location: { building: 'A', floor: 1 },
      attributes: { model: 'FACP gateway' },
    })
  }
  return out
}
