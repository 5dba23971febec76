// The rows of the active-alarm list (DOMAIN.md §4.1, §4.3): priority then time; in alarm-flood
// mode a site's P1/P2 stay individual on top and its P3/P4 fold into one row per device, so the
// few alarms that matter are not buried under the many that do not.
import type { Alarm, Priority } from './api/types.js'
import { isFlashing } from './alarm-view.js'
import { compareAlarms } from './wall-order.js'

export interface SingleRow {
  kind: 'alarm'
  key: string
  alarm: Alarm
}

export interface GroupRow {
  kind: 'group'
  key: string
  siteId: string
  deviceId: string
  /** The most urgent priority in the group (3 or 4). */
  priority: Priority
  alarms: Alarm[]
  /** Alarms in the group still waiting for an acknowledgement. */
  unacked: number
  flashing: boolean
  newestAt: string
}

export type AlarmListRow = SingleRow | GroupRow

const isGrouped = (a: Alarm, floodSites: ReadonlySet<string>): boolean => a.priority >= 3 && floodSites.has(a.siteId)

export function alarmRows(alarms: readonly Alarm[], floodSites: ReadonlySet<string>): AlarmListRow[] {
  const sorted = [...alarms].sort(compareAlarms)
  if (floodSites.size === 0) return sorted.map((alarm) => ({ kind: 'alarm', key: alarm.id, alarm }))
  const top: AlarmListRow[] = []
  const rest: AlarmListRow[] = []
  const groups = new Map<string, GroupRow>()
  for (const a of sorted) {
    if (!isGrouped(a, floodSites)) {
      ;(a.priority <= 2 ? top : rest).push({ kind: 'alarm', key: a.id, alarm: a })
      continue
    }
    const key = `group:${a.siteId}/${a.deviceId}`
    let g = groups.get(key)
    if (!g) {
      g = { kind: 'group', key, siteId: a.siteId, deviceId: a.deviceId, priority: a.priority, alarms: [], unacked: 0, flashing: false, newestAt: a.raisedAt }
      groups.set(key, g)
      rest.push(g)
    }
    g.alarms.push(a)
    if (a.priority < g.priority) g.priority = a.priority
    if (!a.acked) g.unacked++
    if (isFlashing(a)) g.flashing = true
    if (a.raisedAt > g.newestAt) g.newestAt = a.raisedAt
  }
  // `rest` keeps the sorted order: P3 before P4, newest first within each, groups where their newest member falls.
  return [...top, ...rest]
}

/** How many individual alarms a list of rows stands for. */
export function alarmCount(rows: readonly AlarmListRow[]): number {
  return rows.reduce((n, r) => n + (r.kind === 'group' ? r.alarms.length : 1), 0)
}
