// Time parameters of the telemetry history (CONTRACT.md §3): `from`/`to` as ISO 8601 or epoch
// ms, `every` as a duration (`30s`, `1m`, `1h`, or plain ms).
import { DEVICE_SCHEMAS } from '../core/device-schemas/index.js'
import type { DeviceType } from '../core/device-types.js'
import { AppError } from '../core/errors.js'
import type { Aggregate, HistoryQuery } from '../core/ports.js'

export const DEFAULT_WINDOW_MS = 60 * 60 * 1000
/** Raw points are capped (CONTRACT.md §3). */
export const MAX_POINTS = 10_000
/** Aggregated series: a 7-day chart at one minute (10,080 buckets) must fit, a year at one minute not. */
export const MAX_BUCKETS = 20_160
export const MIN_EVERY_MS = 1000
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
/** A field is a name, or `pumps.{pumpId}.{field}` for a pump station's pumps (CONTRACT.md §3). */
export const FIELD_PATTERN = '^[A-Za-z][A-Za-z0-9_]{0,63}(\\.[A-Za-z0-9_-]{1,64}){0,2}$'

export function parseInstant(raw: string, name: string): number {
  const t = /^-?\d+$/.test(raw) ? Number(raw) : /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : NaN
  if (!Number.isFinite(t) || !Number.isSafeInteger(Math.round(t))) {
    throw new AppError('VALIDATION_FAILED', `${name} must be ISO 8601 or epoch milliseconds`, { field: name, value: raw })
  }
  return t
}

export function parseDuration(raw: string): number {
  const m = /^(\d+)(ms|s|m|h|d)?$/.exec(raw)
  const ms = m ? Number(m[1]) * (UNIT_MS[m[2] ?? 'ms'] ?? 1) : NaN
  if (!Number.isFinite(ms) || ms < MIN_EVERY_MS) {
    throw new AppError('VALIDATION_FAILED', `every must be a duration like 30s, 1m, 1h or milliseconds, at least ${MIN_EVERY_MS} ms`, { field: 'every', value: raw })
  }
  return ms
}

export function historyQuery(
  deviceId: string,
  q: { field: string; from?: string | undefined; to?: string | undefined; every?: string | undefined; agg?: Aggregate | undefined },
  now: number,
): HistoryQuery {
  const to = q.to === undefined ? now : parseInstant(q.to, 'to')
  const from = q.from === undefined ? to - DEFAULT_WINDOW_MS : parseInstant(q.from, 'from')
  if (from >= to) throw new AppError('VALIDATION_FAILED', 'from must be before to', { from, to })
  if (q.every === undefined) {
    if (q.agg !== undefined) throw new AppError('VALIDATION_FAILED', 'agg needs every', { field: 'agg' })
    return { deviceId, field: q.field, from, to, limit: MAX_POINTS }
  }
  const everyMs = parseDuration(q.every)
  if ((to - from) / everyMs > MAX_BUCKETS) {
    throw new AppError('VALIDATION_FAILED', `at most ${MAX_BUCKETS} buckets: widen every or narrow the range`, { buckets: Math.ceil((to - from) / everyMs) })
  }
  return { deviceId, field: q.field, from, to, everyMs, agg: q.agg ?? 'mean', limit: MAX_BUCKETS }
}

/** A telemetry field of the device's type (DOMAIN.md §3), or `pumps.{pumpId}.{field}` of a pump station. */
export function assertTelemetryField(type: DeviceType, field: string): void {
  const schema = DEVICE_SCHEMAS[type]
  const parts = field.split('.')
  const known = parts.length === 1
    ? Object.hasOwn(schema.telemetry, field)
    : parts.length === 3 && parts[0] === 'pumps' && schema.pumps !== undefined && Object.hasOwn(schema.pumps.fields, parts[2]!)
  if (!known) {
    const fields = [...Object.keys(schema.telemetry), ...Object.keys(schema.pumps?.fields ?? {}).map((f) => `pumps.{pumpId}.${f}`)]
    throw new AppError('VALIDATION_FAILED', `${type} has no telemetry field ${field}`, { field: 'field', known: fields })
  }
}
