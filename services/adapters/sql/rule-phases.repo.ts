// The rule engine's persisted evaluation memory (issue #10 "timers resumed from the database").
// Written in batches by the rules service; one row per (device, rule) that is not at rest.
import type SqliteDatabase from 'better-sqlite3'
import type { Kysely } from 'kysely'
import type { RulePhaseRepo } from '../../core/ports.js'
import type { Database } from './schema.js'

// Four parameters a row: well under SQLite's and PostgreSQL's bound-variable limits.
const CHUNK = 1000

/** A change of one (device, rule): its new state, or null when the rule is back at rest (the row goes). */
type Change = Parameters<RulePhaseRepo['saveMany']>[0][number]
type Saver = (rows: readonly Change[], at: string) => Promise<void>

/** The last change of a (device, rule) wins when a batch holds several (one statement may not touch a key twice). */
function latest(rows: readonly Change[]): Change[] {
  const byKey = new Map<string, Change>()
  for (const r of rows) byKey.set(`${r.deviceId}\u0000${r.ruleId}`, r)
  return [...byKey.values()]
}

/**
 * On SQLite, one statement prepared at start per kind of change, run per row in one transaction: a
 * Kysely query compiled and prepared per row was a fifth of the broker thread at 10,000 devices,
 * where most messages move some rule's memory (issue #8 profile). It runs while holding Kysely's
 * single connection, so it never joins a transaction another repository has open on it.
 */
function sqliteSaver(db: Kysely<Database>, sqlite: SqliteDatabase.Database): Saver {
  const upsert = sqlite.prepare<[string, string, string, string]>(`INSERT INTO rule_phases (device_id, rule_id, state, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (device_id, rule_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`)
  const remove = sqlite.prepare<[string, string]>('DELETE FROM rule_phases WHERE device_id = ? AND rule_id = ?')
  const saveAll = sqlite.transaction((rows: readonly Change[], at: string) => {
    for (const r of rows) {
      if (r.state === null) remove.run(r.deviceId, r.ruleId)
      else upsert.run(r.deviceId, r.ruleId, r.state, at)
    }
  })
  return (rows, at) => db.connection().execute(async () => saveAll(rows, at))
}

/** PostgreSQL: one multi-row upsert and one delete per chunk, in one transaction. */
function kyselySaver(db: Kysely<Database>): Saver {
  return (rows, at) =>
    db.transaction().execute(async (trx) => {
      const unique = latest(rows)
      const kept = unique.filter((r): r is Change & { state: string } => r.state !== null)
      const gone = unique.filter((r) => r.state === null)
      for (let i = 0; i < gone.length; i += CHUNK) {
        const slice = gone.slice(i, i + CHUNK)
        await trx
          .deleteFrom('rule_phases')
          .where((eb) => eb.or(slice.map((r) => eb.and([eb('device_id', '=', r.deviceId), eb('rule_id', '=', r.ruleId)]))))
          .execute()
      }
      for (let i = 0; i < kept.length; i += CHUNK) {
        await trx
          .insertInto('rule_phases')
          .values(kept.slice(i, i + CHUNK).map((r) => ({ device_id: r.deviceId, rule_id: r.ruleId, state: r.state, updated_at: at })))
          .onConflict((oc) => oc.columns(['device_id', 'rule_id']).doUpdateSet((eb) => ({ state: eb.ref('excluded.state'), updated_at: eb.ref('excluded.updated_at') })))
          .execute()
      }
    })
}

export function createRulePhaseRepo(db: Kysely<Database>, now: () => string, sqlite?: SqliteDatabase.Database): RulePhaseRepo {
  // Prepared lazily: the table exists only once the migrations have run.
  let save: Saver | null = null
  return {
    async all() {
      const rows = await db.selectFrom('rule_phases').select(['device_id', 'rule_id', 'state']).execute()
      return rows.map((r) => ({ deviceId: r.device_id, ruleId: r.rule_id, state: r.state }))
    },
    async saveMany(rows) {
      if (rows.length === 0) return
      save ??= sqlite === undefined ? kyselySaver(db) : sqliteSaver(db, sqlite)
      await save(rows, now())
    },
  }
}
