import type { Kysely } from 'kysely'
import type { FlatState } from '../../core/model.js'
import type { DeviceStateRepo, PersistedDeviceState } from '../../core/ports.js'
import { fromBool, fromJson, isoOrNull, toBool, toJson, toNum } from './codec.js'
import type { Database } from './schema.js'

// Five parameters a row: well under SQLite's 32,766 bound variables and pg's 65,535 per statement.
const CHUNK = 1000

export function createDeviceStateRepo(db: Kysely<Database>): DeviceStateRepo {
  return {
    async saveMany(rows) {
      if (rows.length === 0) return
      // The last row of a device wins when a batch holds several (Postgres refuses one
      // INSERT … ON CONFLICT that touches the same key twice).
      const latest = new Map<string, PersistedDeviceState>()
      for (const r of rows) latest.set(r.deviceId, r)
      const values = [...latest.values()].map((r) => ({
        device_id: r.deviceId,
        state: toJson(r.state),
        online: toBool(r.online),
        last_seen: isoOrNull(r.lastSeen),
        last_seq: r.lastSeq,
      }))
      await db.transaction().execute(async (trx) => {
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
