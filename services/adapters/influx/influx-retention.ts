// Retention and downsampling on InfluxDB 1.x, set up by Vigil at start (DOMAIN.md §7.2: raw
// telemetry 90 d, 1-minute aggregates 3 years): the database when missing, the raw retention
// policy, a `downsampled` one, and a continuous query writing each field's 1-minute mean, min, max
// and last (`mean_outletP`, ...; mean skips booleans and strings, which InfluxQL cannot average).
// 2.x/3.x have no InfluxQL DDL: there the bucket's retention and the server's own tasks do it.
import type { InfluxClient } from './influx-client.js'

export const RAW_RETENTION = '90d'
export const DOWNSAMPLED_RP = 'downsampled'
export const DOWNSAMPLED_RETENTION = '1095d' // 3 × 365 d
export const CQ_NAME = 'vigil_downsample_1m'
export const DOWNSAMPLE_EVERY_MS = 60_000
/** The CQ also recomputes the minute before: points that arrive a little late are still counted. */
export const CQ_RESAMPLE_FOR = '2m'

export const ident = (name: string): string => `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
export const literal = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

export interface RetentionLayout {
  /** How long the raw RP keeps points (Infinity for an infinite RP). */
  rawRetentionMs: number
  /** The downsampled RP, or null when the server cannot have one (2.x/3.x). */
  downsampledRp: string | null
}

const downsampleSelect = (db: string, rawRp: string): string =>
  `SELECT mean(*), min(*), max(*), last(*) INTO ${ident(db)}.${ident(DOWNSAMPLED_RP)}.:MEASUREMENT FROM ${ident(db)}.${ident(rawRp)}./.*/`

/** The CQ's query for a past range: run after points arrived later than the CQ's window (a spool replay). */
export function backfillStatement(db: string, rawRp: string, fromMs: number, toMs: number): string {
  return `${downsampleSelect(db, rawRp)} WHERE time >= ${fromMs}ms AND time < ${toMs}ms GROUP BY time(1m), *`
}

/** `2160h0m0s` → ms; `0s` (infinite) → Infinity. */
export function parseInfluxDuration(d: string): number {
  const unit: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 }
  let total = 0
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|w|d|h|m|s)/g)) total += Number(m[1]) * (unit[m[2]!] ?? 0)
  return total === 0 ? Infinity : total
}

export async function ensureV1Retention(client: InfluxClient): Promise<RetentionLayout> {
  const db = client.db
  const rawRp = client.rawRp!
  const [dbSeries = []] = await client.query('SHOW DATABASES')
  const exists = dbSeries.some((s) => s.values.some((v) => v[0] === db))
  if (!exists) await client.query(`CREATE DATABASE ${ident(db)}`)

  const [rpSeries = []] = await client.query(`SHOW RETENTION POLICIES ON ${ident(db)}`)
  const rps = new Map<string, number>()
  for (const s of rpSeries) {
    const nameAt = s.columns.indexOf('name')
    const durationAt = s.columns.indexOf('duration')
    for (const v of s.values) rps.set(String(v[nameAt]), parseInfluxDuration(String(v[durationAt])))
  }
  const statements: string[] = []
  // Raw becomes the default only in a database Vigil created: another default is the owner's choice.
  if (!rps.has(rawRp)) statements.push(`CREATE RETENTION POLICY ${ident(rawRp)} ON ${ident(db)} DURATION ${RAW_RETENTION} REPLICATION 1${exists ? '' : ' DEFAULT'}`)
  if (!rps.has(DOWNSAMPLED_RP)) statements.push(`CREATE RETENTION POLICY ${ident(DOWNSAMPLED_RP)} ON ${ident(db)} DURATION ${DOWNSAMPLED_RETENTION} REPLICATION 1`)

  const [cqSeries = []] = await client.query('SHOW CONTINUOUS QUERIES')
  const hasCq = cqSeries.some((s) => s.name === db && s.values.some((v) => v[0] === CQ_NAME))
  if (!hasCq) {
    statements.push(`CREATE CONTINUOUS QUERY ${ident(CQ_NAME)} ON ${ident(db)} RESAMPLE FOR ${CQ_RESAMPLE_FOR} BEGIN ${downsampleSelect(db, rawRp)} GROUP BY time(1m), * END`)
  }
  if (statements.length > 0) await client.query(statements.join('; '))
  return { rawRetentionMs: rps.get(rawRp) ?? parseInfluxDuration(RAW_RETENTION), downsampledRp: DOWNSAMPLED_RP }
}
