// What the rule engine keeps across restarts (services/rules/rule-phase-store.ts): equality that
// decides when to write, and a strict reading of stored rows so a damaged row starts at rest.
import { describe, expect, it } from 'vitest'
import { initialRuleState, type RuleState } from '../../services/core/rules/evaluate-rule.js'
import { parseRuleState, sameRuleState } from '../../services/rules/rule-phase-store.js'

const pending = (dueAt: number): RuleState => ({ ...initialRuleState(), phase: { kind: 'pending-on', dueAt } })

describe('rule phase store', () => {
  it('tells a moved due time, a new stage or a new hit from an unchanged state', () => {
    expect(sameRuleState(pending(5), pending(5))).toBe(true)
    expect(sameRuleState(pending(5), pending(6))).toBe(false)
    expect(sameRuleState(pending(5), { ...pending(5), stagePhases: [{ kind: 'active' }] })).toBe(false)
    expect(sameRuleState(initialRuleState(), { ...initialRuleState(), hits: [1] })).toBe(false)
    expect(sameRuleState(initialRuleState(), { ...initialRuleState(), suppressed: true })).toBe(false)
  })

  it('reads back what it wrote and refuses rows it does not understand', () => {
    const state: RuleState = { phase: { kind: 'pending-off', dueAt: 42 }, stagePhases: [{ kind: 'idle' }], suppressed: false, hits: [1, 2], lastHitAt: 2 }
    expect(parseRuleState(JSON.stringify(state))).toEqual(state)
    expect(parseRuleState('{')).toBeNull()
    expect(parseRuleState(JSON.stringify({ ...state, phase: { kind: 'pending-on' } }))).toBeNull()
    expect(parseRuleState(JSON.stringify({ ...state, phase: { kind: 'sleeping' } }))).toBeNull()
    expect(parseRuleState(JSON.stringify({ ...state, hits: ['x'] }))).toBeNull()
  })
})
