// What the per-type panels show (issue #6 item 2; DOMAIN.md §3 fields), as plain data.
import type { Device, DeviceLive, FlatState, StateValue } from './api/types.js'
import { serviceMode } from './device-view.js'

const num = (v: StateValue | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const str = (v: StateValue | undefined): string | null => (typeof v === 'string' ? v : null)
const attrNum = (d: Device, key: string): number | null => {
  const v = d.attributes?.[key]
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

// ---- Elevators (§3.1) ----

export interface Car {
  floor: number | null
  direction: 'up' | 'down' | 'none'
  running: boolean
  /** null when the car has not said. */
  doorOpen: boolean | null
  mode: string
  modeNormal: boolean
  occupied: boolean
  loadPct: number | null
  faults: string[]
}

export function car(live: DeviceLive | undefined): Car {
  const s: FlatState = live?.state ?? {}
  const mode = num(s.serviceMode)
  const load = num(s.loadPct)
  return {
    floor: num(s.floor),
    direction: s.direction === 1 ? 'up' : s.direction === 2 ? 'down' : 'none',
    running: s.carStatus === 1,
    doorOpen: s.doorClosed === true ? false : s.doorClosed === false ? true : null,
    mode: mode === null ? '–' : serviceMode(mode),
    modeNormal: mode === 1,
    // DOMAIN.md §3.1: occupied ≡ occupied OR loadPct ≥ 5.
    occupied: s.occupied === true || (load !== null && load >= 5),
    loadPct: load,
    faults: Object.keys(s).filter((k) => k.startsWith('fault.') && s[k] === true).map((k) => k.slice(6)).sort(),
  }
}

/** The floors a building's shafts span: the ledger's `lowestFloor`/`topFloor` when set, else what the cars have reported, at least 1…10. */
export function shaftRange(elevators: readonly Device[], liveOf: (id: string) => DeviceLive | undefined): { bottom: number; top: number } {
  let bottom = 1
  let top = 10
  for (const d of elevators) {
    const lo = attrNum(d, 'lowestFloor')
    const hi = attrNum(d, 'topFloor') ?? attrNum(d, 'floors')
    const f = num(liveOf(d.id)?.state.floor)
    if (lo !== null) bottom = Math.min(bottom, lo)
    if (hi !== null) top = Math.max(top, hi)
    if (f !== null) {
      bottom = Math.min(bottom, f)
      top = Math.max(top, f)
    }
  }
  return { bottom, top }
}

// ---- Pump stations (§3.2) ----

export interface PumpUnit {
  id: string
  role: string | null
  running: boolean
  fault: string | null
  freqHz: number | null
  currentA: number | null
}

export interface Station {
  system: string | null
  ctrlMode: string | null
  outletP: number | null
  setpointP: number | null
  levelPct: number | null
  floodWet: boolean
  fireDemand: boolean
  /** outletP under 80 % of setpoint (PU-01's threshold). */
  low: boolean
  pumps: PumpUnit[]
}

export function station(live: DeviceLive | undefined): Station {
  const s: FlatState = live?.state ?? {}
  const ids = [...new Set(Object.keys(s).filter((k) => k.startsWith('pumps.')).map((k) => k.split('.')[1] ?? ''))].filter(Boolean).sort()
  const out = num(s.outletP)
  const sp = num(s.setpointP)
  return {
    system: str(s.system),
    ctrlMode: str(s.ctrlMode),
    outletP: out,
    setpointP: sp,
    levelPct: num(s.levelPct),
    floodWet: s.floodWet === true,
    fireDemand: s.fireDemand === true,
    low: out !== null && sp !== null && out < 0.8 * sp,
    pumps: ids.map((id) => {
      const fault = str(s[`pumps.${id}.fault`])
      return {
        id,
        role: str(s[`pumps.${id}.role`]),
        running: s[`pumps.${id}.running`] === true,
        fault: fault && fault !== 'none' ? fault : null,
        freqHz: num(s[`pumps.${id}.freqHz`]),
        currentA: num(s[`pumps.${id}.currentA`]),
      }
    }),
  }
}

/** A sump is read by its level; a booster or fire set by outlet pressure (SU-01 vs PU-01). */
export const trendField = (st: Station): 'levelPct' | 'outletP' => (st.system === 'sump' ? 'levelPct' : 'outletP')

// ---- Fire doors (§3.3) ----

export type FireDoorStatus = 'fault' | 'open' | 'held' | 'released' | 'closed' | 'unknown'

export function fireDoorStatus(device: Device, live: DeviceLive | undefined): FireDoorStatus {
  const s: FlatState = live?.state ?? {}
  const fault = str(s.fault)
  if ((fault && fault !== 'none') || s.closer === 'fault') return 'fault'
  const pos = str(s.position)
  const doorType = str(s.doorType) ?? (typeof device.attributes?.doorType === 'string' ? device.attributes.doorType : null)
  // An NO door is held open by its magnet; released means the linkage (or a fault) let it close.
  if (doorType === 'NO') {
    if (s.holder === 'released') return 'released'
    if (pos === 'open') return 'held'
  }
  if (pos === 'open') return 'open'
  if (pos === 'closed') return 'closed'
  return 'unknown'
}

export interface FireZone {
  key: string
  zone: string
  building: string
  siteId: string
  /** A fire panel reports fire in this zone (FD-05 supervises the doors then). */
  fire: boolean
  doors: { device: Device; status: FireDoorStatus }[]
  counts: Record<FireDoorStatus, number>
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/** Doors grouped by fire compartment (telemetry `zone`, else the registered `location.zone`). */
export function fireZones(doors: readonly Device[], liveOf: (id: string) => DeviceLive | undefined, firePanels: readonly Device[]): FireZone[] {
  const burning = new Set<string>()
  for (const p of firePanels) {
    const s = liveOf(p.id)?.state ?? {}
    for (const k in s) if (k.startsWith('fire.') && s[k] === true) burning.add(`${p.siteId}/${p.location?.building}/${k.slice(5)}`)
  }
  const zones = new Map<string, FireZone>()
  for (const d of doors) {
    const live = liveOf(d.id)
    const zone = str(live?.state.zone) ?? d.location?.zone ?? '—'
    const building = d.location?.building ?? '—'
    const key = `${d.siteId}/${building}/${zone}`
    let z = zones.get(key)
    if (!z) zones.set(key, (z = { key, zone, building, siteId: d.siteId, fire: burning.has(key), doors: [], counts: { fault: 0, open: 0, held: 0, released: 0, closed: 0, unknown: 0 } }))
    const status = fireDoorStatus(d, live)
    z.doors.push({ device: d, status })
    z.counts[status]++
  }
  const out = [...zones.values()].sort((a, b) => Number(b.fire) - Number(a.fire) || collator.compare(a.key, b.key))
  for (const z of out) z.doors.sort((a, b) => collator.compare(a.device.name || a.device.id, b.device.name || b.device.id))
  return out
}
