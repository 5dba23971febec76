// The two ways Vigil talks to InfluxDB: writes through @influxdata/influxdb-client's WriteApi
// (v2 write API for 2.x/3.x; the v1 transport for 1.x), and InfluxQL through `/query`, which 1.x
// answers natively and 2.x/3.x on their v1 compatibility API (issue #5 "History queries").
import { HttpError, InfluxDB, type WriteApi } from '@influxdata/influxdb-client'
import type { InfluxConfig } from '../../config.js'
import { createV1Influx } from './v1-transport.js'

export interface InfluxSeries {
  name: string
  tags?: Record<string, string>
  columns: string[]
  values: unknown[][]
}

export interface InfluxClient {
  /** Resolves once InfluxDB answered 2xx for all the lines. */
  write(lines: string[]): Promise<void>
  /** One or more `;`-separated InfluxQL statements; the series of each, in order. */
  query(q: string): Promise<InfluxSeries[][]>
  ping(): Promise<void>
  /** InfluxQL names: the database (the bucket on 2.x/3.x) and the raw retention policy (1.x). */
  db: string
  rawRp: string | null
  close(): Promise<void>
}

export class InfluxQueryError extends Error {
  override name = 'InfluxQueryError'
  constructor(message: string, readonly status: number) {
    super(message)
  }
}

/** A write InfluxDB refused for its content (bad or conflicting points): retrying cannot help. */
export const isRejectedWrite = (err: unknown): boolean => err instanceof HttpError && (err.statusCode === 400 || err.statusCode === 413)

const TIMEOUT_MS = 10_000
// Gzip costs a quarter of the throughput on loopback (STACK.md, InfluxDB 1.6.7 throughput).
const NO_GZIP = Number.MAX_SAFE_INTEGER

export function createInfluxClient(cfg: InfluxConfig): InfluxClient {
  // Batching is driven by the spool (one chunk, one awaited flush); retries too, so the library
  // neither flushes on its own nor keeps a retry buffer of its own in memory.
  const writeOptions = {
    batchSize: 1_000_000,
    flushInterval: 0,
    maxRetries: 0,
    maxBufferLines: 1_000_000,
    gzipThreshold: NO_GZIP,
    // Returning a promise makes it the result of flush() and keeps the library from logging to the console.
    writeFailed: (error: Error) => Promise.reject(error),
  }
  let writeApi: WriteApi
  let queryAuth: { params: Record<string, string>; headers: Record<string, string> }
  if (cfg.version === 1) {
    const creds = { user: cfg.user, password: cfg.password }
    writeApi = createV1Influx(cfg.url, creds, TIMEOUT_MS).getWriteApi('', `${cfg.db}/${cfg.rp}`, 'ms', writeOptions)
    queryAuth = { params: cfg.user !== null && cfg.password !== null ? { u: cfg.user, p: cfg.password } : {}, headers: {} }
  } else {
    writeApi = new InfluxDB({ url: cfg.url, token: cfg.token, timeout: TIMEOUT_MS }).getWriteApi(cfg.org, cfg.bucket, 'ms', writeOptions)
    queryAuth = { params: {}, headers: { authorization: `Token ${cfg.token}` } }
  }
  const db = cfg.version === 1 ? cfg.db : cfg.bucket

  async function query(q: string): Promise<InfluxSeries[][]> {
    const body = new URLSearchParams({ q, db, epoch: 'ms', ...queryAuth.params })
    let res: Response
    try {
      res = await fetch(`${cfg.url}/query`, { method: 'POST', body, headers: queryAuth.headers, signal: AbortSignal.timeout(TIMEOUT_MS) })
    } catch (err) {
      throw new InfluxQueryError(`InfluxDB at ${cfg.url} unreachable: ${(err as Error).message}`, 0)
    }
    const text = await res.text()
    let parsed: { error?: string; results?: Array<{ series?: InfluxSeries[]; error?: string }> } = {}
    try {
      parsed = JSON.parse(text) as typeof parsed
    } catch { /* reported below */ }
    const error = parsed.error ?? parsed.results?.find((r) => r.error !== undefined)?.error
    if (!res.ok || error !== undefined || parsed.results === undefined) {
      throw new InfluxQueryError(`InfluxQL failed (${res.status}): ${error ?? text.slice(0, 200)}`, res.status)
    }
    // A series without rows has no `values` at all.
    return parsed.results.map((r) => (r.series ?? []).map((x) => ({ ...x, values: x.values ?? [] })))
  }

  return {
    db,
    rawRp: cfg.version === 1 ? cfg.rp : null,
    async write(lines) {
      writeApi.writeRecords(lines)
      await writeApi.flush()
    },
    query,
    async ping() {
      try {
        const res = await fetch(`${cfg.url}/ping`, { signal: AbortSignal.timeout(TIMEOUT_MS) })
        if (res.status >= 300) throw new Error(`/ping answered ${res.status}`)
      } catch (err) {
        throw new InfluxQueryError(`InfluxDB at ${cfg.url} unreachable: ${(err as Error).message}`, 0)
      }
    },
    async close() {
      await writeApi.close().catch(() => undefined)
    },
  }
}
