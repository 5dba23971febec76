// What the device detail shows (issue #6 item 6), as plain data: which fields can be charted, the
// history ranges and their bucket widths, the ledger and the inspection certificate's standing.
import type { Alarm, Device, DeviceType, FlatState, WorkOrder } from './api/types.js'

export type HistoryRangeKey = '1h' | '24h' | '7d' | '30d'
export interface HistoryRange {
  key: HistoryRangeKey
  ms: number
  /** Bucket width for the history API: 120 to 360 points per chart, enough for the eye, light on the store. */
  every: string
}
const H = 3_600_000
export const HISTORY_RANGES: readonly HistoryRange[] = [
  { key: '1h', ms: H, every: '30s' },
  { key: '24h', ms: 24 * H, every: '5m' },
  { key: '7d', ms: 7 * 24 * H, every: '30m' },
  { key: '30d', ms: 30 * 24 * H, every: '2h' },
]

/** The field an operator most likely wants first, per type (DOMAIN.md §3). */
const FIRST_FIELD: Readonly<Record<DeviceType, readonly string[]>> = {
  elevator: ['floor', 'loadPct', 'speed'],
  pump: ['outletP', 'levelPct', 'inletP', 'setpointP'],
  'fire-door': [],
  'access-door': [],
  'fire-panel': [],
}

/** Fields of the live state that hold numbers, the type's usual ones first, then by name. */
export function numericFields(type: DeviceType, state: FlatState | undefined): string[] {
  if (!state) return []
  const fields = Object.keys(state).filter((k) => typeof state[k] === 'number' && k !== 'seq' && k !== 'ts')
  const rank = (f: string) => {
    const i = FIRST_FIELD[type].indexOf(f)
    return i === -1 ? FIRST_FIELD[type].length : i
  }
  return fields.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, undefined, { numeric: true }))
}

export type CertificateStanding = 'expired' | 'due' | 'valid'
export interface Certificate {
  standing: CertificateStanding
  /** Whole days from today to the expiry date; negative once expired. */
  days: number
}
/** EL-12 (DOMAIN.md §3.1): apply for inspection 30 days before expiry; past it the elevator may not run. */
export const CERTIFICATE_DUE_DAYS = 30

export function certificateOf(expiry: unknown, now: number): Certificate | null {
  if (typeof expiry !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(expiry)) return null
  const end = Date.parse(`${expiry.slice(0, 10)}T00:00:00Z`)
  if (!Number.isFinite(end)) return null
  const today = Date.parse(`${new Date(now).toISOString().slice(0, 10)}T00:00:00Z`)
  const days = Math.round((end - today) / 86_400_000)
  return { standing: days < 0 ? 'expired' : days <= CERTIFICATE_DUE_DAYS ? 'due' : 'valid', days }
}

/** Ledger keys in the order a maintenance file lists them (CONTRACT.md §3 devices `attributes`). */
export const LEDGER_KEYS = ['model', 'manufacturer', 'installedAt', 'maintenanceUnit', 'certificateExpiry', 'ratedSpeed', 'ratedLoad', 'homeFloor', 'ratedA', 'doorType'] as const
export type LedgerKey = (typeof LEDGER_KEYS)[number]

export interface LedgerRow {
  key: string
  known: boolean
  value: string
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '–'
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k} ${String(x)}`).join(', ')
  return String(v)
}

/** The known ledger keys that are set, in order, then any other attribute the site recorded. */
export function ledgerRows(device: Pick<Device, 'attributes'>): LedgerRow[] {
  const attrs = device.attributes ?? {}
  const known = LEDGER_KEYS.filter((k) => attrs[k] !== undefined && attrs[k] !== null).map((k) => ({ key: k, known: true, value: show(attrs[k]) }))
  const other = Object.keys(attrs)
    .filter((k) => !(LEDGER_KEYS as readonly string[]).includes(k) && attrs[k] !== undefined && attrs[k] !== null)
    .sort()
    .map((k) => ({ key: k, known: false, value: show(attrs[k]) }))
  return [...known, ...other]
}

/** The device's alarms, newest first: the live copy of an alarm wins over the fetched one. */
export function deviceAlarms(deviceId: string, fetched: readonly Alarm[], live: Iterable<Alarm>): Alarm[] {
  const byId = new Map<string, Alarm>()
  for (const a of fetched) if (a.deviceId === deviceId) byId.set(a.id, a)
  for (const a of live) if (a.deviceId === deviceId) byId.set(a.id, a)
  return [...byId.values()].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt))
}

/** The device's work orders, newest first, the live copy winning. */
export function deviceWorkOrders(deviceId: string, fetched: readonly WorkOrder[], live: Iterable<WorkOrder>): WorkOrder[] {
  const byId = new Map<string, WorkOrder>()
  for (const w of fetched) if (w.deviceId === deviceId) byId.set(w.id, w)
  for (const w of live) if (w.deviceId === deviceId && (byId.get(w.id)?.updatedAt ?? '') <= w.updatedAt) byId.set(w.id, w)
  return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt))
}

/** A reading as the detail lists it: numbers with at most 3 decimals, booleans as yes/no keys. */
export function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000)
  if (v === null || v === undefined) return '–'
  return String(v)
}
