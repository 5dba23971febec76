// Effective rule parameters: catalog defaults, then the site's override, then the device's
// (CONTRACT.md §3 rules). Kept in memory so evaluation never waits for SQL; changes take effect
// at the next evaluation, without a restart.
import { AppError } from '../core/errors.js'
import type { Device } from '../core/model.js'
import type { RuleOverride } from '../core/ports.js'
import type { RuleDefinition, RuleParams } from '../core/rules/rule-definition.js'

export interface OverrideCache {
  load(all: readonly RuleOverride[]): void
  put(o: RuleOverride): void
  get(scope: 'site' | 'device', scopeId: string, ruleId: string): RuleOverride | undefined
  /** Enabled flag and parameters of a rule for one device. */
  resolve(rule: RuleDefinition, device: Pick<Device, 'id' | 'siteId'>): { enabled: boolean; params: RuleParams }
  resolveSite(rule: RuleDefinition, siteId: string): { enabled: boolean; params: RuleParams }
}

const keyOf = (scope: string, scopeId: string, ruleId: string): string => `${scope}\u0000${scopeId}\u0000${ruleId}`

export function createOverrideCache(): OverrideCache {
  const byKey = new Map<string, RuleOverride>()
  const layer = (base: { enabled: boolean; params: RuleParams }, o: RuleOverride | undefined) =>
    o ? { enabled: o.enabled ?? base.enabled, params: { ...base.params, ...o.params } } : base
  const cache: OverrideCache = {
    load(all) {
      byKey.clear()
      for (const o of all) byKey.set(keyOf(o.scope, o.scopeId, o.ruleId), o)
    },
    put: (o) => void byKey.set(keyOf(o.scope, o.scopeId, o.ruleId), o),
    get: (scope, scopeId, ruleId) => byKey.get(keyOf(scope, scopeId, ruleId)),
    resolveSite: (rule, siteId) => layer({ enabled: true, params: rule.params }, byKey.get(keyOf('site', siteId, rule.id))),
    resolve: (rule, device) => layer(cache.resolveSite(rule, device.siteId), byKey.get(keyOf('device', device.id, rule.id))),
  }
  return cache
}

/** Checks a PATCH body against the rule's parameters (CONTRACT.md: an unknown rule or parameter is a 400). */
export function validateOverridePatch(rule: RuleDefinition | undefined, ruleId: string, params: Record<string, unknown> | undefined): asserts rule is RuleDefinition {
  if (!rule) throw new AppError('UNKNOWN_RULE', `unknown rule ${ruleId}; GET /api/v1/rules lists the catalog`)
  for (const [name, value] of Object.entries(params ?? {})) {
    if (!(name in rule.params)) {
      throw new AppError('UNKNOWN_RULE_PARAM', `rule ${rule.id} has no parameter ${name}`, { known: Object.keys(rule.params) })
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new AppError('VALIDATION_FAILED', `parameter ${name} must be a number ≥ 0`, { param: name, value })
    }
    if (name.endsWith('DelaySec') && value > 7 * 24 * 3600) {
      throw new AppError('VALIDATION_FAILED', `parameter ${name} must be at most one week`, { param: name, value })
    }
  }
}
