// The in-memory effective parameters (services/rules/rule-overrides.ts) are remembered per device
// and rule for the ingest; an override change or an edited device must show at the next resolve.
import { describe, expect, it } from 'vitest'
import { ruleById } from '../../services/core/rules/catalog.js'
import { createOverrideCache } from '../../services/rules/rule-overrides.js'
import type { RuleOverride } from '../../services/core/ports.js'

const rule = ruleById('AC-02')!
const door = { id: 'door-1', siteId: 'S1', attributes: {} as Record<string, unknown> }
const override = (scope: 'site' | 'device', scopeId: string, params: Record<string, number>, enabled: boolean | null = null): RuleOverride => ({
  scope, scopeId, ruleId: rule.id, enabled, params, updatedAt: '2026-01-01T00:00:00.000Z', updatedBy: 'admin',
})

describe('rule override cache', () => {
  it('answers the same parameters again without a change', () => {
    const cache = createOverrideCache()
    const first = cache.resolve(rule, door)
    expect(first.params.onDelaySec).toBe(rule.params.onDelaySec)
    expect(cache.resolve(rule, door)).toEqual(first)
  })

  it('shows a site override, then a device override, at the next resolve', () => {
    const cache = createOverrideCache()
    cache.resolve(rule, door)
    cache.put(override('site', 'S1', { onDelaySec: 45 }))
    expect(cache.resolve(rule, door).params.onDelaySec).toBe(45)
    cache.put(override('device', 'door-1', { onDelaySec: 12 }, false))
    expect(cache.resolve(rule, door)).toMatchObject({ enabled: false, params: { onDelaySec: 12 } })
    cache.load([])
    expect(cache.resolve(rule, door).params.onDelaySec).toBe(rule.params.onDelaySec)
  })

  it('reads the attributes of an edited device (the directory holds a new object)', () => {
    const cache = createOverrideCache()
    expect(cache.resolve(rule, door).params.onDelaySec).toBe(rule.params.onDelaySec)
    const edited = { ...door, attributes: { heldOpenSec: 90 } }
    expect(cache.resolve(rule, edited).params.onDelaySec).toBe(90)
  })
})
