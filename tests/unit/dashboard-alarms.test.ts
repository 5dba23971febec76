// The wall display's alarm logic without a browser (dashboard/src/lib): which actions a role may
// take on an alarm in a state (CONTRACT.md §3, DOMAIN.md §4.2), what flashes, the list's order
// and flood grouping (§4.3), and which sound each alarm makes (§2 priority table).
import { describe, expect, it } from 'vitest'
import { alarmActions, formatSpan, isFlashing, shelfTimeLeft } from '../../dashboard/src/lib/alarm-view.js'
import { alarmCount, alarmRows, type GroupRow } from '../../dashboard/src/lib/alarm-rows.js'
import { P2_REPEAT_MS, planSounds, soundFor, type SoundMemory } from '../../dashboard/src/lib/sound-plan.js'
import type { Alarm, AlarmState, Priority, Role } from '../../dashboard/src/lib/api/types.js'

let seq = 0
const alarm = (over: Partial<Alarm> = {}): Alarm => ({
  id: `a${++seq}`, siteId: 'S1', deviceId: 'D1', deviceType: 'access-door', ruleId: 'AC-01', priority: 3, title: 'Door forced open',
  active: true, acked: false, state: 'unacked', shelvedUntil: null, chattering: false, emergencyId: null,
  raisedAt: '2026-01-01T08:00:00.000Z', ackedAt: null, ackedBy: null, clearedAt: null, occurrences: 1, workOrderIds: [], drill: false, ...over,
})

describe('alarm actions by role and state', () => {
  it.each<[string, Partial<Alarm>, Role, keyof ReturnType<typeof alarmActions>, boolean, RegExp?]>([
    ['an operator acknowledges an unacked alarm', {}, 'operator', 'ack', true],
    ['an acked alarm has nothing to acknowledge', { acked: true, state: 'acked' }, 'operator', 'ack', false],
    ['a viewer only watches', {}, 'viewer', 'ack', false, /viewer may only watch/],
    ['an engineer does not acknowledge from the wall', {}, 'engineer', 'ack', false],
    ['a latched alarm whose condition cleared can be ended', { state: 'latched', active: false }, 'operator', 'reset', true],
    ['a latched alarm whose condition holds cannot be ended yet', { state: 'latched', active: true }, 'operator', 'reset', false, /still holds/],
    ['only a latched alarm is reset', { state: 'acked', acked: true }, 'operator', 'reset', false],
    ['an operator shelves a P3', { priority: 3 }, 'operator', 'shelve', true],
    ['an operator shelves a P4', { priority: 4, state: 'acked', acked: true }, 'operator', 'shelve', true],
    ['an operator may not shelve a P2', { priority: 2 }, 'operator', 'shelve', false, /supervisor, manager or admin/],
    ['a supervisor shelves a P2', { priority: 2 }, 'supervisor', 'shelve', true],
    ['nobody shelves a P1, not even an admin', { priority: 1 }, 'admin', 'shelve', false, /never be shelved/],
    ['a latched alarm is reset, not shelved', { state: 'latched', active: false }, 'operator', 'shelve', false, /reset/],
    ['a shelved alarm is unshelved', { state: 'shelved' }, 'operator', 'unshelve', true],
    ['an active alarm goes out of service', {}, 'operator', 'outOfService', true],
    ['a latched alarm is ended before going out of service', { state: 'latched', active: false }, 'operator', 'outOfService', false],
    ['an out-of-service alarm returns to service', { state: 'out-of-service' }, 'manager', 'returnToService', true],
    ['an in-service alarm has nothing to return', {}, 'manager', 'returnToService', false],
  ])('%s', (_what, over, role, action, allowed, reason) => {
    const a = alarmActions(alarm(over), role)[action]
    expect(a.allowed).toBe(allowed)
    if (reason) expect(a.reason).toMatch(reason)
    if (!allowed) expect(a.reason).toBeTruthy()
  })
})

describe('flashing', () => {
  it.each<[string, Partial<Alarm>, boolean]>([
    ['unacked flashes', { state: 'unacked' }, true],
    ['returned to normal but unacked flashes', { state: 'rtn-unacked', active: false }, true],
    ['a latched alarm nobody acknowledged flashes', { state: 'latched', active: false }, true],
    ['acked is steady', { state: 'acked', acked: true }, false],
    ['a latched, acked alarm is steady', { state: 'latched', acked: true, active: false }, false],
    ['a chattering alarm stays steady after its first annunciation', { chattering: true, occurrences: 3 }, false],
  ])('%s', (_what, over, expected) => {
    expect(isFlashing(alarm(over))).toBe(expected)
  })
})

describe('alarm list rows', () => {
  const t = (min: number) => new Date(Date.UTC(2026, 0, 1, 8, min)).toISOString()

  it('orders by priority, then newest first', () => {
    const list = [alarm({ id: 'p3-old', priority: 3, raisedAt: t(1) }), alarm({ id: 'p1', priority: 1, raisedAt: t(0) }), alarm({ id: 'p3-new', priority: 3, raisedAt: t(5) }), alarm({ id: 'p2', priority: 2, raisedAt: t(9) })]
    expect(alarmRows(list, new Set()).map((r) => r.key)).toEqual(['p1', 'p2', 'p3-new', 'p3-old'])
  })

  it('in a flood keeps P1/P2 individual on top and folds P3/P4 into one row per device with a count', () => {
    const list = [
      alarm({ id: 'd1-p3', deviceId: 'D1', priority: 3, raisedAt: t(3) }),
      alarm({ id: 'd1-p4', deviceId: 'D1', priority: 4, raisedAt: t(4), acked: true, state: 'acked' }),
      alarm({ id: 'd2-p4', deviceId: 'D2', priority: 4, raisedAt: t(8) }),
      alarm({ id: 'p2', deviceId: 'D3', priority: 2, raisedAt: t(1) }),
      alarm({ id: 'p1', deviceId: 'D1', priority: 1, raisedAt: t(0) }),
    ]
    const rows = alarmRows(list, new Set(['S1']))
    expect(rows.map((r) => r.key)).toEqual(['p1', 'p2', 'group:S1/D1', 'group:S1/D2'])
    const d1 = rows[2] as GroupRow
    expect(d1).toMatchObject({ kind: 'group', deviceId: 'D1', priority: 3, unacked: 1, flashing: true })
    expect(d1.alarms.map((a) => a.id)).toEqual(['d1-p3', 'd1-p4'])
    expect(alarmCount(rows)).toBe(5)
  })

  it('groups only the sites in flood', () => {
    const rows = alarmRows([alarm({ id: 'a', siteId: 'S1' }), alarm({ id: 'b', siteId: 'S2' })], new Set(['S2']))
    expect(rows.map((r) => r.kind)).toEqual(['alarm', 'group'])
  })
})

describe('sound per alarm', () => {
  it.each<[string, Partial<Alarm>, boolean, ReturnType<typeof soundFor>]>([
    ['P1 unacked: siren', { priority: 1 }, false, 'siren'],
    ['P1 latched before anyone acknowledged: siren', { priority: 1, state: 'latched', active: false }, false, 'siren'],
    ['P1 acked: silent', { priority: 1, acked: true, state: 'acked' }, false, null],
    ['P1 in a flood: still the siren', { priority: 1 }, true, 'siren'],
    ['P2 unacked: tone', { priority: 2 }, false, 'tone'],
    ['P2 in a flood: still audible', { priority: 2 }, true, 'tone'],
    ['P3 unacked: chime', { priority: 3 }, false, 'chime'],
    ['P3 in a flood: silent', { priority: 3 }, true, null],
    ['P4: never a sound', { priority: 4 }, false, null],
    ['returned to normal unacked: flashes without sound', { priority: 2, state: 'rtn-unacked', active: false }, false, null],
    ['chattering: silent', { priority: 2, chattering: true }, false, null],
    ['shelved: silent', { priority: 3, state: 'shelved' }, false, null],
  ])('%s', (_what, over, flooded, expected) => {
    expect(soundFor(alarm(over), flooded)).toBe(expected)
  })
})

describe('sound plan over time', () => {
  const never = () => false
  const T0 = 1_000_000

  it('chimes once for a new P3 and not again while it waits', () => {
    const a = alarm({ priority: 3 })
    const first = planSounds(new Map(), [a], never, T0)
    expect(first).toMatchObject({ play: 'chime', siren: false })
    expect(planSounds(first.memory, [a], never, T0 + 60 * 60_000).play).toBeNull()
  })

  it('repeats a P2 tone every 5 minutes until acknowledged', () => {
    const a = alarm({ priority: 2 })
    let mem: SoundMemory = planSounds(new Map(), [a], never, T0).memory
    expect(planSounds(mem, [a], never, T0 + P2_REPEAT_MS - 1).play).toBeNull()
    const again = planSounds(mem, [a], never, T0 + P2_REPEAT_MS)
    expect(again.play).toBe('tone')
    mem = again.memory
    expect(planSounds(mem, [{ ...a, acked: true, state: 'acked' as AlarmState }], never, T0 + 2 * P2_REPEAT_MS).play).toBeNull()
  })

  it('keeps the siren on while any P1 waits, and the tone outranks a chime in the same moment', () => {
    const plan = planSounds(new Map(), [alarm({ priority: 1 }), alarm({ priority: 3 }), alarm({ priority: 2 })], never, T0)
    expect(plan).toMatchObject({ siren: true, play: 'tone' })
    expect(planSounds(plan.memory, [alarm({ priority: 1, acked: true, state: 'acked' })], never, T0 + 1).siren).toBe(false)
  })

  it('re-annunciates an alarm that comes back (RTNUN → UNACK) or is escalated', () => {
    const a = alarm({ priority: 3 })
    let mem = planSounds(new Map(), [a], never, T0).memory
    mem = planSounds(mem, [{ ...a, state: 'rtn-unacked', active: false }], never, T0 + 1).memory
    expect(planSounds(mem, [{ ...a, occurrences: 2 }], never, T0 + 2).play).toBe('chime')
    const escalated = planSounds(mem, [{ ...a, priority: 2 as Priority }], never, T0 + 3)
    expect(escalated.play).toBe('tone')
  })

  it('stays silent for P3 of a flooded site', () => {
    expect(planSounds(new Map(), [alarm({ priority: 3, siteId: 'S9' })], (s) => s === 'S9', T0).play).toBeNull()
  })
})

describe('time labels', () => {
  it.each([
    [45_000, '45 s'],
    [4 * 60_000, '4 min'],
    [(2 * 60 + 5) * 60_000, '2 h 05 min'],
    [-5_000, '0 s'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatSpan(ms)).toBe(text)
  })

  it('shows the time left on the shelf', () => {
    const a = alarm({ state: 'shelved', shelvedUntil: '2026-01-01T10:00:00.000Z' })
    expect(shelfTimeLeft(a, Date.parse('2026-01-01T08:00:30.000Z'))).toBe('1 h 59 min')
    expect(shelfTimeLeft(alarm(), 0)).toBeNull()
  })
})
