// Effective rule parameters: catalog defaults, then device attributes a rule reads as parameters
// (AC-02 `heldOpenSec`), then the site's override, then the device's (CONTRACT.md §3 rules). Kept
// in memory so evaluation never waits for SQL; changes take effect at the next evaluation.
import { AppError } from '../core/errors.js'
import type { Device } from '../core/model.js'
import type { RuleOverride } from '../core/ports.js'
import type { RuleDefinition, RuleParams } from '../core/rules/rule-definition.js'

export interface Resolved {
  enabled: boolean
  params: RuleParams
}

export interface OverrideCache {
  load(all: readonly RuleOverride[]): void
  put(o: RuleOverride): void
  get(scope: 'site' | 'device', scopeId: string, ruleId: string): RuleOverride | undefined
  /** Enabled flag and parameters of a rule for one device. */
  resolve(rule: RuleDefinition, device: Pick<Device, 'id' | 'siteId' | 'attributes'>): Resolved
  resolveSite(rule: RuleDefinition, siteId: string): Resolved
}

const keyOf = (scope: string, scopeId: string, ruleId: string): string => `${scope}\u0000${scopeId}\u0000${ruleId}`

export function createOverrideCache(): OverrideCache {
  const byKey = new Map<string, RuleOverride>()
  // What resolve() answered, per device object and rule: the ingest asks for every rule of every
  // message (issue #8 profile). The directory replaces a device's object when it is edited, and
  // every override change starts a new map, so an entry is never out of date. Callers only read.
  let resolved = new WeakMap<Pick<Device, 'id' | 'siteId' | 'attributes'>, Map<string, Resolved>>()
  const forgetResolved = (): void => {
    resolved = new WeakMap()
  }
  const layer = (base: Resolved, o: RuleOverride | undefined): Resolved =>
    o ? { enabled: o.enabled ?? base.enabled, params: { ...base.params, ...o.params } } : base
  const fromAttributes = (rule: RuleDefinition, attributes: Record<string, unknown>): Record<string, number> => {
    const out: Record<string, number> = {}
    for (const [param, attribute] of Object.entries(rule.attributeParams ?? {})) {
      const v = attributes[attribute]
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[param] = v
    }
    return out
  }
  const cache: OverrideCache = {
    load(all) {
      byKey.clear()
      for (const o of all) byKey.set(keyOf(o.scope, o.scopeId, o.ruleId), o)
      forgetResolved()
    },
    put(o) {
      byKey.set(keyOf(o.scope, o.scopeId, o.ruleId), o)
      forgetResolved()
    },
    get: (scope, scopeId, ruleId) => byKey.get(keyOf(scope, scopeId, ruleId)),
    resolveSite: (rule, siteId) => layer({ enabled: !rule.disabledByDefault, params: rule.params }, byKey.get(keyOf('site', siteId, rule.id))),
    resolve(rule, device) {
      let forDevice = resolved.get(device)
      if (forDevice === undefined) resolved.set(device, (forDevice = new Map()))
      const known = forDevice.get(rule.id)
      if (known !== undefined) return known
      const site = cache.resolveSite(rule, device.siteId)
      const withAttributes = { ...site, params: { ...site.params, ...fromAttributes(rule, device.attributes) } }
      const r = layer(withAttributes, byKey.get(keyOf('device', device.id, rule.id)))
      forDevice.set(rule.id, r)
      return r
    },
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
