// One-minute rollups of telemetry (DOMAIN.md §7.2: raw readings 90 days, 1-minute aggregates 3
// years). A field's minute keeps what every aggregate of the history API needs, so a bucket of any
// whole number of minutes is the merge of its minutes, exactly as if computed from the raw rows:
// the count and sum for the mean, min, max, and the newest value for `last`. Numbers and booleans
// (as 0/1) count for mean/min/max; text values only for `last` (CONTRACT.md §3 history).
import type { Aggregate, HistoryPoint } from '../ports.js'

export const MINUTE_MS = 60_000

/** [count of numeric values, their sum, min, max, device time of the newest value, the newest value]. */
export type FieldRollup = [n: number, sum: number, min: number | null, max: number | null, lastTs: number, last: number | boolean | string]
export type RollupFields = Record<string, FieldRollup>
export type Reading = number | boolean | string

export const minuteOf = (ts: number): number => ts - (((ts % MINUTE_MS) + MINUTE_MS) % MINUTE_MS)

/** A value the history can hold: the same values the raw query returns (not null, not an object). */
export const isReading = (v: unknown): v is Reading => typeof v === 'number' ? Number.isFinite(v) : typeof v === 'boolean' || typeof v === 'string'

/** Adds one reading. Arrival order breaks a tie in device time, as the raw query's rowid does. */
export function addReading(into: RollupFields, field: string, ts: number, v: Reading): void {
  const x = typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : null
  const r = into[field]
  if (r === undefined) {
    into[field] = x === null ? [0, 0, null, null, ts, v] : [1, x, x, x, ts, v]
    return
  }
  if (x !== null) {
    r[0]++
    r[1] += x
    r[2] = r[2] === null || x < r[2] ? x : r[2]
    r[3] = r[3] === null || x > r[3] ? x : r[3]
  }
  if (ts >= r[4]) {
    r[4] = ts
    r[5] = v
  }
}

/** Folds `later` (written after `into`) into `into`. */
export function mergeRollup(into: FieldRollup | undefined, later: FieldRollup): FieldRollup {
  if (into === undefined) return [...later]
  into[0] += later[0]
  into[1] += later[1]
  if (later[2] !== null) into[2] = into[2] === null ? later[2] : Math.min(into[2], later[2])
  if (later[3] !== null) into[3] = into[3] === null ? later[3] : Math.max(into[3], later[3])
  if (later[4] >= into[4]) {
    into[4] = later[4]
    into[5] = later[5]
  }
  return into
}

/** Adds every field of a flattened message (telemetry or status) to a minute's rollup. */
export function addMessage(into: RollupFields, ts: number, fields: Record<string, unknown>): void {
  for (const field in fields) {
    const v = fields[field]
    if (isReading(v)) addReading(into, field, ts, v)
  }
}

export function aggregateOf(r: FieldRollup, agg: Aggregate): HistoryPoint['v'] {
  switch (agg) {
    case 'mean':
      return r[0] > 0 ? r[1] / r[0] : null
    case 'min':
      return r[2]
    case 'max':
      return r[3]
    case 'last':
      return r[5]
  }
}

/**
 * Buckets of `everyMs` (bucket start = t − t mod everyMs, as the raw query) from rollups that
 * arrive in write order; oldest first, buckets without a value for `agg` left out, at most `limit`.
 */
export function bucketPoints(parts: Iterable<{ t: number; r: FieldRollup }>, everyMs: number, agg: Aggregate, limit: number): HistoryPoint[] {
  const buckets = new Map<number, FieldRollup>()
  for (const { t, r } of parts) {
    const b = t - (t % everyMs)
    buckets.set(b, mergeRollup(buckets.get(b), r))
  }
  const points: HistoryPoint[] = []
  for (const t of [...buckets.keys()].sort((a, b) => a - b)) {
    const v = aggregateOf(buckets.get(t)!, agg)
    if (v === null) continue
    points.push({ t, v })
    if (points.length >= limit) break
  }
  return points
}
