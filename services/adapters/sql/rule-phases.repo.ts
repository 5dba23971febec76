// The rule engine's persisted evaluation memory (issue #10 "timers resumed from the database").
// Written in batches by the rules service; one row per (device, rule) that is not at rest.
import type { Kysely } from 'kysely'
import type { RulePhaseRepo } from '../../core/ports.js'
import type { Database } from './schema.js'

export function createRulePhaseRepo(db: Kysely<Database>, now: () => string): RulePhaseRepo {
  return {
    async all() {
      const rows = await db.selectFrom('rule_phases').select(['device_id', 'rule_id', 'state']).execute()
      return rows.map((r) => ({ deviceId: r.device_id, ruleId: r.rule_id, state: r.state }))
    },
    async saveMany(rows) {
      if (rows.length === 0) return
      const at = now()
      await db.transaction().execute(async (trx) => {
        for (const r of rows) {
          if (r.state === null) {
            await trx.deleteFrom('rule_phases').where('device_id', '=', r.deviceId).where('rule_id', '=', r.ruleId).execute()
            continue
          }
          await trx
            .insertInto('rule_phases')
            .values({ device_id: r.deviceId, rule_id: r.ruleId, state: r.state, updated_at: at })
            .onConflict((oc) => oc.columns(['device_id', 'rule_id']).doUpdateSet({ state: r.state!, updated_at: at }))
            .execute()
        }
      })
    },
  }
}
