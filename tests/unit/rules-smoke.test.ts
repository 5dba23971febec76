import { describe, expect, it } from 'vitest'
import { RULE_CATALOG } from '../../services/core/rules/catalog.js'
import { simulateRule } from '../helpers/rule-sim.js'

describe('the rule catalog', () => {
  it('has every rule of DOMAIN.md §3 exactly once, plus the offline supervision of pump stations and fire panels', () => {
    const expected = [
      ...Array.from({ length: 14 }, (_, i) => `EL-${String(i + 1).padStart(2, '0')}`), 'EL-02b',
      ...Array.from({ length: 12 }, (_, i) => `PU-${String(i + 1).padStart(2, '0')}`),
      'SU-01', 'SU-02', 'SU-03',
      ...Array.from({ length: 6 }, (_, i) => `FP-0${i + 1}`),
      ...Array.from({ length: 6 }, (_, i) => `FD-0${i + 1}`),
      ...Array.from({ length: 7 }, (_, i) => `AC-0${i + 1}`),
      'PU-13', 'FA-01',
    ]
    const ids = RULE_CATALOG.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual([...expected].sort())
  })

  it('names on- and off-delays onDelaySec and offDelaySec (CONTRACT.md §3)', () => {
    for (const r of RULE_CATALOG) for (const name of Object.keys(r.params)) expect(name).not.toMatch(/^(on|off)Delay(?!Sec$)/)
  })

  it.each([
    ['PU-13', { system: 'domestic' }, 3],
    ['PU-13', { system: 'fire' }, 2],
    ['FA-01', {}, 2],
  ] as const)('raises %s when the device goes offline and clears 60 s after it is back (%o → P%i)', (ruleId, initial, priority) => {
    const r = simulateRule(ruleId, [{ at: 0, set: { ...initial } }, { at: 10, online: false }, { at: 100, online: true }, { at: 130, set: {} }, { at: 170, set: {} }], { until: 200 })
    expect(r.raisedAt).toBe(10)
    expect(r.raisedPriority).toBe(priority)
    expect(r.clearedAt).toBe(160)
  })

  it('raises FD-02 at 60 s, not at 59 s, and clears after 5 s closed', () => {
    const r = simulateRule('FD-02', [{ at: 0, set: { doorType: 'NC', position: 'open' } }, { at: 70, set: { position: 'closed' } }], { until: 80 })
    expect(r.raisedAt).toBe(60)
    expect(r.clearedAt).toBe(75)
  })
})
