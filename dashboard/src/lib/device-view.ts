// What a tile shows for each device type (DOMAIN.md §3 fields), as plain data: the components
// only lay it out. Pure functions, so the wall's logic is testable without a browser.
import type { Device, DeviceLive, DeviceType, FlatState, Priority, StateValue } from './api/types.js'
import { hasMessage, t } from './i18n/catalog.js'
import { formatNumber } from './i18n/format.js'

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
const fixed = (v: number | null, digits: number): string => formatNumber(v, digits)
/** A state word from telemetry ("open", "held_open") in the user's language; an unknown one capitalised. */
const cap = (s: string): string => {
  const key = `value.${s}`
  return hasMessage(key) ? t(key) : s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ')
}

/** A fault code from telemetry ("dry_run", "wiring_open") in the user's language; an unknown one as words. */
export function faultLabel(code: string): string {
  const key = `fault.${code}`
  return hasMessage(key) ? t(key) : code.replace(/_/g, ' ')
}

/** DOMAIN.md §3.1 serviceMode (0 out of service … 7 unknown), in the user's language. */
export function serviceMode(mode: number): string {
  const key = `mode.${mode}`
  return hasMessage(key) ? t(key) : t('mode.other', { mode })
}

/** A bare building code ("A", "B2") reads better with its noun in a section heading. */
export function buildingLabel(building: string): string {
  return /^[A-Za-z0-9-]{1,3}$/.test(building) ? t('device.building', { building }) : building
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
  const door = s.doorClosed === true ? t('tile.doorsClosed') : s.doorClosed === false ? t('tile.doorsOpen') : t('tile.doorsUnknown')
  const faults = Object.keys(s).filter((k) => k.startsWith('fault.') && s[k] === true).map((k) => k.slice(6))
  const modeText = mode === null ? '–' : serviceMode(mode)
  return {
    primary: floor === null ? '–' : floorLabel(floor),
    primaryAside: arrow,
    lines: [door, [s.occupied === true ? t('tile.occupied') : null, faults.length ? t('tile.fault', { what: faults.join(', ') }) : modeText].filter(Boolean).join(' · ')],
    ...(mode !== null && mode !== 1 ? { emphasis: modeText.toLocaleUpperCase() } : {}),
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
  const pumpsText = ids.length ? t('tile.pumpsRunning', { running: running.length, total: ids.length }) : t('tile.pumpsUnknown')
  const second = faulted.length ? t('tile.fault', { what: faulted.join(', ') }) : running.length ? t('tile.runningIds', { ids: running.join(' ') }) : t('tile.allStopped')
  const emphasis = s.floodWet === true ? t('tile.flood') : s.fireDemand === true ? t('tile.demand') : mode && mode !== 'auto' ? cap(mode).toLocaleUpperCase() : null
  // A sump is read by its level (SU-01/SU-02), a booster or fire set by outlet pressure against setpoint (PU-01).
  if (s.system === 'sump' || (sp === null && level !== null)) {
    return {
      primary: formatNumber(level, 0),
      primaryAside: t('tile.levelUnit'),
      lines: [pumpsText, second],
      ...(level !== null ? { gauge: { value: level / 100, low: level >= 80, mark: 0.8 } } : {}),
      ...(emphasis ? { emphasis } : {}),
    }
  }
  return {
    primary: fixed(out, 2),
    primaryAside: 'MPa',
    lines: [`${sp === null ? t('tile.setpointUnknown') : t('tile.setpoint', { value: fixed(sp, 2) })} · ${pumpsText}`, second],
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
    lines: [[doorType, zone ? t('tile.zone', { zone }) : null].filter(Boolean).join(' · ') || t('tile.fireDoor'), fault && fault !== 'none' ? t('tile.fault', { what: faultLabel(fault) }) : s.closer === 'fault' ? t('tile.closerFault') : s.holder === 'released' ? t('tile.holderReleased') : ''],
    ...(pos === 'open' && doorType !== 'NO' ? { emphasis: t('tile.open') } : {}),
  }
}

function accessDoor(s: FlatState): TileBody {
  const door = str(s.doorState)
  const lock = str(s.lockState)
  const alerts = [s.tamper === true ? t('tile.tamper') : null, s.mains === false ? t('tile.mainsLost') : null].filter(Boolean).join(' · ')
  return {
    primary: door ? cap(door) : '–',
    lines: [lock ? cap(lock) : t('tile.lockUnknown'), alerts],
    ...(alerts ? { emphasis: s.tamper === true ? t('tile.tamperEmph') : t('tile.mainsEmph') } : {}),
  }
}

function firePanel(s: FlatState): TileBody {
  const zones = Object.keys(s).filter((k) => k.startsWith('fire.') && s[k] === true).map((k) => k.slice(5)).sort()
  const battery = str(s.battery)
  return {
    primary: zones.length ? t('tile.fire') : t('tile.noFire'),
    lines: [
      zones.length ? t('tile.zones', { zones: zones.join(', ') }) : t('tile.allZonesClear'),
      [s.fault === true ? t('tile.panelFault') : null, s.mains === false ? t('tile.mainsLost') : null, battery && battery !== 'ok' ? t('tile.battery', { state: battery === 'low' ? t('tile.batteryLow') : battery === 'fault' ? t('tile.batteryFault') : battery }) : null].filter(Boolean).join(' · '),
    ],
    ...(zones.length ? { emphasis: t('tile.fire') } : {}),
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

/** A device type's name in the user's language ("Elevators", "电梯"). */
export function typeLabel(type: DeviceType): string {
  return t(`type.${type}`)
}

/** Counts for the header: every device in exactly one bucket. */
export function countByStatus(looks: Iterable<TileLook>): Record<TileStatus, number> {
  const out: Record<TileStatus, number> = { normal: 0, warning: 0, alarm: 0, offline: 0 }
  for (const l of looks) out[l.status]++
  return out
}
