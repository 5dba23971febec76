import type { Kysely, Selectable } from 'kysely'
import type { RuleOverride, RuleOverrideRepo } from '../../core/ports.js'
import { fromBool, fromJson, iso, toBool, toJson } from './codec.js'
import type { Database, RuleOverridesTable } from './schema.js'

const toOverride = (r: Selectable<RuleOverridesTable>): RuleOverride => ({
  scope: r.scope as RuleOverride['scope'],
  scopeId: r.scope_id,
  ruleId: r.rule_id,
  enabled: r.enabled === null ? null : fromBool(r.enabled),
  params: fromJson<Record<string, number>>(r.params, {}),
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
})

export function createRuleOverrideRepo(db: Kysely<Database>): RuleOverrideRepo {
  const base = () => db.selectFrom('rule_overrides').selectAll().orderBy('scope').orderBy('scope_id').orderBy('rule_id')
  return {
    async all() {
      return (await base().execute()).map(toOverride)
    },
    async list(scope, scopeId) {
      return (await base().where('scope', '=', scope).where('scope_id', '=', scopeId).execute()).map(toOverride)
    },
    // The override replaces the previous one of the same (scope, scopeId, ruleId) whole.
    async upsert(o) {
      const row = {
        scope: o.scope,
        scope_id: o.scopeId,
        rule_id: o.ruleId,
        enabled: o.enabled === null ? null : toBool(o.enabled),
        params: toJson(o.params),
        updated_at: iso(o.updatedAt),
        updated_by: o.updatedBy,
      }
      await db
        .insertInto('rule_overrides')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['scope', 'scope_id', 'rule_id']).doUpdateSet({
            enabled: row.enabled,
            params: row.params,
            updated_at: row.updated_at,
            updated_by: row.updated_by,
          }),
        )
        .execute()
      return toOverride(row)
    },
  }
}
