// The embedded telemetry store (ARCHITECTURE.md "Embedded by default"): one row per message in
// <dataDir>/telemetry.db, written with better-sqlite3 prepared statements on its own connection
// so the ingest group commit never queues behind the operational database.
import fs from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import type { Logger } from 'pino'
import { AppError, isAppError } from '../../core/errors.js'
import type { AcceptedMessage, Aggregate, DependencyHealth, HistoryPoint, HistoryQuery, TelemetryStore } from '../../core/ports.js'
import { addReading, bucketPoints, isReading, MINUTE_MS, minuteOf, type FieldRollup, type RollupFields } from '../../core/telemetry/minute-rollup.js'
import { createMinuteRollups, ROLLUP_RETENTION_MS } from './minute-rollups.js'
import { startWalCheckpointer } from '../sql/wal-checkpointer.js'

export interface SqliteTelemetryStore extends TelemetryStore {
  /**
   * Deletes raw readings (telemetry and status) with device time before olderThanMs; resolves to
   * how many. Events are never deleted here: they are the fire-door monitor and elevator fault
   * records DOMAIN.md §7.2 keeps at least 3 and 4 years.
   */
  prune(olderThanMs: number): Promise<number>
  /**
   * Applies the retention (DOMAIN.md §7.2: 90 d raw, 3 y of 1-minute rollups) relative to nowMs;
   * resolves to how many raw rows went.
   */
  pruneExpired(nowMs: number): Promise<number>
}

const DAY_MS = 86_400_000
const DEFAULT_RETENTION_DAYS = 90
// Field names become a JSON path; anything outside this set could escape the quoted key.
const FIELD_NAME = /^[A-Za-z0-9_.-]{1,128}$/
// Deleting in slices keeps each write transaction short, so appends (and their PUBACKs) wait little.
const PRUNE_SLICE = 10_000

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  device_id TEXT NOT NULL,
  ts INTEGER NOT NULL,
  rx_ts INTEGER NOT NULL,
  kind TEXT NOT NULL,
  seq INTEGER,
  drill INTEGER NOT NULL,
  fields TEXT NOT NULL
);
-- The only index: every extra one costs ingest throughput (STACK.md: 50k rows/s with it, 361k without).
CREATE INDEX IF NOT EXISTS messages_device_ts ON messages (device_id, ts);
`

// Events are discrete occurrences, not readings: a field of an event is not a point of that
// field's history. Status messages are (`online`).
const MATCH = `device_id = @deviceId AND ts BETWEEN @from AND @to AND kind <> 'event'`
const VALUE = `json_extract(fields, @path)`
const TYPE = `json_type(fields, @path)`
const BUCKET = `(ts - ts % @every)`

const RAW_SQL = `SELECT ts AS t, ${VALUE} AS v, ${TYPE} AS jt FROM messages
  WHERE ${MATCH} AND ${VALUE} IS NOT NULL ORDER BY ts, rowid LIMIT @limit`
// Booleans count as 0/1 for mean/min/max; text values have no mean and are left out.
const numericSql = (fn: 'AVG' | 'MIN' | 'MAX'): string => `SELECT ${BUCKET} AS t, ${fn}(${VALUE}) AS v, 'real' AS jt FROM messages
  WHERE ${MATCH} AND ${TYPE} IN ('integer', 'real', 'true', 'false') GROUP BY t ORDER BY t LIMIT @limit`
const LAST_SQL = `SELECT t, v, jt FROM (
    SELECT ${BUCKET} AS t, ${VALUE} AS v, ${TYPE} AS jt,
      ROW_NUMBER() OVER (PARTITION BY ${BUCKET} ORDER BY ts DESC, rowid DESC) AS rn
    FROM messages WHERE ${MATCH} AND ${VALUE} IS NOT NULL)
  WHERE rn = 1 ORDER BY t LIMIT @limit`

interface PointRow {
  t: number
  v: number | string | null
  jt: string
}

const toPoint = (r: PointRow): HistoryPoint => ({
  t: r.t,
  v: r.jt === 'true' ? true : r.jt === 'false' ? false : r.v,
})

function validate(q: HistoryQuery): { path: string; every: number | null; agg: Aggregate } {
  if (!FIELD_NAME.test(q.field)) throw new AppError('VALIDATION_FAILED', `invalid field name: ${q.field}`, { field: q.field })
  if (!Number.isFinite(q.from) || !Number.isFinite(q.to)) throw new AppError('VALIDATION_FAILED', 'from and to must be epoch milliseconds')
  if (!Number.isInteger(q.limit) || q.limit < 1) throw new AppError('VALIDATION_FAILED', 'limit must be a positive integer')
  if (q.everyMs !== undefined && (!Number.isInteger(q.everyMs) || q.everyMs < 1)) {
    throw new AppError('VALIDATION_FAILED', 'every must be a positive number of milliseconds')
  }
  return { path: `$."${q.field}"`, every: q.everyMs ?? null, agg: q.agg ?? 'mean' }
}

/** `wallNow`: when rollup checkpoints fall due (tests); I/O pacing, so the wall clock, not Vigil's. */
export function createSqliteTelemetryStore(opts: { dataDir: string; retentionDays?: number; wallNow?: () => number; logger?: Pick<Logger, 'info' | 'warn' | 'error'> }): SqliteTelemetryStore {
  const wallNow = opts.wallNow ?? Date.now
  fs.mkdirSync(opts.dataDir, { recursive: true })
  const db = new SqliteDatabase(path.join(opts.dataDir, 'telemetry.db'))
  // WAL + synchronous=NORMAL: once a transaction commits it is in the WAL file, so it survives the
  // process being killed; that is what the QoS 1 acknowledgement promises (CONTRACT.md §2).
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('busy_timeout = 5000')
  db.exec(SCHEMA)
  // Checkpoints (and their fsyncs) on a thread of their own, not in the ingest commit.
  const checkpointer = startWalCheckpointer(db, opts.logger ? { logger: opts.logger } : {})
  const retentionMs = (opts.retentionDays ?? DEFAULT_RETENTION_DAYS) * DAY_MS

  const rollups = createMinuteRollups(db, wallNow)
  rollups.recover()
  const insert = db.prepare(`INSERT INTO messages (device_id, ts, rx_ts, kind, seq, drill, fields) VALUES (?, ?, ?, ?, ?, ?, ?)`)
  // One transaction per batch: the group commit the QoS 1 acknowledgements wait for (ARCHITECTURE.md
  // "Durability"). The rollups of the devices whose checkpoint is due are written in it too.
  const insertBatch = db.transaction((batch: readonly AcceptedMessage[]) => {
    let rowid = 0
    for (const m of batch) {
      rowid = Number(insert.run(m.deviceId, m.ts, m.rxTs, m.kind, m.seq, m.drill ? 1 : 0, JSON.stringify(m.fields)).lastInsertRowid)
      if (m.kind !== 'event') rollups.add(rowid, m.deviceId, m.ts, m.fields)
    }
    rollups.cover(rowid)
    rollups.checkpointDue(wallNow())
  })
  const rawEdge = db.prepare<Record<string, unknown>, PointRow>(`SELECT ts AS t, ${VALUE} AS v, ${TYPE} AS jt FROM messages
    WHERE ${MATCH} AND ${VALUE} IS NOT NULL ORDER BY ts, rowid`)

  /**
   * Buckets of whole minutes from the rollups; the part of a minute the range cuts at either end
   * comes from the raw rows, so the answer is the one the raw rows would give.
   */
  function fromRollups(q: HistoryQuery, path: string, every: number, agg: Aggregate): HistoryPoint[] {
    const whole = { from: minuteOf(q.from + MINUTE_MS - 1), to: minuteOf(q.to + 1) }
    const edges = whole.from < whole.to ? [[q.from, whole.from - 1], [whole.to, q.to]] : [[q.from, q.to]]
    const parts: Array<{ t: number; r: FieldRollup }> = whole.from < whole.to ? rollups.read(q.deviceId, q.field, whole.from, whole.to) : []
    for (const [from, to] of edges) {
      if (from! > to!) continue
      for (const row of rawEdge.all({ deviceId: q.deviceId, from, to, path })) {
        const v = toPoint(row).v
        if (!isReading(v)) continue
        const one: RollupFields = {}
        addReading(one, q.field, row.t, v)
        parts.push({ t: row.t, r: one[q.field]! })
      }
    }
    return bucketPoints(parts, every, agg, q.limit)
  }
  const queries = {
    raw: db.prepare<Record<string, unknown>, PointRow>(RAW_SQL),
    mean: db.prepare<Record<string, unknown>, PointRow>(numericSql('AVG')),
    min: db.prepare<Record<string, unknown>, PointRow>(numericSql('MIN')),
    max: db.prepare<Record<string, unknown>, PointRow>(numericSql('MAX')),
    last: db.prepare<Record<string, unknown>, PointRow>(LAST_SQL),
  }
  const pruneSlice = db.prepare(`DELETE FROM messages WHERE rowid IN (SELECT rowid FROM messages WHERE ts < ? AND kind <> 'event' LIMIT ${PRUNE_SLICE})`)

  let lastAppendError: string | null = null
  let closed = false

  async function prune(olderThanMs: number): Promise<number> {
    try {
      // Everything about to go is in the rollups first.
      rollups.checkpointAll()
      let total = 0
      for (;;) {
        const n = pruneSlice.run(olderThanMs).changes
        total += n
        if (n < PRUNE_SLICE) break
        // Between slices the event loop runs: ingest goes on during a long prune.
        await new Promise((resolve) => setImmediate(resolve))
        if (closed) return total
      }
      rollups.clampCheckpoints()
      return total
    } catch (err) {
      throw new AppError('DEPENDENCY_DOWN', `telemetry prune failed: ${String(err)}`)
    }
  }

  return {
    append(batch) {
      if (batch.length === 0) return Promise.resolve()
      try {
        insertBatch(batch)
        lastAppendError = null
        return Promise.resolve()
      } catch (err) {
        lastAppendError = err instanceof Error ? err.message : String(err)
        // The batch was rolled back: so is what it added to the minutes in memory.
        try {
          rollups.recover()
        } catch {
          // The store is failing as a whole; the next open sums the raw rows again.
        }
        return Promise.reject(new AppError('DEPENDENCY_DOWN', `telemetry store write failed: ${lastAppendError}`))
      }
    },
    history(q) {
      try {
        const { path: jsonPath, every, agg } = validate(q)
        const params = { deviceId: q.deviceId, from: q.from, to: q.to, limit: q.limit, path: jsonPath }
        if (every !== null && every % MINUTE_MS === 0) return Promise.resolve(fromRollups(q, jsonPath, every, agg))
        const rows = every === null ? queries.raw.all(params) : queries[agg].all({ ...params, every })
        return Promise.resolve(rows.map(toPoint))
      } catch (err) {
        return Promise.reject(isAppError(err) ? err : new AppError('DEPENDENCY_DOWN', `telemetry store read failed: ${String(err)}`))
      }
    },
    health(): DependencyHealth {
      if (closed) return { ok: false, detail: 'telemetry store closed' }
      return lastAppendError === null ? { ok: true } : { ok: false, detail: lastAppendError }
    },
    prune,
    async pruneExpired(nowMs) {
      const raw = await prune(nowMs - retentionMs)
      rollups.prune(nowMs - ROLLUP_RETENTION_MS)
      return raw
    },
    async close() {
      if (closed) return
      closed = true
      try {
        rollups.checkpointAll()
      } finally {
        await checkpointer.stop()
        db.close()
      }
    },
  }
}
