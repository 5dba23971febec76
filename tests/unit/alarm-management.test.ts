// Shelving, suppression by design, out of service and escalation (DOMAIN.md §4.2 A9-A12), every
// transition allowed and refused, with the history entry it appends.
import { describe, expect, it } from 'vitest'
import { newAlarm, transitionAlarm, type AlarmInput } from '../../services/core/alarms/alarm-lifecycle.js'
import type { Alarm, AlarmState, Priority } from '../../services/core/model.js'

const T0 = Date.UTC(2026, 0, 1)
const AT = T0 + 60_000
const ISO_AT = new Date(AT).toISOString()

function alarmIn(state: AlarmState, patch: Partial<Alarm> = {}): Alarm {
  const { alarm } = newAlarm({ id: 'a1', siteId: 's', deviceId: 'd', deviceType: 'fire-door', ruleId: 'FD-02', priority: 3, title: 't', drill: false, at: T0 })
  const active = !['rtn-unacked', 'latched', 'normal'].includes(state)
  return { ...alarm, state, active, acked: state === 'acked' || state === 'normal', ...patch }
}

const shelve = (minutes = 120, mayShelveP2 = false): AlarmInput => ({ kind: 'shelve', at: AT, actor: 'op1', minutes, reason: 'door wedged for a delivery', mayShelveP2 })
const unshelve: AlarmInput = { kind: 'unshelve', at: AT, actor: 'op1' }
const expired: AlarmInput = { kind: 'shelve-expired', at: AT }
const suppress: AlarmInput = { kind: 'suppress', at: AT, reason: 'fire in zone Z3 (FD-05 supersedes)' }
const unsuppress: AlarmInput = { kind: 'unsuppress', at: AT }
const oos: AlarmInput = { kind: 'out-of-service', at: AT, actor: 'sup1', workOrderId: 'WO-7', reason: 'closer replaced' }
const rts: AlarmInput = { kind: 'return-to-service', at: AT, actor: 'sup1', note: 'done' }
const escalate = (priority: Priority): AlarmInput => ({ kind: 'escalate', at: AT, priority })
const shelvedUntil = new Date(AT - 1).toISOString()

interface Allowed {
  name: string
  from: AlarmState
  patch?: Partial<Alarm>
  input: AlarmInput
  to: AlarmState
  expected: Partial<Alarm>
  entry: { actor: string; action: string; note?: string | null }
}

const allowed: Allowed[] = [
  { name: 'A9 an operator shelves an unacked P3 for 2 h with a reason', from: 'unacked', input: shelve(), to: 'shelved',
    expected: { shelvedUntil: new Date(AT + 120 * 60_000).toISOString(), active: true }, entry: { actor: 'op1', action: 'shelve' } },
  { name: 'A9 an acked alarm can be shelved', from: 'acked', input: shelve(30), to: 'shelved', expected: {}, entry: { actor: 'op1', action: 'shelve' } },
  { name: 'A9 an rtn-unacked alarm can be shelved', from: 'rtn-unacked', input: shelve(30), to: 'shelved', expected: { active: false }, entry: { actor: 'op1', action: 'shelve' } },
  { name: 'A9 a normal alarm can be shelved', from: 'normal', input: shelve(30), to: 'shelved', expected: {}, entry: { actor: 'op1', action: 'shelve' } },
  { name: 'A9 the full 8 h is allowed', from: 'unacked', input: shelve(480), to: 'shelved', expected: { shelvedUntil: new Date(AT + 480 * 60_000).toISOString() }, entry: { actor: 'op1', action: 'shelve' } },
  { name: 'A9 a supervisor may shelve a P2', from: 'unacked', patch: { priority: 2 }, input: shelve(60, true), to: 'shelved', expected: { priority: 2 }, entry: { actor: 'op1', action: 'shelve' } },
  { name: 'A10 unshelving an alarm whose condition holds re-annunciates it', from: 'shelved', patch: { active: true, acked: true, shelvedUntil }, input: unshelve, to: 'unacked',
    expected: { acked: false, shelvedUntil: null }, entry: { actor: 'op1', action: 'unshelve' } },
  { name: 'A10 unshelving an alarm whose condition cleared ends it', from: 'shelved', patch: { active: false, shelvedUntil }, input: unshelve, to: 'normal',
    expected: { shelvedUntil: null }, entry: { actor: 'op1', action: 'unshelve' } },
  { name: 'A10 shelf expiry with the condition still true re-annunciates (system)', from: 'shelved', patch: { active: true, shelvedUntil }, input: expired, to: 'unacked',
    expected: { acked: false }, entry: { actor: 'system', action: 'shelve-expired' } },
  { name: 'A10 shelf expiry after the condition cleared ends the alarm', from: 'shelved', patch: { active: false, shelvedUntil }, input: expired, to: 'normal',
    expected: {}, entry: { actor: 'system', action: 'shelve-expired' } },
  { name: 'A11 suppression hides an unacked alarm with the reason in its history', from: 'unacked', input: suppress, to: 'suppressed', expected: { active: true },
    entry: { actor: 'system', action: 'suppress', note: 'fire in zone Z3 (FD-05 supersedes)' } },
  { name: 'A11 suppression hides an acked alarm', from: 'acked', input: suppress, to: 'suppressed', expected: {}, entry: { actor: 'system', action: 'suppress' } },
  { name: 'A11 suppression hides an rtn-unacked alarm', from: 'rtn-unacked', input: suppress, to: 'suppressed', expected: {}, entry: { actor: 'system', action: 'suppress' } },
  { name: 'A11 unsuppress closes the alarm (the engine re-evaluates afresh)', from: 'suppressed', patch: { active: true }, input: unsuppress, to: 'normal',
    expected: { active: false, clearedAt: ISO_AT }, entry: { actor: 'system', action: 'unsuppress' } },
  { name: 'A12 out of service records the work order', from: 'unacked', input: oos, to: 'out-of-service',
    expected: { outOfServiceWorkOrderId: 'WO-7', workOrderIds: ['WO-7'] }, entry: { actor: 'sup1', action: 'out-of-service', note: 'closer replaced (work order WO-7)' } },
  { name: 'A12 a shelved alarm can be taken out of service (the shelf ends)', from: 'shelved', patch: { shelvedUntil }, input: oos, to: 'out-of-service',
    expected: { shelvedUntil: null }, entry: { actor: 'sup1', action: 'out-of-service' } },
  { name: 'A12 a suppressed alarm can be taken out of service', from: 'suppressed', input: oos, to: 'out-of-service', expected: {}, entry: { actor: 'sup1', action: 'out-of-service' } },
  { name: 'A12 return to service with the condition true re-annunciates', from: 'out-of-service', patch: { active: true, outOfServiceWorkOrderId: 'WO-7' }, input: rts, to: 'unacked',
    expected: { acked: false, outOfServiceWorkOrderId: null }, entry: { actor: 'sup1', action: 'return-to-service', note: 'done' } },
  { name: 'A12 return to service with the condition cleared ends the alarm', from: 'out-of-service', patch: { active: false }, input: rts, to: 'normal',
    expected: {}, entry: { actor: 'sup1', action: 'return-to-service' } },
  { name: 'escalation re-annunciates an acked alarm at the higher priority', from: 'acked', input: escalate(2), to: 'unacked',
    expected: { priority: 2, acked: false }, entry: { actor: 'system', action: 'escalate', note: 'P3 → P2' } },
  { name: 'escalation of an unacked alarm raises its priority', from: 'unacked', input: escalate(2), to: 'unacked', expected: { priority: 2 }, entry: { actor: 'system', action: 'escalate' } },
  { name: 'escalation brings a shelved alarm back', from: 'shelved', patch: { active: true, shelvedUntil: new Date(AT + 3_600_000).toISOString() }, input: escalate(1), to: 'unacked',
    expected: { priority: 1, shelvedUntil: null }, entry: { actor: 'system', action: 'escalate' } },
  { name: 'escalation keeps a suppressed alarm suppressed', from: 'suppressed', input: escalate(2), to: 'suppressed', expected: { priority: 2 }, entry: { actor: 'system', action: 'escalate' } },
  { name: 'while shelved the condition clearing only moves `active`', from: 'shelved', patch: { active: true }, input: { kind: 'condition-false', at: AT, latched: false }, to: 'shelved',
    expected: { active: false, clearedAt: ISO_AT }, entry: { actor: 'system', action: 'condition-cleared' } },
  { name: 'while suppressed the condition returning only moves `active` and counts', from: 'suppressed', patch: { active: false }, input: { kind: 'condition-true', at: AT, latched: false }, to: 'suppressed',
    expected: { active: true, occurrences: 2 }, entry: { actor: 'system', action: 'condition-returned' } },
  { name: 'while out of service a latching rule clearing does not latch', from: 'out-of-service', patch: { active: true }, input: { kind: 'condition-false', at: AT, latched: true }, to: 'out-of-service',
    expected: { active: false }, entry: { actor: 'system', action: 'condition-cleared' } },
  { name: 'a chattering reactivation is flagged and counted', from: 'rtn-unacked', patch: { active: false, occurrences: 2 }, input: { kind: 'condition-true', at: AT, latched: false, chattering: true }, to: 'unacked',
    expected: { chattering: true, occurrences: 3 }, entry: { actor: 'system', action: 'reactivated-chattering' } },
  { name: 'the chattering flag clears after a quiet period', from: 'acked', patch: { chattering: true }, input: { kind: 'chattering-cleared', at: AT }, to: 'acked',
    expected: { chattering: false }, entry: { actor: 'system', action: 'chattering-cleared' } },
]

interface Refused { name: string; from: AlarmState; patch?: Partial<Alarm>; input: AlarmInput; code: string }

const refusedCases: Refused[] = [
  { name: 'A9 a P1 can never be shelved, even by a supervisor', from: 'unacked', patch: { priority: 1 }, input: shelve(60, true), code: 'ALARM_NOT_SHELVABLE' },
  { name: 'A9 an operator may not shelve a P2', from: 'unacked', patch: { priority: 2 }, input: shelve(60, false), code: 'FORBIDDEN' },
  { name: 'A9 9 h is longer than the 8 h limit', from: 'unacked', input: shelve(540), code: 'VALIDATION_FAILED' },
  { name: 'A9 zero minutes is refused', from: 'unacked', input: shelve(0), code: 'VALIDATION_FAILED' },
  { name: 'A9 a reason is required', from: 'unacked', input: { kind: 'shelve', at: AT, actor: 'op1', minutes: 10, reason: '  ', mayShelveP2: false }, code: 'VALIDATION_FAILED' },
  { name: 'A9 a latched alarm waits for its reset, not a shelf', from: 'latched', input: shelve(), code: 'ALARM_TRANSITION_NOT_ALLOWED' },
  { name: 'A9 shelving twice is a conflict', from: 'shelved', input: shelve(), code: 'ALARM_TRANSITION_NOT_ALLOWED' },
  { name: 'A9 a suppressed alarm cannot be shelved', from: 'suppressed', input: shelve(), code: 'ALARM_TRANSITION_NOT_ALLOWED' },
  { name: 'A10 unshelving an alarm that is not shelved is a conflict', from: 'acked', input: unshelve, code: 'ALARM_TRANSITION_NOT_ALLOWED' },
  { name: 'A12 a latched alarm cannot go out of service', from: 'latched', input: oos, code: 'ALARM_TRANSITION_NOT_ALLOWED' },
  { name: 'A12 out of service twice is a conflict', from: 'out-of-service', input: oos, code: 'ALARM_TRANSITION_NOT_ALLOWED' },
  { name: 'A12 a work order id is required', from: 'unacked', input: { ...oos, workOrderId: ' ' } as AlarmInput, code: 'VALIDATION_FAILED' },
  { name: 'A12 return to service of an alarm in service is a conflict', from: 'acked', input: rts, code: 'ALARM_TRANSITION_NOT_ALLOWED' },
  { name: 'acknowledging a shelved alarm is a conflict', from: 'shelved', input: { kind: 'ack', at: AT, actor: 'op1', note: null }, code: 'ALARM_TRANSITION_NOT_ALLOWED' },
  { name: 'resetting a suppressed alarm is a conflict', from: 'suppressed', patch: { active: false }, input: { kind: 'reset', at: AT, actor: 'op1', note: 'x' }, code: 'ALARM_TRANSITION_NOT_ALLOWED' },
]

interface NoOp { name: string; from: AlarmState; patch?: Partial<Alarm>; input: AlarmInput }

const noOps: NoOp[] = [
  { name: 'A11 a latched alarm is not suppressed: it still needs its "end of alarm"', from: 'latched', input: suppress },
  { name: 'A11 a shelved alarm stays shelved when suppression starts', from: 'shelved', input: suppress },
  { name: 'A11 suppressing twice changes nothing', from: 'suppressed', input: suppress },
  { name: 'A11 unsuppress of an alarm that is not suppressed changes nothing', from: 'acked', input: unsuppress },
  { name: 'A10 a stale expiry timer (shelf extended) changes nothing', from: 'shelved', patch: { shelvedUntil: new Date(AT + 1000).toISOString() }, input: expired },
  { name: 'escalation never lowers the priority', from: 'acked', patch: { priority: 2 }, input: escalate(3) },
  { name: 'escalation to the same priority changes nothing', from: 'acked', input: escalate(3) },
  { name: 'while shelved a condition that stays true is not a new entry', from: 'shelved', patch: { active: true }, input: { kind: 'condition-true', at: AT, latched: false } },
]

describe('alarm management transitions (DOMAIN.md §4.2 A9-A12)', () => {
  it.each(allowed)('$name', (c) => {
    const start = alarmIn(c.from, c.patch)
    const r = transitionAlarm(start, c.input)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.alarm.state).toBe(c.to)
    expect(r.alarm).toMatchObject(c.expected)
    expect(r.entry).toMatchObject({ at: ISO_AT, from: c.from, to: c.to, ...c.entry })
  })

  it.each(refusedCases)('$name', (c) => {
    expect(transitionAlarm(alarmIn(c.from, c.patch), c.input)).toMatchObject({ ok: false, code: c.code })
  })

  it.each(noOps)('$name', (c) => {
    const start = alarmIn(c.from, c.patch)
    const r = transitionAlarm(start, c.input)
    expect(r).toEqual({ ok: true, alarm: start, entry: null })
  })

  it('the shelve entry keeps the reason and the end of the shelf', () => {
    const r = transitionAlarm(alarmIn('unacked'), shelve(120))
    expect(r.ok && r.entry?.note).toBe(`door wedged for a delivery (120 min, until ${new Date(AT + 7_200_000).toISOString()})`)
  })

  it('a work order taken twice is listed once', () => {
    const r = transitionAlarm(alarmIn('acked', { workOrderIds: ['WO-7'] }), oos)
    expect(r.ok && r.alarm.workOrderIds).toEqual(['WO-7'])
  })
})
