// The embedded store's 1-minute rollups (DOMAIN.md §7.2: 1-minute aggregates kept 3 years, raw 90
// days), kept as telemetry is appended so a week of minute buckets reads ten thousand small rows
// instead of sixty thousand raw ones. Each device's current minute is summed in memory; late
// readings (an older minute) are summed apart. A row may cover part of a minute (a checkpoint cut
// it, or late readings): readers merge the rows of a minute.
//
// Durability, per device: a device's checkpoint writes what memory holds for it and records the
// last raw rowid of that device it covers. Its rows are written only then, so its raw rows past the
// checkpoint are exactly the ones not yet in a rollup: after a crash they are summed again at open,
// and no acknowledged reading is missed or counted twice. Each append transaction checkpoints the
// few devices whose turn it is (every device about every 30 s): writing ten thousand devices' minutes
// at once took about 90 ms, a stall on the alarm path; spread out it is a few rows per append.
import type { Database } from 'better-sqlite3'
import { addMessage, mergeRollup, minuteOf, type FieldRollup, type RollupFields } from '../../core/telemetry/minute-rollup.js'

export const ROLLUP_RETENTION_MS = 3 * 365 * 86_400_000
const CHECKPOINT_EVERY_MS = 30_000
// At most this many devices per append: a burst after a quiet spell is spread too.
const CHECKPOINTS_PER_APPEND = 100
// Recovery reads in slices so memory stays bounded on a large store (the first open after an upgrade).
const RECOVERY_SLICE = 50_000

export const ROLLUP_SCHEMA = `
CREATE TABLE IF NOT EXISTS minute_rollups (
  device_id TEXT NOT NULL,
  minute INTEGER NOT NULL,
  fields TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS minute_rollups_device_minute ON minute_rollups (device_id, minute);
-- Every raw row of the device with a rowid up to checkpoint_rowid is in minute_rollups, no later one.
CREATE TABLE IF NOT EXISTS rollup_devices (
  device_id TEXT PRIMARY KEY,
  checkpoint_rowid INTEGER NOT NULL
);
`

interface DeviceRollups {
  deviceId: string
  /** The current minute (newest device time seen). */
  open: { minute: number; fields: RollupFields } | null
  /** Finished and late minutes since the last checkpoint. */
  done: Map<number, RollupFields>
  /** The device's stored checkpoint: its raw rows after it are the ones summed in memory. */
  checkpointRowid: number
  checkpointAt: number
}

interface RawRow {
  rowid: number
  device_id: string
  ts: number
  fields: string
}

export interface MinuteRollups {
  /** Adds an appended message by its raw rowid (after its insert, inside the same transaction). */
  add(rowid: number, deviceId: string, ts: number, fields: Record<string, unknown>): void
  /** Every raw row up to `rowid` has been added (the append transaction's last insert, events included). */
  cover(rowid: number): void
  /** Checkpoints the devices whose turn it is (inside the append transaction). */
  checkpointDue(nowMs: number): void
  /** The rollups of a field, stored and in memory, for whole minutes in [fromMinute, toMinute), in write order. */
  read(deviceId: string, field: string, fromMinute: number, toMinute: number): Array<{ t: number; r: FieldRollup }>
  /** Checkpoints every device, in a transaction of its own (close, prune). */
  checkpointAll(): void
  /** Drops what a failed transaction left in memory and sums the raw rows past the checkpoints again. */
  recover(): void
  /** After raw rows were deleted: an emptied table hands out rowids from 1 again, so checkpoints follow it down. */
  clampCheckpoints(): void
  /** Deletes the rollups of minutes before olderThanMs; resolves to how many rows. */
  prune(olderThanMs: number): number
}

export function createMinuteRollups(db: Database, clock: () => number = Date.now): MinuteRollups {
  db.exec(ROLLUP_SCHEMA)
  const insert = db.prepare('INSERT INTO minute_rollups (device_id, minute, fields) VALUES (?, ?, ?)')
  const setCheckpoint = db.prepare('INSERT INTO rollup_devices (device_id, checkpoint_rowid) VALUES (?, ?) ON CONFLICT (device_id) DO UPDATE SET checkpoint_rowid = excluded.checkpoint_rowid')
  const allCheckpoints = db.prepare<[], { device_id: string; checkpoint_rowid: number }>('SELECT device_id, checkpoint_rowid FROM rollup_devices')
  const rawAfter = db.prepare<[number, number], RawRow>(`SELECT rowid, device_id, ts, fields FROM messages WHERE rowid > ? AND kind <> 'event' ORDER BY rowid LIMIT ?`)
  const maxRowid = db.prepare<[], { m: number | null }>('SELECT MAX(rowid) AS m FROM messages')
  const clamp = db.prepare('UPDATE rollup_devices SET checkpoint_rowid = ? WHERE checkpoint_rowid > ?')
  const stored = db.prepare<Record<string, unknown>, { minute: number; r: string }>(`SELECT minute, json_extract(fields, @path) AS r FROM minute_rollups
    WHERE device_id = @deviceId AND minute >= @from AND minute < @to AND json_extract(fields, @path) IS NOT NULL ORDER BY minute, rowid`)
  const pruneStmt = db.prepare('DELETE FROM minute_rollups WHERE minute < ?')

  // Every device with a checkpoint, in checkpoint order: the one checkpointed longest ago first
  // (re-inserted at the end after each). Silent devices take their turn too, so every checkpoint
  // keeps moving on and a restart re-reads only the last half minute or so.
  const devices = new Map<string, DeviceRollups>()
  // Every raw row up to this one has been added to memory (or was in the rollups already).
  let seen = 0

  function track(deviceId: string, checkpointRowid: number): DeviceRollups {
    const d: DeviceRollups = { deviceId, open: null, done: new Map(), checkpointRowid, checkpointAt: clock() }
    devices.set(deviceId, d)
    return d
  }

  function stateOf(deviceId: string, rowid: number): DeviceRollups {
    const d = devices.get(deviceId)
    if (d !== undefined) return d
    // A device new to the rollups starts its checkpoint just before its first row.
    setCheckpoint.run(deviceId, rowid - 1)
    return track(deviceId, rowid - 1)
  }

  function finish(d: DeviceRollups, minute: number, fields: RollupFields): void {
    const earlier = d.done.get(minute)
    if (earlier === undefined) d.done.set(minute, fields)
    else for (const f in fields) earlier[f] = mergeRollup(earlier[f], fields[f]!)
  }

  function add(rowid: number, deviceId: string, ts: number, fields: Record<string, unknown>): void {
    const d = stateOf(deviceId, rowid)
    // Recovery reads from the oldest checkpoint: a row at or before this device's is in the rollups.
    if (rowid <= d.checkpointRowid) return
    const minute = minuteOf(ts)
    if (d.open === null || minute > d.open.minute) {
      if (d.open !== null) finish(d, d.open.minute, d.open.fields)
      d.open = { minute, fields: {} }
    } else if (minute < d.open.minute) {
      // A late reading (a replay after an outage): its minute is summed apart.
      const late: RollupFields = {}
      addMessage(late, ts, fields)
      finish(d, minute, late)
      return
    }
    addMessage(d.open.fields, ts, fields)
  }

  function checkpoint(d: DeviceRollups): void {
    if (d.open !== null) finish(d, d.open.minute, d.open.fields)
    d.open = null
    for (const [minute, fields] of d.done) insert.run(d.deviceId, minute, JSON.stringify(fields))
    d.done.clear()
    // Every row of the device up to `seen` is in memory, so written now; none is past it.
    if (seen !== d.checkpointRowid) setCheckpoint.run(d.deviceId, seen)
    d.checkpointRowid = seen
    d.checkpointAt = clock()
    devices.delete(d.deviceId)
    devices.set(d.deviceId, d)
  }

  function checkpointDue(nowMs: number): void {
    let n = 0
    for (const d of devices.values()) {
      if (n >= CHECKPOINTS_PER_APPEND || nowMs - d.checkpointAt < CHECKPOINT_EVERY_MS) break
      checkpoint(d)
      n++
    }
  }

  const checkpointAll = (): void => db.transaction(() => {
    for (const d of [...devices.values()]) checkpoint(d)
  })()

  function recover(): void {
    devices.clear()
    const stored = allCheckpoints.all()
    for (const r of stored) track(r.device_id, r.checkpoint_rowid)
    // Nothing recorded yet: a store from before the rollups, summed from its first row.
    let from = stored.reduce((min, r) => Math.min(min, r.checkpoint_rowid), stored.length === 0 ? 0 : Infinity)
    seen = from
    for (;;) {
      const rows = rawAfter.all(from, RECOVERY_SLICE)
      if (rows.length === 0) break
      db.transaction(() => {
        for (const row of rows) add(row.rowid, row.device_id, row.ts, JSON.parse(row.fields) as Record<string, unknown>)
        from = seen = rows.at(-1)!.rowid
        for (const d of [...devices.values()]) if (d.open !== null || d.done.size > 0) checkpoint(d)
      })()
    }
    seen = Math.max(seen, maxRowid.get()?.m ?? 0)
    // Every checkpoint moves up to here, so the next open starts reading here too.
    checkpointAll()
  }

  return {
    add,
    cover: (rowid) => void (seen = Math.max(seen, rowid)),
    checkpointDue,
    read(deviceId, field, fromMinute, toMinute) {
      const path = `$."${field}"`
      const parts: Array<{ t: number; r: FieldRollup }> = []
      for (const row of stored.all({ deviceId, path, from: fromMinute, to: toMinute })) parts.push({ t: row.minute, r: JSON.parse(row.r) as FieldRollup })
      const d = devices.get(deviceId)
      if (d === undefined) return parts
      const inRange = (minute: number): boolean => minute >= fromMinute && minute < toMinute
      for (const [minute, fields] of d.done) if (inRange(minute) && fields[field] !== undefined) parts.push({ t: minute, r: fields[field] })
      if (d.open !== null && inRange(d.open.minute) && d.open.fields[field] !== undefined) parts.push({ t: d.open.minute, r: d.open.fields[field] })
      return parts
    },
    checkpointAll,
    recover,
    clampCheckpoints() {
      const max = maxRowid.get()?.m ?? 0
      clamp.run(max, max)
      seen = Math.min(seen, max)
      for (const d of devices.values()) d.checkpointRowid = Math.min(d.checkpointRowid, max)
    },
    prune: (olderThanMs) => pruneStmt.run(minuteOf(olderThanMs)).changes,
  }
}
