import { describe, expect, it } from 'vitest'
import { stepCondition, type Phase } from '../../services/core/rules/condition-timer.js'

const idle: Phase = { kind: 'idle' }
describe('on-delay and off-delay arithmetic', () => {
  it('waits the on-delay before raising, measured from the first true observation', () => {
    const a = stepCondition(idle, { holds: true, clears: false }, 1000, 60_000, 5000)
    expect(a).toEqual({ phase: { kind: 'pending-on', dueAt: 61_000 }, action: null, wakeAt: 61_000 })
    const b = stepCondition(a.phase, { holds: true, clears: false }, 30_000, 60_000, 5000)
    expect(b.action).toBeNull()
    expect(b.wakeAt).toBe(61_000)
    expect(stepCondition(b.phase, { holds: true, clears: false }, 61_000, 60_000, 5000)).toMatchObject({ phase: { kind: 'active' }, action: 'raise' })
  })

  it('forgets a condition that went false before the on-delay ran out (no alarm)', () => {
    const a = stepCondition(idle, { holds: true, clears: false }, 0, 30_000, 0)
    expect(stepCondition(a.phase, { holds: false, clears: true }, 25_000, 30_000, 0)).toEqual({ phase: idle, action: null, wakeAt: null })
  })

  it('raises at once without an on-delay', () => {
    expect(stepCondition(idle, { holds: true, clears: false }, 0, 0, 0).action).toBe('raise')
  })

  it('stays active inside the deadband (neither raise nor clear condition holds)', () => {
    expect(stepCondition({ kind: 'active' }, { holds: false, clears: false }, 0, 60_000, 60_000)).toMatchObject({ phase: { kind: 'active' }, action: null })
  })

  it('clears only after the clear condition held for the off-delay', () => {
    const a = stepCondition({ kind: 'active' }, { holds: false, clears: true }, 0, 0, 10_000)
    expect(a).toMatchObject({ phase: { kind: 'pending-off', dueAt: 10_000 }, action: null })
    expect(stepCondition(a.phase, { holds: true, clears: false }, 5000, 0, 10_000)).toMatchObject({ phase: { kind: 'active' }, action: null })
    expect(stepCondition(a.phase, { holds: false, clears: true }, 10_000, 0, 10_000)).toMatchObject({ phase: idle, action: 'clear' })
  })
})
