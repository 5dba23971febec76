// What a tile shows for each device type (DOMAIN.md §3 fields), as plain data: the components
// only lay it out. Pure functions, so the wall's logic is testable without a browser.
import type { Device, DeviceLive, DeviceType, FlatState, Priority, StateValue } from './api/types.js'

/** A device's listed alarms, folded (AlarmBoard.byDevice). */
export interface DeviceAlarmSummary {
  /** The most urgent priority among the device's listed alarms. */
  priority: Priority
  /** Some listed alarm of the device is not yet acknowledged. */
  unacked: boolean
  count: number
}

export type TileStatus = 'normal' | 'warning' | 'alarm' | 'offline'

export interface TileLook {
  status: TileStatus
  /** Flashes while one of its alarms is unacknowledged (ISA-18.2 UNACK / RTNUN). */
  flashing: boolean
  /** The last state is from before a restart and the device has not spoken since. */
  stale: boolean
  offline: boolean
  /** Short text in the tile's corner: the top alarm priority. */
  badge: string | null
}

/** Red for P1/P2, amber for P3/P4; an alarm outranks offline, offline outranks normal. */
export function tileLook(live: DeviceLive | undefined, alarm: DeviceAlarmSummary | undefined): TileLook {
  const offline = !live || !live.online
  const stale = !!live?.stale
  if (alarm) {
    return { status: alarm.priority <= 2 ? 'alarm' : 'warning', flashing: alarm.unacked, stale, offline, badge: `P${alarm.priority}` }
  }
  // No badge for offline: the grey tile and its "offline" line say it, and the name keeps its room.
  return { status: offline ? 'offline' : 'normal', flashing: false, stale, offline, badge: null }
}

export interface TileBody {
  /** The big value (floor, pressure, door position). */
  primary: string
  /** Next to the primary value, smaller (an arrow, a unit). */
  primaryAside?: string
  /** One or two short lines under it. */
  lines: string[]
  /** 0..1 for a gauge bar (pump pressure against setpoint, sump level), with a reference mark at `mark`. */
  gauge?: { value: number; low: boolean; mark: number }
  /** A word to stand out (FIRE, OPEN, MANUAL). */
  emphasis?: string
}

const num = (v: StateValue | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const str = (v: StateValue | undefined): string | null => (typeof v === 'string' ? v : null)
const fixed = (v: number | null, digits: number): string => (v === null ? '–' : v.toFixed(digits))
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ')

/** DOMAIN.md §3.1 serviceMode. */
export const SERVICE_MODES = ['Out of service', 'Normal', 'Inspection', 'Fire return', 'Firefighter', 'Emergency power', 'Earthquake', 'Unknown'] as const

/** A bare building code ("A", "B2") reads better with its noun in a section heading. */
export function buildingLabel(building: string): string {
  return /^[A-Za-z0-9-]{1,3}$/.test(building) ? `Building ${building}` : building
}

export function floorLabel(floor: number): string {
  return floor < 0 ? `B${-floor}` : String(floor)
}

function elevator(s: FlatState): TileBody {
  const floor = num(s.floor)
  const dir = num(s.direction)
  const running = s.carStatus === 1
  const arrow = dir === 1 ? '▲' : dir === 2 ? '▼' : running ? '◆' : '■'
  const mode = num(s.serviceMode)
  const door = s.doorClosed === true ? 'Doors closed' : s.doorClosed === false ? 'Doors open' : 'Doors –'
  const faults = Object.keys(s).filter((k) => k.startsWith('fault.') && s[k] === true).map((k) => k.slice(6))
  const modeText = mode === null ? '–' : (SERVICE_MODES[mode] ?? `Mode ${mode}`)
  return {
    primary: floor === null ? '–' : floorLabel(floor),
    primaryAside: arrow,
    lines: [door, [s.occupied === true ? 'Occupied' : null, faults.length ? `Fault ${faults.join(', ')}` : modeText].filter(Boolean).join(' · ')],
    ...(mode !== null && mode !== 1 ? { emphasis: modeText.toUpperCase() } : {}),
  }
}

function pump(s: FlatState): TileBody {
  const out = num(s.outletP)
  const sp = num(s.setpointP)
  const level = num(s.levelPct)
  const ids = [...new Set(Object.keys(s).filter((k) => k.startsWith('pumps.')).map((k) => k.split('.')[1] ?? ''))].filter(Boolean).sort()
  const running = ids.filter((id) => s[`pumps.${id}.running`] === true)
  const faulted = ids.filter((id) => (str(s[`pumps.${id}.fault`]) ?? 'none') !== 'none')
  const mode = str(s.ctrlMode)
  const pumpsText = ids.length ? `${running.length}/${ids.length} running` : 'pumps –'
  const second = faulted.length ? `Fault ${faulted.join(', ')}` : running.length ? `Running ${running.join(' ')}` : 'All pumps stopped'
  const emphasis = s.floodWet === true ? 'FLOOD' : s.fireDemand === true ? 'DEMAND' : mode && mode !== 'auto' ? mode.toUpperCase() : null
  // A sump is read by its level (SU-01/SU-02), a booster or fire set by outlet pressure against setpoint (PU-01).
  if (s.system === 'sump' || (sp === null && level !== null)) {
    return {
      primary: level === null ? '–' : level.toFixed(0),
      primaryAside: '% level',
      lines: [pumpsText, second],
      ...(level !== null ? { gauge: { value: level / 100, low: level >= 80, mark: 0.8 } } : {}),
      ...(emphasis ? { emphasis } : {}),
    }
  }
  return {
    primary: fixed(out, 2),
    primaryAside: 'MPa',
    lines: [`${sp === null ? 'Setpoint –' : `Set ${fixed(sp, 2)}`} · ${pumpsText}`, second],
    // The bar spans 0 to 125 % of setpoint, so the setpoint mark sits at 80 %.
    ...(out !== null && sp !== null && sp > 0 ? { gauge: { value: Math.max(0, Math.min(1, out / (sp * 1.25))), low: out < 0.8 * sp, mark: 0.8 } } : {}),
    ...(emphasis ? { emphasis } : {}),
  }
}

function fireDoor(s: FlatState, d: Device): TileBody {
  const pos = str(s.position)
  const doorType = str(s.doorType) ?? str(d.attributes?.doorType as StateValue) ?? null
  const zone = str(s.zone) ?? d.location?.zone ?? null
  const fault = str(s.fault)
  return {
    primary: pos ? cap(pos) : '–',
    lines: [[doorType, zone ? `Zone ${zone}` : null].filter(Boolean).join(' · ') || 'Fire door', fault && fault !== 'none' ? `Fault ${cap(fault)}` : s.closer === 'fault' ? 'Closer fault' : s.holder === 'released' ? 'Holder released' : ''],
    ...(pos === 'open' && doorType !== 'NO' ? { emphasis: 'OPEN' } : {}),
  }
}

function accessDoor(s: FlatState): TileBody {
  const door = str(s.doorState)
  const lock = str(s.lockState)
  const alerts = [s.tamper === true ? 'Tamper' : null, s.mains === false ? 'Mains lost' : null].filter(Boolean).join(' · ')
  return {
    primary: door ? cap(door) : '–',
    lines: [lock ? cap(lock) : 'Lock –', alerts],
    ...(alerts ? { emphasis: s.tamper === true ? 'TAMPER' : 'MAINS' } : {}),
  }
}

function firePanel(s: FlatState): TileBody {
  const zones = Object.keys(s).filter((k) => k.startsWith('fire.') && s[k] === true).map((k) => k.slice(5)).sort()
  const battery = str(s.battery)
  return {
    primary: zones.length ? 'FIRE' : 'No fire',
    lines: [
      zones.length ? `Zones ${zones.join(', ')}` : 'All zones clear',
      [s.fault === true ? 'Panel fault' : null, s.mains === false ? 'Mains lost' : null, battery && battery !== 'ok' ? `Battery ${battery}` : null].filter(Boolean).join(' · '),
    ],
    ...(zones.length ? { emphasis: 'FIRE' } : {}),
  }
}

export function tileBody(device: Device, live: DeviceLive | undefined): TileBody {
  const s = live?.state ?? {}
  const byType: Record<DeviceType, () => TileBody> = {
    elevator: () => elevator(s),
    pump: () => pump(s),
    'fire-door': () => fireDoor(s, device),
    'access-door': () => accessDoor(s),
    'fire-panel': () => firePanel(s),
  }
  return byType[device.type]()
}

export const TYPE_LABEL: Record<DeviceType, string> = {
  elevator: 'Elevators',
  pump: 'Pump stations',
  'fire-door': 'Fire doors',
  'access-door': 'Access doors',
  'fire-panel': 'Fire panels',
}

/** Counts for the header: every device in exactly one bucket. */
export function countByStatus(looks: Iterable<TileLook>): Record<TileStatus, number> {
  const out: Record<TileStatus, number> = { normal: 0, warning: 0, alarm: 0, offline: 0 }
  for (const l of looks) out[l.status]++
  return out
}
