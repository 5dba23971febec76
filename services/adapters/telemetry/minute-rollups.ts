// The embedded store's 1-minute rollups (DOMAIN.md §7.2: 1-minute aggregates kept 3 years, raw 90
// days), kept as telemetry is appended so a week of minute buckets reads ten thousand small rows
// instead of sixty thousand raw ones. Each device's current minute is summed in memory; late
// readings (an older minute) are summed apart. A row may cover part of a minute (a checkpoint cut
// it, or late readings): readers merge the rows of a minute.
//
// Durability: a checkpoint, in the transaction of an append about every 30 s (and at close, and
// before a prune), writes what memory holds and records the last raw rowid it covers. Rows are
// written only then, so the raw rows past the checkpoint are exactly the ones not yet in a rollup:
// after a crash they are summed again at open, and no acknowledged reading is missed or counted twice.
import type { Database } from 'better-sqlite3'
import { addMessage, mergeRollup, minuteOf, type FieldRollup, type RollupFields } from '../../core/telemetry/minute-rollup.js'

export const ROLLUP_RETENTION_MS = 3 * 365 * 86_400_000
const CHECKPOINT_EVERY_MS = 30_000
// Recovery writes in slices so memory stays bounded on a large store (the first open after an upgrade).
const RECOVERY_SLICE = 50_000

export const ROLLUP_SCHEMA = `
CREATE TABLE IF NOT EXISTS minute_rollups (
  device_id TEXT NOT NULL,
  minute INTEGER NOT NULL,
  fields TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS minute_rollups_device_minute ON minute_rollups (device_id, minute);
-- Every raw row with a rowid up to checkpoint_rowid is in minute_rollups.
CREATE TABLE IF NOT EXISTS rollup_checkpoint (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  checkpoint_rowid INTEGER NOT NULL
);
INSERT OR IGNORE INTO rollup_checkpoint (id, checkpoint_rowid) VALUES (1, 0);
`

interface Minute {
  deviceId: string
  minute: number
  fields: RollupFields
}

interface RawRow {
  rowid: number
  device_id: string
  ts: number
  fields: string
}

export interface MinuteRollups {
  /** Adds an appended message (after its insert, inside the same transaction). */
  add(deviceId: string, ts: number, fields: Record<string, unknown>): void
  /** The raw rows up to `rowid` are added (the append transaction's last insert). */
  cover(rowid: number): void
  /** Writes every minute in memory as covering the raw rows added so far (inside the append transaction). */
  checkpoint(): void
  /** Whether a checkpoint is due (called before the append transaction). */
  checkpointDue(nowMs: number): boolean
  /** The rollups of a field, stored and in memory, for whole minutes in [fromMinute, toMinute), in write order. */
  read(deviceId: string, field: string, fromMinute: number, toMinute: number): Array<{ t: number; r: FieldRollup }>
  /** checkpoint() in a transaction of its own. */
  checkpointNow(): void
  /** Drops what a failed transaction left in memory and sums the raw rows past the checkpoint again. */
  recover(): void
  /** After raw rows were deleted: an emptied table hands out rowids from 1 again, so the checkpoint follows it down. */
  clampCheckpoint(): void
  /** Deletes the rollups of minutes before olderThanMs; resolves to how many rows. */
  prune(olderThanMs: number): number
}

export function createMinuteRollups(db: Database): MinuteRollups {
  db.exec(ROLLUP_SCHEMA)
  const insert = db.prepare('INSERT INTO minute_rollups (device_id, minute, fields) VALUES (?, ?, ?)')
  const setCheckpoint = db.prepare('UPDATE rollup_checkpoint SET checkpoint_rowid = ? WHERE id = 1')
  const getCheckpoint = db.prepare<[], { checkpoint_rowid: number }>('SELECT checkpoint_rowid FROM rollup_checkpoint WHERE id = 1')
  const rawAfter = db.prepare<[number, number], RawRow>(`SELECT rowid, device_id, ts, fields FROM messages WHERE rowid > ? AND kind <> 'event' ORDER BY rowid LIMIT ?`)
  const maxRowid = db.prepare<[], { m: number | null }>('SELECT MAX(rowid) AS m FROM messages')
  const stored = db.prepare<Record<string, unknown>, { minute: number; r: string }>(`SELECT minute, json_extract(fields, @path) AS r FROM minute_rollups
    WHERE device_id = @deviceId AND minute >= @from AND minute < @to AND json_extract(fields, @path) IS NOT NULL ORDER BY minute, rowid`)
  const pruneStmt = db.prepare('DELETE FROM minute_rollups WHERE minute < ?')

  // Each device's current minute, and the finished (or late) minutes, until the next checkpoint.
  const open = new Map<string, Minute>()
  const done = new Map<string, Minute>()
  let lastCheckpointAt = Date.now()
  // The newest raw row added to memory: the checkpoint never claims a row this process did not sum
  // (another process may have appended to the file; a restore may have replaced it).
  let covered = 0

  const doneKey = (deviceId: string, minute: number): string => `${deviceId}\u0000${minute}`
  function finish(m: Minute): void {
    const key = doneKey(m.deviceId, m.minute)
    const earlier = done.get(key)
    if (earlier === undefined) done.set(key, m)
    else for (const f in m.fields) earlier.fields[f] = mergeRollup(earlier.fields[f], m.fields[f]!)
  }

  function add(deviceId: string, ts: number, fields: Record<string, unknown>): void {
    const minute = minuteOf(ts)
    let m = open.get(deviceId)
    if (m === undefined || minute > m.minute) {
      if (m !== undefined) finish(m)
      m = { deviceId, minute, fields: {} }
      open.set(deviceId, m)
    } else if (minute < m.minute) {
      // A late reading (a replay after an outage): its minute is summed on its own.
      const late: Minute = { deviceId, minute, fields: {} }
      addMessage(late.fields, ts, fields)
      finish(late)
      return
    }
    addMessage(m.fields, ts, fields)
  }

  function checkpoint(): void {
    for (const m of open.values()) finish(m)
    open.clear()
    for (const m of done.values()) insert.run(m.deviceId, m.minute, JSON.stringify(m.fields))
    done.clear()
    setCheckpoint.run(covered)
    lastCheckpointAt = Date.now()
  }

  function recover(): void {
    open.clear()
    done.clear()
    let from = getCheckpoint.get()?.checkpoint_rowid ?? 0
    covered = from
    for (;;) {
      const rows = rawAfter.all(from, RECOVERY_SLICE)
      if (rows.length === 0) break
      db.transaction(() => {
        for (const row of rows) add(row.device_id, row.ts, JSON.parse(row.fields) as Record<string, unknown>)
        from = rows.at(-1)!.rowid
        covered = from
        checkpoint()
      })()
    }
  }

  return {
    add,
    cover: (rowid) => void (covered = Math.max(covered, rowid)),
    checkpoint,
    checkpointDue: (nowMs) => nowMs - lastCheckpointAt >= CHECKPOINT_EVERY_MS,
    read(deviceId, field, fromMinute, toMinute) {
      const path = `$."${field}"`
      const parts: Array<{ t: number; r: FieldRollup }> = []
      for (const row of stored.all({ deviceId, path, from: fromMinute, to: toMinute })) parts.push({ t: row.minute, r: JSON.parse(row.r) as FieldRollup })
      const inRange = (m: Minute): boolean => m.deviceId === deviceId && m.minute >= fromMinute && m.minute < toMinute && m.fields[field] !== undefined
      for (const m of done.values()) if (inRange(m)) parts.push({ t: m.minute, r: m.fields[field]! })
      const current = open.get(deviceId)
      if (current !== undefined && inRange(current)) parts.push({ t: current.minute, r: current.fields[field]! })
      return parts
    },
    checkpointNow: () => db.transaction(checkpoint)(),
    recover,
    clampCheckpoint() {
      const max = maxRowid.get()?.m ?? 0
      if (covered > max) {
        covered = max
        setCheckpoint.run(max)
      }
    },
    prune: (olderThanMs) => pruneStmt.run(minuteOf(olderThanMs)).changes,
  }
}
