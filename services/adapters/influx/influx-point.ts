// The InfluxDB schema of Vigil's telemetry (issue #5): one measurement per device type, tags
// `site`, `building`, `device` (bounded: the registered devices and their buildings), one field
// per telemetry value with the flattened names of CONTRACT.md §3 (`pumps.P1.outletP`), ms
// timestamps. The same message always gives the same line, so a replay overwrites itself.
import { Point } from '@influxdata/influxdb-client'
import type { DeviceType } from '../../core/device-types.js'
import type { AcceptedMessage } from '../../core/ports.js'

/** `fire-door` → `fire_door`: a plain identifier in InfluxQL and Flux alike. */
export const measurementOf = (type: DeviceType): string => type.replace('-', '_')

/** Building of a device for the `building` tag; a device without one gets `-` (empty tag values are invalid). */
export type BuildingOf = (deviceId: string) => string | undefined

/**
 * Numbers are always float fields: InfluxDB fixes a field's type on its first write, and an
 * integer field (`3i`) next to a float one of the same name would reject points later; float64
 * holds every integer the schemas allow (≤ 2^53) exactly, and mean() is a float anyway.
 * Booleans are boolean fields. Strings (the enums: `position`, `fault`, `power`, ...) are string
 * fields: they are short, bounded by the schemas, and the history API returns them raw and as
 * `last` like the SQLite store does; they are never tags, which would make series unbounded.
 */
export function toLine(msg: AcceptedMessage, building: string | undefined): string | undefined {
  const p = new Point(measurementOf(msg.type))
    .tag('site', msg.siteId)
    .tag('building', building === undefined || building === '' ? '-' : building)
    .tag('device', msg.deviceId)
    .timestamp(String(Math.trunc(msg.ts)))
  let any = false
  for (const [name, v] of Object.entries(msg.fields)) {
    if (typeof v === 'number' && Number.isFinite(v)) p.floatField(name, v)
    else if (typeof v === 'boolean') p.booleanField(name, v)
    else if (typeof v === 'string') p.stringField(name, v)
    else continue
    any = true
  }
  if (!any) return undefined
  if (msg.drill) p.booleanField('drill', true)
  return p.toLineProtocol()
}

/** The timestamp (ms) at the end of a line written by toLine. */
export function lineTimestamp(line: string): number {
  return Number(line.slice(line.lastIndexOf(' ') + 1))
}
