// The fire-door (DOMAIN.md §3.3) and access-door (§3.4) rules played through the pure evaluator
// (tests/helpers/rule-sim.ts): delays, clears, priorities, fire-zone suppression and linkage,
// offline handling and counting. Times in seconds.
import { describe, expect, it } from 'vitest'
import { ruleById } from '../../services/core/rules/catalog.js'
import { createOverrideCache } from '../../services/rules/rule-overrides.js'
import { simulateRule, type ScriptStep } from '../helpers/rule-sim.js'

type SimOpts = NonNullable<Parameters<typeof simulateRule>[2]>
interface Case {
  name: string
  rule: string
  script: ScriptStep[]
  opts?: SimOpts
  raisedAt: number | null
  priority?: number
  clearedAt?: number | null
  escalations?: Array<{ at: number; priority: number }>
  suppressed?: boolean
}

function check(c: Case): void {
  const r = simulateRule(c.rule, c.script, c.opts)
  expect(r.raisedAt, 'raised at').toBe(c.raisedAt)
  if (c.priority !== undefined) expect(r.raisedPriority, 'priority').toBe(c.priority)
  if (c.clearedAt !== undefined) expect(r.clearedAt, 'cleared at').toBe(c.clearedAt)
  if (c.escalations) expect(r.actions.flatMap((a) => (a.kind === 'escalate' ? [{ at: a.at, priority: a.priority }] : []))).toEqual(c.escalations)
  if (c.suppressed !== undefined) expect(r.actions.some((a) => a.kind === 'suppress'), 'suppressed').toBe(c.suppressed)
}

const NC = { attributes: { doorType: 'NC' } }
const NO = { attributes: { doorType: 'NO' } }
const open = { position: 'open' }
const closed = { position: 'closed' }

describe('FD-01 / FD-02 normally-closed fire door open (P4 at 10 s, P3 at 60 s)', () => {
  it.each<Case>([
    { name: 'FD-01 raises the P4 indicator after 10 s open', rule: 'FD-01', script: [{ at: 0, set: open }], opts: { ...NC, until: 20 }, raisedAt: 10, priority: 4 },
    { name: 'FD-01 does not raise for a door closed after 9 s', rule: 'FD-01', script: [{ at: 0, set: open }, { at: 9, set: closed }], opts: { ...NC, until: 30 }, raisedAt: null },
    { name: 'FD-01 reads the door type the door reports when the registry has none', rule: 'FD-01', script: [{ at: 0, set: { doorType: 'NC', ...open } }], opts: { until: 20 }, raisedAt: 10 },
    { name: 'FD-01 ignores a normally-open door held open', rule: 'FD-01', script: [{ at: 0, set: { ...open, holder: 'energized' } }], opts: { ...NO, until: 100 }, raisedAt: null },
    { name: 'FD-01 does not raise on an unknown position', rule: 'FD-01', script: [{ at: 0, set: { position: 'unknown' } }], opts: { ...NC, until: 100 }, raisedAt: null },
    { name: 'FD-01 clears after 5 s closed', rule: 'FD-01', script: [{ at: 0, set: open }, { at: 20, set: closed }], opts: { ...NC, until: 40 }, raisedAt: 10, clearedAt: 25 },
    { name: 'FD-01 does not clear when the door reopens within 5 s', rule: 'FD-01', script: [{ at: 0, set: open }, { at: 20, set: closed }, { at: 24, set: open }], opts: { ...NC, until: 60 }, raisedAt: 10, clearedAt: null },
    { name: 'FD-02 raises P3 after 60 s open (propped, scenario 10)', rule: 'FD-02', script: [{ at: 0, set: open }], opts: { ...NC, until: 80 }, raisedAt: 60, priority: 3 },
    { name: 'FD-02 does not raise for a door closed at 59 s', rule: 'FD-02', script: [{ at: 0, set: open }, { at: 59, set: closed }], opts: { ...NC, until: 200 }, raisedAt: null },
    { name: 'FD-02 returns to normal 5 s after the door closes', rule: 'FD-02', script: [{ at: 0, set: open }, { at: 90, set: closed }], opts: { ...NC, until: 120 }, raisedAt: 60, clearedAt: 95 },
    { name: 'FD-02 ignores a normally-open door', rule: 'FD-02', script: [{ at: 0, set: open }], opts: { ...NO, until: 200 }, raisedAt: null },
    { name: 'FD-02 raises on a position event', rule: 'FD-02', script: [{ at: 0, set: closed }, { at: 1, event: { event: 'position', position: 'open' }, set: open }], opts: { ...NC, until: 80 }, raisedAt: 61 },
  ])('$name', check)

  it.each<Case>([
    { name: 'FD-01 is suppressed by design during a fire in its zone (FD-05 supersedes)', rule: 'FD-01', script: [{ at: 0, fire: { zone: true, building: true }, set: open }], opts: { ...NC, until: 200 }, raisedAt: null, suppressed: true },
    { name: 'FD-02 is suppressed by design during a fire in its zone', rule: 'FD-02', script: [{ at: 0, fire: { zone: true, building: true }, set: open }], opts: { ...NC, until: 200 }, raisedAt: null, suppressed: true },
    { name: 'FD-02 already raised is suppressed when a fire starts in its zone', rule: 'FD-02', script: [{ at: 0, set: open }, { at: 70, fire: { zone: true, building: true } }], opts: { ...NC, until: 200 }, raisedAt: 60, suppressed: true },
    { name: 'FD-02 is not suppressed by a fire in another zone of the building', rule: 'FD-02', script: [{ at: 0, fire: { zone: false, building: true }, set: open }], opts: { ...NC, until: 80 }, raisedAt: 60, suppressed: false },
    { name: 'FD-02 starts afresh when the fire in its zone clears with the door still open', rule: 'FD-02', script: [{ at: 0, fire: { zone: true, building: true }, set: open }, { at: 100, fire: { zone: false, building: false } }], opts: { ...NC, until: 200 }, raisedAt: 160 },
  ])('$name', check)
})

describe('FD-03 released without a fire, FD-04 monitor fault or offline, FD-06 closer fault', () => {
  const held = { position: 'open', holder: 'energized' }
  const released = { holder: 'released', position: 'closed' }
  it.each<Case>([
    { name: 'FD-03 raises P4 5 s after a normally-open door is released without a fire', rule: 'FD-03', script: [{ at: 0, set: held }, { at: 1, event: { event: 'release', cause: 'manual_button' }, set: released }], opts: { ...NO, until: 20 }, raisedAt: 6, priority: 4 },
    { name: 'FD-03 does not raise when the holder is re-energized within 5 s', rule: 'FD-03', script: [{ at: 0, set: held }, { at: 1, set: released }, { at: 5, set: held }], opts: { ...NO, until: 20 }, raisedAt: null },
    { name: 'FD-03 does not raise on a release during a fire in the zone', rule: 'FD-03', script: [{ at: 0, set: held }, { at: 1, fire: { zone: true, building: true }, set: released }], opts: { ...NO, until: 20 }, raisedAt: null },
    { name: 'FD-03 does not raise when the linkage commanded the release', rule: 'FD-03', script: [{ at: 0, set: held }, { at: 1, set: { ...released, releaseCmd: true } }], opts: { ...NO, until: 20 }, raisedAt: null },
    { name: 'FD-03 does not raise when the door reports the fire linkage released it', rule: 'FD-03', script: [{ at: 0, set: held }, { at: 1, event: { event: 'release', cause: 'fire_linkage' }, set: released }], opts: { ...NO, until: 20 }, raisedAt: null },
    { name: 'FD-03 raises on a later release without a cause once the holder was energized again', rule: 'FD-03',
      script: [{ at: 0, set: held }, { at: 1, event: { event: 'release', cause: 'fire_linkage' }, set: released }, { at: 30, set: held }, { at: 40, set: released }], opts: { ...NO, until: 60 }, raisedAt: 45 },
    { name: 'FD-03 ignores normally-closed doors', rule: 'FD-03', script: [{ at: 0, set: released }], opts: { ...NC, until: 20 }, raisedAt: null },
    { name: 'FD-03 clears when the door is held open again', rule: 'FD-03', script: [{ at: 0, set: held }, { at: 1, set: released }, { at: 30, set: held }], opts: { ...NO, until: 40 }, raisedAt: 6, clearedAt: 30 },
    { name: 'FD-04 raises P3 after a wiring fault lasts 30 s', rule: 'FD-04', script: [{ at: 0, set: { fault: 'wiring_open' } }], opts: { until: 40 }, raisedAt: 30, priority: 3 },
    { name: 'FD-04 does not raise for a fault cleared at 29 s', rule: 'FD-04', script: [{ at: 0, set: { fault: 'wiring_short' } }, { at: 29, set: { fault: 'none' } }], opts: { until: 100 }, raisedAt: null },
    { name: 'FD-04 raises P3 at once when the door monitor goes offline (whileOffline)', rule: 'FD-04', script: [{ at: 0, set: closed }, { at: 10, online: false }], opts: { until: 20 }, raisedAt: 10, priority: 3 },
    { name: 'FD-04 clears 60 s after the monitor is back online', rule: 'FD-04', script: [{ at: 0, set: closed }, { at: 10, online: false }, { at: 100, online: true }], opts: { until: 200 }, raisedAt: 10, clearedAt: 160 },
    { name: 'FD-04 clears 60 s after the fault is cleared', rule: 'FD-04', script: [{ at: 0, set: { fault: 'module_offline' } }, { at: 40, set: { fault: 'none' } }], opts: { until: 200 }, raisedAt: 30, clearedAt: 100 },
    { name: 'FD-04 does not clear when the fault returns within 60 s', rule: 'FD-04', script: [{ at: 0, set: { fault: 'module_offline' } }, { at: 40, set: { fault: 'none' } }, { at: 90, set: { fault: 'wiring_open' } }], opts: { until: 300 }, raisedAt: 30, clearedAt: null },
    { name: 'FD-06 raises P3 after the closer is faulty for 60 s', rule: 'FD-06', script: [{ at: 0, set: { closer: 'fault' } }], opts: { until: 70 }, raisedAt: 60, priority: 3 },
    { name: 'FD-06 does not raise at 59 s', rule: 'FD-06', script: [{ at: 0, set: { closer: 'fault' } }, { at: 59, set: { closer: 'ok' } }], opts: { until: 200 }, raisedAt: null },
    { name: 'FD-06 clears after the closer is ok for 60 s', rule: 'FD-06', script: [{ at: 0, set: { closer: 'fault' } }, { at: 100, set: { closer: 'ok' } }], opts: { until: 200 }, raisedAt: 60, clearedAt: 160 },
  ])('$name', check)
})

describe('FD-05 fire door did not close on fire (P1, 60 s after the fire signal)', () => {
  it.each<Case>([
    { name: 'raises P1 for a normally-open door still open 60 s after a fire in its zone (scenario 11, FD-Z3-2)', rule: 'FD-05', script: [{ at: 0, set: { position: 'open', holder: 'energized' } }, { at: 1, fire: { zone: true, building: true } }], opts: { ...NO, until: 100 }, raisedAt: 61, priority: 1 },
    { name: 'does not raise for a door that reports closed at 20 s (scenario 11, FD-Z3-1)', rule: 'FD-05', script: [{ at: 0, set: { position: 'open' } }, { at: 1, fire: { zone: true, building: true } }, { at: 21, set: closed }], opts: { ...NO, until: 200 }, raisedAt: null },
    { name: 'does not raise for a door that closes just before 60 s', rule: 'FD-05', script: [{ at: 0, set: { position: 'open' } }, { at: 1, fire: { zone: true, building: true } }, { at: 60.9, set: closed }], opts: { ...NO, until: 200 }, raisedAt: null },
    { name: 'raises P1 for a normally-closed door open during the fire', rule: 'FD-05', script: [{ at: 0, set: open }, { at: 1, fire: { zone: true, building: true } }], opts: { ...NC, until: 100 }, raisedAt: 61, priority: 1 },
    { name: 'does not raise for a closed door', rule: 'FD-05', script: [{ at: 0, set: closed }, { at: 1, fire: { zone: true, building: true } }], opts: { ...NC, until: 200 }, raisedAt: null },
    { name: 'does not raise for a fire in another zone of the building', rule: 'FD-05', script: [{ at: 0, set: open }, { at: 1, fire: { zone: false, building: true } }], opts: { ...NO, until: 200 }, raisedAt: null },
    { name: 'does not raise without a fire', rule: 'FD-05', script: [{ at: 0, set: open }], opts: { ...NO, until: 200 }, raisedAt: null },
    { name: 'clears when the door closes (not latched)', rule: 'FD-05', script: [{ at: 0, set: open }, { at: 1, fire: { zone: true, building: true } }, { at: 90, set: closed }], opts: { ...NO, until: 200 }, raisedAt: 61, clearedAt: 90 },
    { name: 'clears when the fire is cleared', rule: 'FD-05', script: [{ at: 0, set: open }, { at: 1, fire: { zone: true, building: true } }, { at: 90, fire: { zone: false, building: false } }], opts: { ...NO, until: 200 }, raisedAt: 61, clearedAt: 90 },
  ])('$name', check)

  it('opens an E2 emergency and is not latched', () => expect(ruleById('FD-05')).toMatchObject({ priority: 1, emergency: 'E2', latched: false, skills: ['FIRE', 'SECURITY'] }))
})

describe('AC-01 forced open, AC-02 held open, AC-04 tamper (access doors)', () => {
  const forced = { event: 'forced_open' }
  it.each<Case>([
    { name: 'AC-01 raises P2 at once for a forced plant-room door (level 3, scenario 12)', rule: 'AC-01', script: [{ at: 0, event: { ...forced, requiredLevel: 3 }, set: { doorState: 'open' } }], opts: { attributes: { requiredLevel: 3 } }, raisedAt: 0, priority: 2 },
    { name: 'AC-01 raises P2 for a forced level-4 door', rule: 'AC-01', script: [{ at: 0, event: forced, set: { doorState: 'open' } }], opts: { attributes: { requiredLevel: 4 } }, raisedAt: 0, priority: 2 },
    { name: 'AC-01 raises P2 for a forced perimeter door of a low level', rule: 'AC-01', script: [{ at: 0, event: forced, set: { doorState: 'open' } }], opts: { attributes: { requiredLevel: 1, perimeter: true } }, raisedAt: 0, priority: 2 },
    { name: 'AC-01 raises P3 for a forced level-2 inner door', rule: 'AC-01', script: [{ at: 0, event: forced, set: { doorState: 'open' } }], opts: { attributes: { requiredLevel: 2 } }, raisedAt: 0, priority: 3 },
    { name: 'AC-01 takes the level the door reports in the event', rule: 'AC-01', script: [{ at: 0, event: { ...forced, requiredLevel: 3 }, set: { doorState: 'open' } }], raisedAt: 0, priority: 2 },
    { name: 'AC-01 does not raise on a granted entry', rule: 'AC-01', script: [{ at: 0, event: { event: 'granted', requiredLevel: 3 }, set: { doorState: 'open' } }], opts: { attributes: { requiredLevel: 3 } }, raisedAt: null },
    { name: 'AC-01 does not raise on an exit request', rule: 'AC-01', script: [{ at: 0, event: { event: 'rex' }, set: { doorState: 'open' } }], raisedAt: null },
    { name: 'AC-01 clears when the door is closed', rule: 'AC-01', script: [{ at: 0, event: forced, set: { doorState: 'open' } }, { at: 20, event: { event: 'door_closed' }, set: { doorState: 'closed' } }], opts: { until: 30 }, raisedAt: 0, clearedAt: 20 },
    { name: 'AC-02 raises P4 after the door is held open 30 s (scenario 12)', rule: 'AC-02', script: [{ at: 0, set: { doorState: 'open' } }], opts: { until: 40 }, raisedAt: 30, priority: 4 },
    { name: 'AC-02 does not raise for a door closed at 29 s', rule: 'AC-02', script: [{ at: 0, set: { doorState: 'open' } }, { at: 29, set: { doorState: 'closed' } }], opts: { until: 200 }, raisedAt: null },
    { name: 'AC-02 escalates to P3 at 120 s', rule: 'AC-02', script: [{ at: 0, set: { doorState: 'open' } }], opts: { until: 200 }, raisedAt: 30, priority: 4, escalations: [{ at: 120, priority: 3 }] },
    { name: 'AC-02 does not escalate when the door closes at 119 s', rule: 'AC-02', script: [{ at: 0, set: { doorState: 'open' } }, { at: 119, set: { doorState: 'closed' } }], opts: { until: 200 }, raisedAt: 30, escalations: [], clearedAt: 119 },
    { name: 'AC-02 follows the held_open event of the controller', rule: 'AC-02', script: [{ at: 0, event: { event: 'held_open' }, set: { doorState: 'open' } }], opts: { until: 40 }, raisedAt: 30 },
    { name: 'AC-02 waits a door\'s own heldOpenSec', rule: 'AC-02', script: [{ at: 0, set: { doorState: 'open' } }], opts: { until: 200, params: { onDelaySec: 45 } }, raisedAt: 45, priority: 4 },
    { name: 'AC-04 raises P2 at once on tamper', rule: 'AC-04', script: [{ at: 0, event: { event: 'tamper' }, set: { tamper: true } }], raisedAt: 0, priority: 2 },
    { name: 'AC-04 clears when tamper is reported false', rule: 'AC-04', script: [{ at: 0, set: { tamper: true } }, { at: 30, set: { tamper: false } }], raisedAt: 0, clearedAt: 30 },
    { name: 'AC-04 does not raise on a healthy controller', rule: 'AC-04', script: [{ at: 0, set: { tamper: false, mains: true } }], raisedAt: null },
  ])('$name', check)

  it('AC-02 takes the registry\'s heldOpenSec as its first delay unless a device override says otherwise', () => {
    const rule = ruleById('AC-02')!
    const cache = createOverrideCache()
    const device = { id: 'door-1', siteId: 'S1', attributes: { heldOpenSec: 45 } }
    expect(cache.resolve(rule, device).params).toMatchObject({ onDelaySec: 45, stage2DelaySec: 120 })
    expect(cache.resolve(rule, { ...device, attributes: {} }).params).toMatchObject({ onDelaySec: 30 })
    cache.put({ scope: 'device', scopeId: 'door-1', ruleId: 'AC-02', enabled: null, params: { onDelaySec: 20 }, updatedAt: '2026-01-01T00:00:00.000Z', updatedBy: 'admin' })
    expect(cache.resolve(rule, device).params.onDelaySec).toBe(20)
  })
})

describe('AC-03 repeated denials (P3, 5 within 60 s at one reader)', () => {
  const denied = (at: number): ScriptStep => ({ at, event: { event: 'denied', reason: 'no_permission' } })
  it.each<Case>([
    { name: 'raises P3 on the 5th denial within 60 s (scenario 12)', rule: 'AC-03', script: [0, 10, 20, 30, 40].map(denied), raisedAt: 40, priority: 3 },
    { name: 'does not raise on the 4th', rule: 'AC-03', script: [0, 10, 20, 30].map(denied), opts: { until: 700 }, raisedAt: null },
    { name: 'does not raise when the 5 denials spread over more than 60 s', rule: 'AC-03', script: [0, 15, 30, 45, 60].map(denied), opts: { until: 100 }, raisedAt: null },
    { name: 'raises on the 5th within a sliding 60 s window', rule: 'AC-03', script: [0, 15, 30, 45, 60, 61].map(denied), raisedAt: 61 },
    { name: 'does not count granted entries between denials', rule: 'AC-03', script: [denied(0), denied(5), { at: 6, event: { event: 'granted' } }, { at: 7, event: { event: 'granted' } }, denied(10), denied(15)], opts: { until: 100 }, raisedAt: null },
    { name: 'clears after 10 min without a denial', rule: 'AC-03', script: [0, 10, 20, 30, 40].map(denied), opts: { until: 700 }, raisedAt: 40, clearedAt: 640 },
    { name: 'a further denial restarts the 10 min quiet period', rule: 'AC-03', script: [...[0, 10, 20, 30, 40].map(denied), denied(500)], opts: { until: 1200 }, raisedAt: 40, clearedAt: 1100 },
  ])('$name', check)
})

describe('AC-05 controller offline or on battery, AC-06 evacuation door not unlocked on fire, AC-07 record only', () => {
  const evac = { attributes: { evacuationRoute: true } }
  it.each<Case>([
    { name: 'AC-05 raises P3 after mains is lost 60 s', rule: 'AC-05', script: [{ at: 0, event: { event: 'power_fail' }, set: { mains: false } }], opts: { until: 70 }, raisedAt: 60, priority: 3 },
    { name: 'AC-05 does not raise when mains returns at 59 s', rule: 'AC-05', script: [{ at: 0, set: { mains: false } }, { at: 59, set: { mains: true } }], opts: { until: 200 }, raisedAt: null },
    { name: 'AC-05 raises P3 at once when the controller goes offline (whileOffline)', rule: 'AC-05', script: [{ at: 0, set: { mains: true } }, { at: 10, online: false }], opts: { until: 20 }, raisedAt: 10, priority: 3 },
    { name: 'AC-05 clears 60 s after the controller is back online', rule: 'AC-05', script: [{ at: 0, set: { mains: true } }, { at: 10, online: false }, { at: 100, online: true }], opts: { until: 200 }, raisedAt: 10, clearedAt: 160 },
    { name: 'AC-05 clears 60 s after mains returns', rule: 'AC-05', script: [{ at: 0, set: { mains: false } }, { at: 100, set: { mains: true } }], opts: { until: 200 }, raisedAt: 60, clearedAt: 160 },
    { name: 'AC-06 raises P1 for an evacuation door still locked 10 s into a fire (scenario 11)', rule: 'AC-06', script: [{ at: 0, set: { lockState: 'locked' } }, { at: 1, fire: { zone: true, building: true }, event: { event: 'fire_unlock' } }], opts: { ...evac, until: 30 }, raisedAt: 11, priority: 1 },
    { name: 'AC-06 does not raise when the door unlocks at 9 s', rule: 'AC-06', script: [{ at: 0, set: { lockState: 'locked' } }, { at: 1, fire: { zone: true, building: true } }, { at: 10, set: { lockState: 'unlocked' } }], opts: { ...evac, until: 60 }, raisedAt: null },
    { name: 'AC-06 ignores doors that are not on an evacuation route', rule: 'AC-06', script: [{ at: 0, set: { lockState: 'locked' } }, { at: 1, fire: { zone: true, building: true } }], opts: { until: 60 }, raisedAt: null },
    { name: 'AC-06 ignores a fire in another zone', rule: 'AC-06', script: [{ at: 0, set: { lockState: 'locked' } }, { at: 1, fire: { zone: false, building: true } }], opts: { ...evac, until: 60 }, raisedAt: null },
    { name: 'AC-06 follows any fire in the building for a door with no zone', rule: 'AC-06', script: [{ at: 0, set: { lockState: 'locked' } }, { at: 1, fire: { zone: false, building: true } }], opts: { ...evac, zone: '', until: 60 }, raisedAt: 11 },
    { name: 'AC-06 clears when the door unlocks', rule: 'AC-06', script: [{ at: 0, set: { lockState: 'locked' } }, { at: 1, fire: { zone: true, building: true } }, { at: 30, set: { lockState: 'unlocked' } }], opts: { ...evac, until: 60 }, raisedAt: 11, clearedAt: 30 },
    { name: 'AC-06 clears when the fire is cleared', rule: 'AC-06', script: [{ at: 0, set: { lockState: 'locked' } }, { at: 1, fire: { zone: true, building: true } }, { at: 30, fire: { zone: false, building: false } }], opts: { ...evac, until: 60 }, raisedAt: 11, clearedAt: 30 },
    ...['granted', 'denied', 'rex', 'door_closed', 'antipassback'].map((event): Case => ({
      name: `AC-07 records a ${event} event without an alarm`, rule: 'AC-07', script: [{ at: 0, event: { event } }], opts: { until: 10 }, raisedAt: null,
    })),
  ])('$name', check)
})

describe('offline handling (DOMAIN.md §2): only the offline rules evaluate while a door is silent', () => {
  it.each(['FD-01', 'FD-02', 'FD-03', 'FD-05', 'FD-06', 'AC-01', 'AC-02', 'AC-03', 'AC-04', 'AC-06'])('%s does not evaluate while offline', (id) => {
    expect(ruleById(id)?.whileOffline).toBeFalsy()
  })
  it.each(['FD-04', 'AC-05'])('%s does', (id) => expect(ruleById(id)?.whileOffline).toBe(true))
  it('FD-02 does not raise while the door monitor is offline', () => {
    expect(simulateRule('FD-02', [{ at: 0, set: open }, { at: 10, online: false }], { ...NC, until: 200 }).raisedAt).toBeNull()
  })
})
