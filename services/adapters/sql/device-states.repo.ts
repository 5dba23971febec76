import type SqliteDatabase from 'better-sqlite3'
import type { Kysely } from 'kysely'
import type { FlatState } from '../../core/model.js'
import type { DeviceStateRepo, PersistedDeviceState } from '../../core/ports.js'
import { fromBool, fromJson, isoOrNull, toBool, toJson, toNum } from './codec.js'
import type { Database } from './schema.js'

// Five parameters a row: well under SQLite's 32,766 bound variables and pg's 65,535 per statement.
const CHUNK = 1000

interface StateRow {
  device_id: string
  state: string
  online: number
  last_seen: string | null
  last_seq: number | null
}

const UPSERT_SQL = `INSERT INTO device_states (device_id, state, online, last_seen, last_seq)
  VALUES (@device_id, @state, @online, @last_seen, @last_seq)
  ON CONFLICT (device_id) DO UPDATE SET state = excluded.state, online = excluded.online,
    last_seen = excluded.last_seen, last_seq = excluded.last_seq`

/** The last row of a device wins when a batch holds several (Postgres refuses one INSERT … ON CONFLICT that touches the same key twice). */
function latestRows(rows: readonly PersistedDeviceState[]): StateRow[] {
  const latest = new Map<string, PersistedDeviceState>()
  for (const r of rows) latest.set(r.deviceId, r)
  const values: StateRow[] = []
  for (const r of latest.values()) {
    values.push({ device_id: r.deviceId, state: toJson(r.state), online: toBool(r.online), last_seen: isoOrNull(r.lastSeen), last_seq: r.lastSeq })
  }
  return values
}

/**
 * On SQLite the ingest's upsert of every batch is one statement prepared at start and run per row in
 * one transaction: compiling a 1,000-row INSERT through Kysely and preparing it anew per batch cost
 * more than the write itself (issue #8 profile). It runs while holding Kysely's single connection,
 * so it never joins a transaction another repository has open on it.
 */
function sqliteSaver(db: Kysely<Database>, sqlite: SqliteDatabase.Database): (values: StateRow[]) => Promise<void> {
  const upsert = sqlite.prepare<[StateRow]>(UPSERT_SQL)
  const upsertAll = sqlite.transaction((values: StateRow[]) => {
    for (const v of values) upsert.run(v)
  })
  return (values) => db.connection().execute(async () => upsertAll(values))
}

function kyselySaver(db: Kysely<Database>): (values: StateRow[]) => Promise<void> {
  return (values) =>
    db.transaction().execute(async (trx) => {
      for (let i = 0; i < values.length; i += CHUNK) {
        await trx
          .insertInto('device_states')
          .values(values.slice(i, i + CHUNK))
          .onConflict((oc) =>
            oc.column('device_id').doUpdateSet((eb) => ({
              state: eb.ref('excluded.state'),
              online: eb.ref('excluded.online'),
              last_seen: eb.ref('excluded.last_seen'),
              last_seq: eb.ref('excluded.last_seq'),
            })),
          )
          .execute()
      }
    })
}

export function createDeviceStateRepo(db: Kysely<Database>, sqlite?: SqliteDatabase.Database): DeviceStateRepo {
  // Prepared lazily: the table exists only once the migrations have run.
  let save: ((values: StateRow[]) => Promise<void>) | null = null
  return {
    async saveMany(rows) {
      if (rows.length === 0) return
      save ??= sqlite === undefined ? kyselySaver(db) : sqliteSaver(db, sqlite)
      await save(latestRows(rows))
    },
    async loadAll() {
      const rows = await db.selectFrom('device_states').selectAll().orderBy('device_id').execute()
      return rows.map((r) => ({
        deviceId: r.device_id,
        state: fromJson<FlatState>(r.state, {}),
        online: fromBool(r.online),
        lastSeen: r.last_seen,
        lastSeq: toNum(r.last_seq),
      }))
    },
  }
}
