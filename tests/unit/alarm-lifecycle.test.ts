import { describe, expect, it } from 'vitest'
import { newAlarm, transitionAlarm, type AlarmInput } from '../../services/core/alarms/alarm-lifecycle.js'
import type { Alarm, AlarmState } from '../../services/core/model.js'

const T0 = Date.UTC(2026, 0, 1)
function alarmIn(state: AlarmState, patch: Partial<Alarm> = {}): Alarm {
  const { alarm } = newAlarm({ id: 'a1', siteId: 's', deviceId: 'd', deviceType: 'fire-door', ruleId: 'FD-02', priority: 3, title: 't', drill: false, at: T0 })
  const active = state === 'unacked' || state === 'acked'
  return { ...alarm, state, active, acked: state === 'acked' || state === 'normal', ...patch }
}
const ack: AlarmInput = { kind: 'ack', at: T0 + 1000, actor: 'op1', note: null }
const reset: AlarmInput = { kind: 'reset', at: T0 + 1000, actor: 'op1', note: 'on site, passenger released' }
const on = (latched = false): AlarmInput => ({ kind: 'condition-true', at: T0 + 1000, latched })
const off = (latched = false): AlarmInput => ({ kind: 'condition-false', at: T0 + 1000, latched })

describe('alarm lifecycle (DOMAIN.md §4.2)', () => {
  it('raises a new alarm unacknowledged and active, with a history entry by the system', () => {
    const { alarm, entry } = newAlarm({ id: 'x', siteId: 's', deviceId: 'd', deviceType: 'elevator', ruleId: 'EL-01', priority: 1, title: 't', drill: true, at: T0 })
    expect(alarm).toMatchObject({ state: 'unacked', active: true, acked: false, occurrences: 1, drill: true, raisedAt: new Date(T0).toISOString() })
    expect(entry).toMatchObject({ actor: 'system', from: null, to: 'unacked' })
  })

  it.each<[string, AlarmState, AlarmInput, AlarmState, Partial<Alarm>]>([
    ['A2 acknowledging an active alarm keeps it listed as acked', 'unacked', ack, 'acked', { acked: true, ackedBy: 'op1' }],
    ['A3 a cleared unacknowledged alarm waits as rtn-unacked', 'unacked', off(), 'rtn-unacked', { active: false }],
    ['A4 a cleared acknowledged alarm returns to normal', 'acked', off(), 'normal', { active: false }],
    ['A5 a latching rule latches instead of returning to normal (acked)', 'acked', off(true), 'latched', { active: false }],
    ['A5 a latching rule latches instead of rtn-unacked (unacked)', 'unacked', off(true), 'latched', { active: false, acked: false }],
    ['A6 acknowledging rtn-unacked ends the alarm', 'rtn-unacked', ack, 'normal', { acked: true }],
    ['A7 the condition returning re-annunciates and counts an occurrence', 'rtn-unacked', on(), 'unacked', { occurrences: 2, active: true }],
    ['A8 reset ends a latched alarm once the condition cleared', 'latched', reset, 'normal', { acked: true }],
    ['acknowledging a latched alarm keeps it latched until reset', 'latched', ack, 'latched', { acked: true }],
  ])('%s', (_name, from, input, to, expected) => {
    const start = alarmIn(from, from === 'rtn-unacked' || from === 'latched' ? { active: false, acked: false } : {})
    const r = transitionAlarm(start, input)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.alarm.state).toBe(to)
    expect(r.alarm).toMatchObject(expected)
    expect(r.entry).toMatchObject({ from, to })
  })

  it.each<[string, AlarmState, Partial<Alarm>, AlarmInput, string]>([
    ['acknowledging twice is a conflict', 'acked', {}, ack, 'ALARM_TRANSITION_NOT_ALLOWED'],
    ['acknowledging a normal alarm is a conflict', 'normal', { active: false }, ack, 'ALARM_TRANSITION_NOT_ALLOWED'],
    ['reset is refused while the condition holds', 'acked', {}, reset, 'ALARM_CONDITION_ACTIVE'],
    ['reset of an alarm that is not latched is refused', 'rtn-unacked', { active: false }, reset, 'ALARM_TRANSITION_NOT_ALLOWED'],
  ])('%s', (_name, from, patch, input, code) => {
    const r = transitionAlarm(alarmIn(from, patch), input)
    expect(r).toMatchObject({ ok: false, code })
  })

  it('a condition that stays true is one occurrence, not a new entry', () => {
    const r = transitionAlarm(alarmIn('acked'), on())
    expect(r).toMatchObject({ ok: true, entry: null })
    if (r.ok) expect(r.alarm.occurrences).toBe(1)
  })
})
