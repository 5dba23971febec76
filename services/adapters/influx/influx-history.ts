// Telemetry history in InfluxQL (CONTRACT.md §3 `GET /devices/{id}/telemetry`; issue #5): raw
// points, or `GROUP BY time(<every>)` buckets with mean/min/max/last, capped at q.limit. The part
// of a range older than the raw retention is read from the 1-minute `downsampled` series, and so is
// every finished minute of a numeric field's whole-minute buckets where the minutes give the exact
// answer (issue #8: a week of minutes reads 10,080 rows, not 60,480 raw points).
import type { DeviceType } from '../../core/device-types.js'
import { DEVICE_SCHEMAS } from '../../core/device-schemas/index.js'
import type { HistoryPoint, HistoryQuery } from '../../core/ports.js'
import type { InfluxClient, InfluxSeries } from './influx-client.js'
import { measurementOf } from './influx-point.js'
import { DOWNSAMPLE_EVERY_MS, ident, literal, type RetentionLayout } from './influx-retention.js'

export type FieldKind = 'number' | 'bool' | 'string'

/** The field's type from the device schema (DOMAIN.md §3); undefined for a field the type does not have. */
export function fieldKind(type: DeviceType, field: string): FieldKind | undefined {
  const schema = DEVICE_SCHEMAS[type]
  const parts = field.split('.')
  const spec = parts.length === 3 && parts[0] === 'pumps' ? schema.pumps?.fields[parts[2]!] : schema.telemetry[field]
  if (spec === undefined) return undefined
  switch (spec.type) {
    case 'int':
    case 'number':
      return 'number'
    case 'bool':
      return 'bool'
    case 'enum':
    case 'string':
      return 'string'
    case 'object':
      return undefined
  }
}

interface Part {
  from: number
  to: number
  /** Inclusive upper bound for the newest part, exclusive for the older one. */
  toInclusive: boolean
  downsampled: boolean
}

/**
 * How far back the 1-minute series may still be incomplete: the continuous query recomputes the
 * last 2 minutes each minute (CQ_RESAMPLE_FOR), a few seconds after the minute ends; readings that
 * arrive later are downsampled once the replay is in (influx.store.ts), and are in the raw series
 * meanwhile.
 */
export const DOWNSAMPLED_LAG_MS = 3 * DOWNSAMPLE_EVERY_MS

/**
 * Whether the minutes give the same buckets as the raw points: min, max and last of numbers over
 * any whole number of minutes; the mean only of single minutes (the series keeps no counts, and a
 * mean of means is not the mean). Booleans and text keep no mean in the series at all.
 */
const minutesSuffice = (q: HistoryQuery, kind: FieldKind): boolean =>
  kind === 'number' && q.everyMs !== undefined && q.everyMs % DOWNSAMPLE_EVERY_MS === 0 && ((q.agg ?? 'mean') !== 'mean' || q.everyMs === DOWNSAMPLE_EVERY_MS)

/** Splits [from, to] where the raw points take over, aligned so no bucket straddles it. */
function parts(q: HistoryQuery, kind: FieldKind, layout: RetentionLayout, now: number, pendingFrom: number | null): Part[] {
  if (layout.downsampledRp === null) return [{ from: q.from, to: q.to, toInclusive: true, downsampled: false }]
  const step = q.everyMs !== undefined && q.everyMs % DOWNSAMPLE_EVERY_MS === 0 ? q.everyMs : DOWNSAMPLE_EVERY_MS
  const edge = minutesSuffice(q, kind)
    ? Math.floor((Math.min(now - DOWNSAMPLED_LAG_MS, pendingFrom ?? Infinity)) / step) * step
    : Number.isFinite(layout.rawRetentionMs) ? Math.ceil((now - layout.rawRetentionMs) / step) * step : -Infinity
  if (q.from >= edge) return [{ from: q.from, to: q.to, toInclusive: true, downsampled: false }]
  if (q.to < edge) return [{ from: q.from, to: q.to, toInclusive: true, downsampled: true }]
  return [
    { from: q.from, to: edge, toInclusive: false, downsampled: true },
    { from: edge, to: q.to, toInclusive: true, downsampled: false },
  ]
}

interface Select {
  /** Column expressions; the value is the first non-null of them. */
  columns: string[]
  where?: string
  /** The bool mean: the second statement counts the true values, the result is the ratio. */
  ratioOf?: true
  /** Each point is already a bucket (a minute of the 1-minute series): no GROUP BY. */
  perPoint?: true
}

function selects(q: HistoryQuery, kind: FieldKind, downsampled: boolean): Select[] {
  const f = q.field
  const col = (prefix: string): string => ident(downsampled ? `${prefix}_${f}` : f)
  if (q.everyMs === undefined) {
    // Old raw ranges answer with the minute's mean where there is one, its last value otherwise.
    return [{ columns: downsampled ? (kind === 'number' ? [ident(`mean_${f}`), ident(`last_${f}`)] : [ident(`last_${f}`)]) : [ident(f)] }]
  }
  const agg = q.agg ?? 'mean'
  if (kind === 'string') return agg === 'last' ? [{ columns: [`last(${col('last')})`] }] : []
  if (kind === 'bool' && agg === 'mean') {
    // InfluxQL has no mean of booleans; the share of true values is the same number (true = 1).
    const c = col('last')
    return [{ columns: [`count(${c})`] }, { columns: [`count(${c})`], where: `${c} = true`, ratioOf: true }]
  }
  const source = downsampled ? (agg === 'last' ? 'last' : agg === 'mean' ? (kind === 'bool' ? 'last' : 'mean') : agg) : ''
  // A minute of the 1-minute series is a 1-minute bucket as it stands: reading the points is far
  // cheaper than InfluxDB grouping ten thousand buckets of one point each.
  if (downsampled && q.everyMs === DOWNSAMPLE_EVERY_MS && kind === 'number') return [{ columns: [ident(`${source}_${f}`)], perPoint: true }]
  return [{ columns: [`${agg}(${downsampled ? ident(`${source}_${f}`) : ident(f)})`] }]
}

function statement(q: HistoryQuery, measurement: string, client: InfluxClient, rp: string | null, part: Part, s: Select): string {
  const from = rp === null ? ident(measurement) : `${ident(client.db)}.${ident(rp)}.${ident(measurement)}`
  const where = [`"device" = ${literal(q.deviceId)}`, `time >= ${part.from}ms`, `time ${part.toInclusive ? '<=' : '<'} ${part.to}ms`]
  if (s.where) where.push(s.where)
  const group = q.everyMs !== undefined && !s.perPoint ? ` GROUP BY time(${q.everyMs}ms) fill(none)` : ''
  return `SELECT ${s.columns.join(', ')} FROM ${from} WHERE ${where.join(' AND ')}${group} ORDER BY time ASC LIMIT ${q.limit}`
}

const rows = (series: InfluxSeries[] | undefined): unknown[][] => (series ?? []).flatMap((s) => s.values)

function firstValue(row: unknown[]): HistoryPoint['v'] {
  for (let i = 1; i < row.length; i++) {
    const v = row[i]
    if (v !== null && v !== undefined) return v as HistoryPoint['v']
  }
  return null
}

/** `pendingFrom`: where late points not yet in the 1-minute series begin (null when none are waiting). */
export async function queryHistory(
  client: InfluxClient, layout: RetentionLayout, type: DeviceType, q: HistoryQuery, now: number, pendingFrom: number | null = null,
): Promise<HistoryPoint[]> {
  const kind = fieldKind(type, q.field)
  if (kind === undefined) return []
  const measurement = measurementOf(type)
  const plan = parts(q, kind, layout, now, pendingFrom).map((part) => ({ part, selects: selects(q, kind, part.downsampled) }))
  const statements = plan.flatMap(({ part, selects: ss }) =>
    ss.map((s) => statement(q, measurement, client, part.downsampled ? layout.downsampledRp : client.rawRp, part, s)))
  if (statements.length === 0) return []
  const results = await client.query(statements.join('; '))
  const points: HistoryPoint[] = []
  let i = 0
  for (const { selects: ss } of plan) {
    if (ss.length === 2 && ss[1]!.ratioOf) {
      const trues = new Map(rows(results[i + 1]).map((r) => [r[0] as number, r[1] as number]))
      for (const r of rows(results[i])) {
        const n = r[1] as number
        if (n > 0) points.push({ t: r[0] as number, v: (trues.get(r[0] as number) ?? 0) / n })
      }
    } else {
      for (const r of rows(results[i])) {
        const v = firstValue(r)
        if (v !== null) points.push({ t: r[0] as number, v })
      }
    }
    i += ss.length
  }
  return points.slice(0, q.limit)
}
