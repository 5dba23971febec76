// The overview at fleet scale (issue #6 item 1: readable and fast at 5,000 devices): filters,
// counts per building, and a virtual layout that puts only the rows in view into the page.
import type { Device, DeviceType } from './api/types.js'
import { buildingLabel, typeLabel, type TileStatus } from './device-view.js'
import type { BuildingGroup } from './wall-order.js'

/** The wall's main area: the fleet overview or one device type's panel. */
export type WallPane = 'overview' | 'elevators' | 'pumps' | 'fire-doors' | 'access-doors' | 'floor-plans' | 'work-orders' | 'handover'
export const WALL_PANES: readonly WallPane[] = ['overview', 'elevators', 'pumps', 'fire-doors', 'access-doors', 'floor-plans', 'work-orders', 'handover']

export interface DeviceFilter {
  building: string | null
  type: DeviceType | null
  status: TileStatus | null
}
export const NO_FILTER: DeviceFilter = { building: null, type: null, status: null }

export const buildingKey = (d: Pick<Device, 'siteId' | 'location'>): string => `${d.siteId}/${d.location?.building || '—'}`

export function filterDevices(devices: Iterable<Device>, f: DeviceFilter, statusOf: (id: string) => TileStatus): Device[] {
  const out: Device[] = []
  for (const d of devices) {
    if (f.building !== null && buildingKey(d) !== f.building) continue
    if (f.type !== null && d.type !== f.type) continue
    if (f.status !== null && statusOf(d.id) !== f.status) continue
    out.push(d)
  }
  return out
}

export interface BuildingSummary {
  key: string
  siteId: string
  label: string
  total: number
  counts: Record<TileStatus, number>
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

export function buildingSummaries(devices: Iterable<Device>, statusOf: (id: string) => TileStatus): BuildingSummary[] {
  const map = new Map<string, BuildingSummary>()
  const sites = new Set<string>()
  for (const d of devices) {
    sites.add(d.siteId)
    const key = buildingKey(d)
    let s = map.get(key)
    if (!s) map.set(key, (s = { key, siteId: d.siteId, label: buildingLabel(d.location?.building || '—'), total: 0, counts: { normal: 0, warning: 0, alarm: 0, offline: 0 } }))
    s.total++
    s.counts[statusOf(d.id)]++
  }
  const out = [...map.values()].sort((a, b) => collator.compare(a.key, b.key))
  if (sites.size > 1) for (const s of out) s.label = `${s.siteId} · ${s.label}`
  return out
}

/** The worst state in a summary, for its color: alarm, then warning, offline, normal. */
export function worstStatus(counts: Record<TileStatus, number>): TileStatus {
  return counts.alarm ? 'alarm' : counts.warning ? 'warning' : counts.offline ? 'offline' : 'normal'
}

export type VirtualRow =
  | { kind: 'building'; key: string; top: number; height: number; label: string; count: number }
  | { kind: 'type'; key: string; top: number; height: number; label: string; count: number }
  | { kind: 'tiles'; key: string; top: number; height: number; ids: string[] }

export interface VirtualLayout {
  rows: VirtualRow[]
  height: number
}

export interface RowSizes {
  building: number
  type: number
  /** A row of tiles including the gap under it. */
  tiles: number
}

/** Buildings, then types, then rows of `columns` tiles; every row's top is known up front. */
export function virtualLayout(groups: readonly BuildingGroup[], columns: number, sizes: RowSizes): VirtualLayout {
  const cols = Math.max(1, Math.floor(columns))
  const rows: VirtualRow[] = []
  let top = 0
  for (const g of groups) {
    rows.push({ kind: 'building', key: `b:${g.key}`, top, height: sizes.building, label: g.building, count: g.count })
    top += sizes.building
    for (const t of g.types) {
      rows.push({ kind: 'type', key: `t:${g.key}/${t.type}`, top, height: sizes.type, label: typeLabel(t.type), count: t.devices.length })
      top += sizes.type
      for (let i = 0; i < t.devices.length; i += cols) {
        rows.push({ kind: 'tiles', key: `r:${g.key}/${t.type}/${i}`, top, height: sizes.tiles, ids: t.devices.slice(i, i + cols).map((d) => d.id) })
        top += sizes.tiles
      }
    }
  }
  return { rows, height: top }
}

/** The rows that intersect [scrollTop - overscan, scrollTop + viewport + overscan], by binary search. */
export function visibleRows(layout: VirtualLayout, scrollTop: number, viewport: number, overscan = 400): VirtualRow[] {
  const { rows } = layout
  const from = scrollTop - overscan
  const to = scrollTop + viewport + overscan
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    const r = rows[mid]!
    if (r.top + r.height <= from) lo = mid + 1
    else hi = mid
  }
  const out: VirtualRow[] = []
  for (let i = lo; i < rows.length && rows[i]!.top < to; i++) out.push(rows[i]!)
  return out
}
