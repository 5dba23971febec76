// The elevator rules of DOMAIN.md §3.1 played through the pure evaluator (tests/helpers/rule-sim.ts):
// thresholds and delays, clear conditions and off-delays, priorities, latching, suppression by
// design (EL-11 inspection mode), offline handling, counting and calendars. Times in seconds.
import { describe, expect, it } from 'vitest'
import { ruleById } from '../../services/core/rules/catalog.js'
import { simulateRule, type ScriptStep } from '../helpers/rule-sim.js'

type SimOpts = NonNullable<Parameters<typeof simulateRule>[2]>
interface Case {
  name: string
  rule: string
  script: ScriptStep[]
  opts?: SimOpts
  /** When the rule raises (null: never within the script). */
  raisedAt: number | null
  priority?: number
  clearedAt?: number | null
  escalations?: Array<{ at: number; priority: number }>
  /** Whether the evaluator suppressed the rule by design at some point. */
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

/** The same telemetry every `step` seconds from `from` to `to` inclusive (heartbeats). */
const every = (from: number, to: number, step: number, set: ScriptStep['set']): ScriptStep[] => {
  const out: ScriptStep[] = []
  for (let t = from; t <= to; t += step) out.push({ at: t, ...(set ? { set } : {}) })
  return out
}

const DAY = 86_400
const HOUR = 3600
// DOMAIN.md §8 scenario 1: stopped between floors, doors closed, somebody inside.
const trapped = { serviceMode: 1, carStatus: 0, direction: 0, floor: 7, doorZone: false, doorClosed: true, occupied: true, loadPct: 35 }
const atLevel = { ...trapped, doorZone: true }
const released = { doorZone: true, doorClosed: false, occupied: false, loadPct: 0 }
const running = { serviceMode: 1, carStatus: 1, speed: 1.0, doorClosed: true, occupied: true, loadPct: 35, floor: 3 }

describe('EL-01 trapped between floors (P1, 30 s, latched)', () => {
  it.each<Case>([
    { name: 'raises P1 after 30 s stopped outside the door zone with the doors closed and somebody inside', rule: 'EL-01', script: [{ at: 0, set: trapped }], opts: { until: 60 }, raisedAt: 30, priority: 1 },
    { name: 'raises at 30 s while the car keeps reporting every second (scenario 1)', rule: 'EL-01', script: every(0, 30, 1, trapped), raisedAt: 30, priority: 1 },
    { name: 'does not raise when the car moves again just before 30 s (scenario 2)', rule: 'EL-01', script: [{ at: 0, set: trapped }, { at: 29.9, set: { carStatus: 1, speed: 1.0 } }], opts: { until: 120 }, raisedAt: null },
    { name: 'does not raise at a landing (inside the door zone)', rule: 'EL-01', script: [{ at: 0, set: atLevel }], opts: { until: 300 }, raisedAt: null },
    { name: 'does not raise with the doors open', rule: 'EL-01', script: [{ at: 0, set: { ...trapped, doorClosed: false } }], opts: { until: 120 }, raisedAt: null },
    { name: 'does not raise for an empty car (load below 5 %)', rule: 'EL-01', script: [{ at: 0, set: { ...trapped, occupied: false, loadPct: 4 } }], opts: { until: 120 }, raisedAt: null },
    { name: 'counts a load of 5 % as occupied', rule: 'EL-01', script: [{ at: 0, set: { ...trapped, occupied: false, loadPct: 5 } }], opts: { until: 60 }, raisedAt: 30, priority: 1 },
    { name: 'raises on emergency power (serviceMode 5)', rule: 'EL-01', script: [{ at: 0, set: { ...trapped, serviceMode: 5 } }], opts: { until: 60 }, raisedAt: 30 },
    { name: 'does not raise in fire return (serviceMode 3)', rule: 'EL-01', script: [{ at: 0, set: { ...trapped, serviceMode: 3 } }], opts: { until: 120 }, raisedAt: null },
    { name: 'raises at once on the controller\'s trapped fault (GB/T 24476 code 11), even at a landing', rule: 'EL-01', script: [{ at: 0, set: atLevel }, { at: 5, event: { event: 'fault', gbCode: '11', active: true }, set: { 'fault.11': true } }], opts: { until: 60 }, raisedAt: 5, priority: 1 },
  ])('$name', check)

  it.each<Case>([
    { name: 'is suppressed by design in inspection mode and never raises (scenario 2)', rule: 'EL-01', script: every(0, 120, 5, { ...trapped, serviceMode: 2 }), raisedAt: null, suppressed: true },
    { name: 'a pending trap timer is dropped when the car is switched to inspection', rule: 'EL-01', script: [{ at: 0, set: trapped }, { at: 20, set: { serviceMode: 2 } }], opts: { until: 200 }, raisedAt: null, suppressed: true },
    { name: 'a raised (latched) trap alarm is not suppressed by inspection mode, and clears once released', rule: 'EL-01',
      script: [{ at: 0, set: trapped }, { at: 40, set: { serviceMode: 2 } }, { at: 50, set: released }], opts: { until: 80 }, raisedAt: 30, clearedAt: 60, suppressed: false },
    { name: 'clears (to latched) after the doors are open and the car empty for 10 s', rule: 'EL-01', script: [{ at: 0, set: trapped }, { at: 40, set: released }], opts: { until: 80 }, raisedAt: 30, clearedAt: 50 },
    { name: 'does not clear when somebody is back in the car within the 10 s', rule: 'EL-01', script: [{ at: 0, set: trapped }, { at: 40, set: released }, { at: 45, set: { occupied: true } }], opts: { until: 200 }, raisedAt: 30, clearedAt: null },
    { name: 'does not clear while the doors are open but the car is still occupied', rule: 'EL-01', script: [{ at: 0, set: trapped }, { at: 40, set: { doorClosed: false, doorZone: true } }], opts: { until: 200 }, raisedAt: 30, clearedAt: null },
    { name: 'does not clear just because the car moves again (the passenger is still inside)', rule: 'EL-01', script: [{ at: 0, set: trapped }, { at: 40, set: { carStatus: 1, speed: 1 } }], opts: { until: 200 }, raisedAt: 30, clearedAt: null },
  ])('$name', check)

  it('is latched: the clear waits for the operator\'s "end of alarm" (DOMAIN.md §4.2 A5)', () => {
    expect(ruleById('EL-01')).toMatchObject({ latched: true, priority: 1, emergency: 'E3', skills: ['ELEVATOR'], params: { onDelaySec: 30, offDelaySec: 10 } })
  })
})

describe('EL-02 / EL-02b trapped at a landing', () => {
  const press = (at: number): ScriptStep[] => [{ at, set: { alarmButton: true } }, { at: at + 1, set: { alarmButton: false } }]
  it.each<Case>([
    { name: 'EL-02 raises P1 after 60 s closed at a landing with the door-open fault (code 03)', rule: 'EL-02', script: [{ at: 0, set: { ...atLevel, 'fault.03': true } }], opts: { until: 100 }, raisedAt: 60, priority: 1 },
    { name: 'EL-02 does not raise just before 60 s (the doors open at 59 s)', rule: 'EL-02', script: [{ at: 0, set: { ...atLevel, 'fault.03': true } }, { at: 59, set: { doorClosed: false } }], opts: { until: 200 }, raisedAt: null },
    { name: 'EL-02 raises P1 60 s after the passenger pressed the alarm button, even briefly', rule: 'EL-02', script: [{ at: 0, set: atLevel }, ...press(0), ...every(10, 70, 10, {})], raisedAt: 60, priority: 1 },
    { name: 'EL-02 raises when the button was pressed during the standstill, 60 s after it', rule: 'EL-02', script: [{ at: 0, set: atLevel }, ...press(30), ...every(40, 120, 10, {})], raisedAt: 90, priority: 1 },
    { name: 'EL-02 ignores a button press from before the car last moved', rule: 'EL-02', script: [{ at: 0, set: { ...running, alarmButton: true } }, { at: 2, set: { ...atLevel, alarmButton: false } }, ...every(10, 200, 10, {})], raisedAt: null },
    { name: 'EL-02 does not raise without a fault or an alarm-button press', rule: 'EL-02', script: [{ at: 0, set: atLevel }], opts: { until: 600 }, raisedAt: null },
    { name: 'EL-02 is suppressed by design in inspection mode', rule: 'EL-02', script: [{ at: 0, set: { ...atLevel, serviceMode: 2, 'fault.03': true } }], opts: { until: 200 }, raisedAt: null, suppressed: true },
    { name: 'EL-02 clears (to latched) once the doors are open and the car empty for 10 s', rule: 'EL-02', script: [{ at: 0, set: { ...atLevel, 'fault.03': true } }, { at: 70, set: { ...released, 'fault.03': false } }], opts: { until: 100 }, raisedAt: 60, clearedAt: 80 },
    { name: 'EL-02b raises P2 after 180 s occupied and closed at a landing with no fault or button', rule: 'EL-02b', script: [{ at: 0, set: atLevel }], opts: { until: 240 }, raisedAt: 180, priority: 2 },
    { name: 'EL-02b does not raise just before 180 s (the passenger walks out at 179 s)', rule: 'EL-02b', script: [{ at: 0, set: atLevel }, { at: 179, set: { doorClosed: false, occupied: false, loadPct: 0 } }], opts: { until: 400 }, raisedAt: null },
    { name: 'EL-02b leaves a car with the door-open fault to EL-02', rule: 'EL-02b', script: [{ at: 0, set: { ...atLevel, 'fault.03': true } }], opts: { until: 400 }, raisedAt: null },
    { name: 'EL-02b leaves a car whose passenger pressed the alarm button to EL-02 (one alarm per incident)', rule: 'EL-02b', script: [{ at: 0, set: atLevel }, ...press(10), ...every(20, 600, 20, {})], raisedAt: null },
    { name: 'EL-02b clears 10 s after the doors open', rule: 'EL-02b', script: [{ at: 0, set: atLevel }, { at: 200, set: { doorClosed: false } }], opts: { until: 260 }, raisedAt: 180, clearedAt: 210 },
    { name: 'EL-02b clears 10 s after the car is empty', rule: 'EL-02b', script: [{ at: 0, set: atLevel }, { at: 200, set: { occupied: false, loadPct: 0 } }], opts: { until: 260 }, raisedAt: 180, clearedAt: 210 },
    { name: 'EL-02b is suppressed by design in inspection mode', rule: 'EL-02b', script: [{ at: 0, set: { ...atLevel, serviceMode: 2 } }], opts: { until: 400 }, raisedAt: null, suppressed: true },
  ])('$name', check)

  it('EL-02 is latched, EL-02b is not', () => {
    expect(ruleById('EL-02')).toMatchObject({ latched: true, priority: 1 })
    expect(ruleById('EL-02b')).toMatchObject({ latched: false, priority: 2 })
  })
})

describe('EL-03 alarm call (P1, held ≥3 s, EN 81-28 filtering, latched)', () => {
  const stopped = { serviceMode: 1, carStatus: 0, doorClosed: true, doorZone: false, floor: 4 }
  it.each<Case>([
    { name: 'raises P1 when the alarm button is held 3 s in a stopped car with the doors closed', rule: 'EL-03', script: [{ at: 0, set: { ...stopped, alarmButton: true } }], opts: { until: 10 }, raisedAt: 3, priority: 1 },
    { name: 'does not raise for a press released before 3 s', rule: 'EL-03', script: [{ at: 0, set: { ...stopped, alarmButton: true } }, { at: 2.9, set: { alarmButton: false } }], opts: { until: 10 }, raisedAt: null },
    { name: 'filters a press with the doors open at a landing (log only, scenario 4)', rule: 'EL-03', script: [{ at: 0, set: { ...stopped, doorZone: true, doorClosed: false, alarmButton: true } }], opts: { until: 10 }, raisedAt: null },
    { name: 'does not raise while the car is running', rule: 'EL-03', script: [{ at: 0, set: { ...stopped, carStatus: 1, alarmButton: true } }], opts: { until: 10 }, raisedAt: null },
    { name: 'raises at once on an alarmCall event reporting a 4.2 s call from a closed, stopped car', rule: 'EL-03', script: [{ at: 0, set: stopped }, { at: 5, event: { event: 'alarmCall', durationMs: 4200 } }], opts: { until: 10 }, raisedAt: 5, priority: 1 },
    { name: 'does not raise on an alarmCall event of 1 s', rule: 'EL-03', script: [{ at: 0, set: stopped }, { at: 5, event: { event: 'alarmCall', durationMs: 1000 } }], opts: { until: 10 }, raisedAt: null },
    { name: 'filters an alarmCall event from a car standing open at a landing (scenario 4)', rule: 'EL-03', script: [{ at: 0, set: { ...stopped, doorZone: true, doorClosed: false } }, { at: 5, event: { event: 'alarmCall', durationMs: 4200 } }], opts: { until: 10 }, raisedAt: null },
    { name: 'is not suppressed in inspection mode (a person calling is never filtered by mode)', rule: 'EL-03', script: [{ at: 0, set: { ...stopped, serviceMode: 2, alarmButton: true } }], opts: { until: 10 }, raisedAt: 3, suppressed: false },
    { name: 'clears (to latched, awaiting "end of call") when the button is released', rule: 'EL-03', script: [{ at: 0, set: { ...stopped, alarmButton: true } }, { at: 6, set: { alarmButton: false } }], opts: { until: 10 }, raisedAt: 3, clearedAt: 6 },
  ])('$name', check)

  it('is latched', () => expect(ruleById('EL-03')).toMatchObject({ latched: true, priority: 1, skills: ['ELEVATOR'] }))
})

describe('EL-04 door open while running, EL-05 safety motion faults (latched, P1 if occupied else P2)', () => {
  const doorOpenRunning = { ...running, doorClosed: false }
  it.each<Case>([
    { name: 'EL-04 raises P1 after 1 s running above 0.1 m/s with the doors open and somebody inside', rule: 'EL-04', script: [{ at: 0, set: doorOpenRunning }], opts: { until: 5 }, raisedAt: 1, priority: 1 },
    { name: 'EL-04 raises P2 for an empty car', rule: 'EL-04', script: [{ at: 0, set: { ...doorOpenRunning, occupied: false, loadPct: 0 } }], opts: { until: 5 }, raisedAt: 1, priority: 2 },
    { name: 'EL-04 does not raise when the doors close within 1 s', rule: 'EL-04', script: [{ at: 0, set: doorOpenRunning }, { at: 0.9, set: { doorClosed: true } }], opts: { until: 5 }, raisedAt: null },
    { name: 'EL-04 does not raise at 0.1 m/s (levelling with doors opening)', rule: 'EL-04', script: [{ at: 0, set: { ...doorOpenRunning, speed: 0.1 } }], opts: { until: 5 }, raisedAt: null },
    { name: 'EL-04 raises just above 0.1 m/s', rule: 'EL-04', script: [{ at: 0, set: { ...doorOpenRunning, speed: 0.11 } }], opts: { until: 5 }, raisedAt: 1 },
    { name: 'EL-04 clears (to latched) when the doors close', rule: 'EL-04', script: [{ at: 0, set: doorOpenRunning }, { at: 3, set: { doorClosed: true } }], opts: { until: 5 }, raisedAt: 1, clearedAt: 3 },
    { name: 'EL-05 raises P1 on unintended car movement (code 05) with somebody inside', rule: 'EL-05', script: [{ at: 0, set: { ...trapped, 'fault.05': true } }], opts: { until: 5 }, raisedAt: 1, priority: 1 },
    { name: 'EL-05 raises P2 on overtravel at the top (code 09) in an empty car', rule: 'EL-05', script: [{ at: 0, set: { ...trapped, occupied: false, loadPct: 0, 'fault.09': true } }], opts: { until: 5 }, raisedAt: 1, priority: 2 },
    { name: 'EL-05 raises on overtravel at the bottom (code 10)', rule: 'EL-05', script: [{ at: 0, set: { ...trapped, 'fault.10': true } }], opts: { until: 5 }, raisedAt: 1 },
    { name: 'EL-05 raises after 1 s above 115 % of the rated speed', rule: 'EL-05', script: [{ at: 0, set: { ...running, speed: 2.02 } }], opts: { until: 5, attributes: { ratedSpeed: 1.75 } }, raisedAt: 1, priority: 1 },
    { name: 'EL-05 does not raise at 115 % of the rated speed', rule: 'EL-05', script: [{ at: 0, set: { ...running, speed: 2.0125 } }], opts: { until: 5, attributes: { ratedSpeed: 1.75 } }, raisedAt: null },
    { name: 'EL-05 does not raise for an overspeed lasting under 1 s', rule: 'EL-05', script: [{ at: 0, set: { ...running, speed: 2.5 } }, { at: 0.5, set: { speed: 1.7 } }], opts: { until: 5, attributes: { ratedSpeed: 1.75 } }, raisedAt: null },
    { name: 'EL-05 ignores speed when the rated speed is not registered', rule: 'EL-05', script: [{ at: 0, set: { ...running, speed: 9 } }], opts: { until: 5 }, raisedAt: null },
    { name: 'EL-05 does not raise on other fault codes', rule: 'EL-05', script: [{ at: 0, set: { ...trapped, 'fault.04': true } }], opts: { until: 5 }, raisedAt: null },
    { name: 'EL-05 clears (to latched) when the fault is reset', rule: 'EL-05', script: [{ at: 0, set: { ...trapped, 'fault.05': true } }, { at: 3, set: { 'fault.05': false } }], opts: { until: 5 }, raisedAt: 1, clearedAt: 3 },
  ])('$name', check)

  it('both are latched', () => {
    expect(ruleById('EL-04')?.latched).toBe(true)
    expect(ruleById('EL-05')?.latched).toBe(true)
  })
})

describe('EL-06 fault stop, EL-07 mains power lost', () => {
  const idle = { serviceMode: 1, carStatus: 0, doorClosed: true, doorZone: true, occupied: false, loadPct: 0, floor: 2 }
  it.each<Case>([
    { name: 'EL-06 raises P2 after 60 s stopped by a fault (code 04) with nobody inside', rule: 'EL-06', script: [{ at: 0, set: { ...idle, 'fault.04': true } }], opts: { until: 70 }, raisedAt: 60, priority: 2 },
    { name: 'EL-06 does not raise when the fault resets at 59 s', rule: 'EL-06', script: [{ at: 0, set: { ...idle, 'fault.04': true } }, { at: 59, set: { 'fault.04': false } }], opts: { until: 200 }, raisedAt: null },
    { name: 'EL-06 raises when the car is out of service (serviceMode 0)', rule: 'EL-06', script: [{ at: 0, set: { ...idle, serviceMode: 0 } }], opts: { until: 70 }, raisedAt: 60 },
    { name: 'EL-06 does not raise with somebody inside (the trap rules own that)', rule: 'EL-06', script: [{ at: 0, set: { ...idle, occupied: true, 'fault.02': true } }], opts: { until: 200 }, raisedAt: null },
    { name: 'EL-06 does not raise on a safety fault that is not a stop fault (code 05)', rule: 'EL-06', script: [{ at: 0, set: { ...idle, 'fault.05': true } }], opts: { until: 200 }, raisedAt: null },
    { name: 'EL-06 clears after 5 min back in normal service with no fault', rule: 'EL-06', script: [{ at: 0, set: { ...idle, 'fault.04': true } }, { at: 100, set: { 'fault.04': false } }], opts: { until: 500 }, raisedAt: 60, clearedAt: 400 },
    { name: 'EL-06 does not clear when the fault returns inside the 5 min', rule: 'EL-06', script: [{ at: 0, set: { ...idle, 'fault.04': true } }, { at: 100, set: { 'fault.04': false } }, { at: 399, set: { 'fault.04': true } }], opts: { until: 800 }, raisedAt: 60, clearedAt: null },
    { name: 'EL-06 does not clear while a fault code is still active', rule: 'EL-06', script: [{ at: 0, set: { ...idle, serviceMode: 0, 'fault.07': true } }, { at: 100, set: { serviceMode: 1 } }], opts: { until: 800 }, raisedAt: 60, clearedAt: null },
    { name: 'EL-06 is suppressed by design in inspection mode', rule: 'EL-06', script: [{ at: 0, set: { ...idle, serviceMode: 2, 'fault.04': true } }], opts: { until: 200 }, raisedAt: null, suppressed: true },
    { name: 'EL-07 raises P2 after 10 s off mains', rule: 'EL-07', script: [{ at: 0, set: { power: 'battery' } }], opts: { until: 20 }, raisedAt: 10, priority: 2 },
    { name: 'EL-07 does not raise for a 9 s dip', rule: 'EL-07', script: [{ at: 0, set: { power: 'none' } }, { at: 9, set: { power: 'mains' } }], opts: { until: 30 }, raisedAt: null },
    { name: 'EL-07 clears after 60 s back on mains', rule: 'EL-07', script: [{ at: 0, set: { power: 'battery' } }, { at: 20, set: { power: 'mains' } }], opts: { until: 100 }, raisedAt: 10, clearedAt: 80 },
    { name: 'EL-07 does not clear when mains drops again within 60 s', rule: 'EL-07', script: [{ at: 0, set: { power: 'battery' } }, { at: 20, set: { power: 'mains' } }, { at: 70, set: { power: 'battery' } }], opts: { until: 200 }, raisedAt: 10, clearedAt: null },
    { name: 'EL-07 raises on a power-lost event', rule: 'EL-07', script: [{ at: 0, set: { power: 'mains' } }, { at: 1, event: { event: 'power', state: 'lost' }, set: { power: 'none' } }], opts: { until: 20 }, raisedAt: 11 },
  ])('$name', check)
})

describe('EL-08 fire recall failure (P1, 120 s)', () => {
  const normal = { serviceMode: 1, carStatus: 0, floor: 5, doorClosed: true, doorZone: true }
  const recalled = { serviceMode: 3, floor: 1, doorClosed: false, doorZone: true }
  it.each<Case>([
    { name: 'raises P1 when the car is not recalled 120 s after a fire in its building', rule: 'EL-08', script: [{ at: 0, set: normal }, { at: 1, fire: { building: true } }], opts: { until: 200 }, raisedAt: 121, priority: 1 },
    { name: 'does not raise when the car is home in fire mode with the doors open by 120 s', rule: 'EL-08', script: [{ at: 0, set: normal }, { at: 1, fire: { building: true } }, { at: 100, set: recalled }], opts: { until: 300 }, raisedAt: null },
    { name: 'raises when the car reached the home floor but kept its doors closed', rule: 'EL-08', script: [{ at: 0, set: normal }, { at: 1, fire: { building: true } }, { at: 100, set: { ...recalled, doorClosed: true } }], opts: { until: 300 }, raisedAt: 121 },
    { name: 'uses the registered home floor', rule: 'EL-08', script: [{ at: 0, set: normal }, { at: 1, fire: { building: true } }, { at: 100, set: recalled }], opts: { until: 300, attributes: { homeFloor: 0 } }, raisedAt: 121 },
    { name: 'does not raise after a recalled car is taken over in firefighter service (serviceMode 4)', rule: 'EL-08', script: [{ at: 0, set: normal }, { at: 1, fire: { building: true } }, { at: 60, set: recalled }, { at: 200, set: { serviceMode: 4, floor: 6, doorClosed: true } }], opts: { until: 600 }, raisedAt: null },
    { name: 'does not raise when the fire clears before 120 s', rule: 'EL-08', script: [{ at: 0, set: normal }, { at: 1, fire: { building: true } }, { at: 119, fire: { building: false } }], opts: { until: 300 }, raisedAt: null },
    { name: 'does not raise without a fire', rule: 'EL-08', script: [{ at: 0, set: normal }], opts: { until: 300 }, raisedAt: null },
    { name: 'clears when the fire is cleared (not latched)', rule: 'EL-08', script: [{ at: 0, set: normal }, { at: 1, fire: { building: true } }, { at: 200, fire: { building: false } }], opts: { until: 300 }, raisedAt: 121, clearedAt: 200 },
    { name: 'clears when the car completes its recall late', rule: 'EL-08', script: [{ at: 0, set: normal }, { at: 1, fire: { building: true } }, { at: 200, set: recalled }], opts: { until: 300 }, raisedAt: 121, clearedAt: 200 },
  ])('$name', check)
})

describe('EL-09 repeated faults (P3, ≥3 EL-04/05/06 alarms in 30 days)', () => {
  it.each<Case>([
    { name: 'raises P3 on the third fault alarm within 30 days', rule: 'EL-09', script: [{ at: 0, raisedRuleId: 'EL-06' }, { at: 5 * DAY, raisedRuleId: 'EL-04' }, { at: 20 * DAY, raisedRuleId: 'EL-05' }], raisedAt: 20 * DAY, priority: 3 },
    { name: 'does not raise on the second', rule: 'EL-09', script: [{ at: 0, raisedRuleId: 'EL-06' }, { at: 5 * DAY, raisedRuleId: 'EL-06' }], opts: { until: 40 * DAY }, raisedAt: null },
    { name: 'does not raise when the first fell out of the 30-day window', rule: 'EL-09', script: [{ at: 0, raisedRuleId: 'EL-06' }, { at: 10 * DAY, raisedRuleId: 'EL-06' }, { at: 31 * DAY, raisedRuleId: 'EL-06' }], raisedAt: null },
    { name: 'does not count other alarms (trap, power)', rule: 'EL-09', script: [{ at: 0, raisedRuleId: 'EL-01' }, { at: DAY, raisedRuleId: 'EL-07' }, { at: 2 * DAY, raisedRuleId: 'EL-03' }, { at: 3 * DAY, raisedRuleId: 'EL-06' }], raisedAt: null },
    { name: 'clears 30 days after the last fault (one work order per 30 days)', rule: 'EL-09', script: [{ at: 0, raisedRuleId: 'EL-06' }, { at: DAY, raisedRuleId: 'EL-06' }, { at: 2 * DAY, raisedRuleId: 'EL-06' }], opts: { until: 40 * DAY }, raisedAt: 2 * DAY, clearedAt: 32 * DAY },
  ])('$name', check)
})

describe('EL-10 remote alarm and connection health (P3)', () => {
  it.each<Case>([
    { name: 'raises P3 at once when the elevator goes offline, even mid-condition (whileOffline)', rule: 'EL-10', script: [{ at: 0, set: trapped }, { at: 10, online: false }], opts: { until: 20 }, raisedAt: 10, priority: 3 },
    { name: 'clears 60 s after the heartbeat is back', rule: 'EL-10', script: [{ at: 0, set: {} }, { at: 10, online: false }, { at: 100, online: true }], opts: { until: 200 }, raisedAt: 10, clearedAt: 160 },
    { name: 'does not clear when the elevator drops out again within 60 s', rule: 'EL-10', script: [{ at: 0, set: {} }, { at: 10, online: false }, { at: 100, online: true }, { at: 150, online: false }], opts: { until: 300 }, raisedAt: 10, clearedAt: null },
    { name: 'raises when no successful remote-alarm test call came in 72 h', rule: 'EL-10', script: [{ at: 0, set: {} }, { at: 72 * HOUR, set: {} }, { at: 72 * HOUR + 1, set: {} }], raisedAt: 72 * HOUR + 1, priority: 3 },
    { name: 'does not raise when a test call succeeded within 72 h', rule: 'EL-10', script: [{ at: 0, set: {} }, { at: 48 * HOUR, event: { event: 'remoteAlarmTest', ok: true } }, { at: 72 * HOUR + 1, set: {} }, { at: 120 * HOUR, set: {} }], raisedAt: null },
    { name: 'raises 72 h after the last successful test call', rule: 'EL-10', script: [{ at: 0, set: {} }, { at: 48 * HOUR, event: { event: 'remoteAlarmTest', ok: true } }, { at: 120 * HOUR, set: {} }, { at: 120 * HOUR + 1, set: {} }], raisedAt: 120 * HOUR + 1 },
    { name: 'does not count a failed test call', rule: 'EL-10', script: [{ at: 0, set: {} }, { at: 48 * HOUR, event: { event: 'remoteAlarmTest', ok: false } }, { at: 72 * HOUR + 1, set: {} }], raisedAt: 72 * HOUR + 1 },
    { name: 'clears 60 s after a successful test call', rule: 'EL-10', script: [{ at: 0, set: {} }, { at: 73 * HOUR, set: {} }, { at: 74 * HOUR, event: { event: 'remoteAlarmTest', ok: true } }], opts: { until: 74 * HOUR + 120 }, raisedAt: 73 * HOUR, clearedAt: 74 * HOUR + 60 },
    { name: 'raises when the remote-alarm battery lasts under 60 min', rule: 'EL-10', script: [{ at: 0, set: { remoteAlarmBatteryMin: 59 } }], raisedAt: 0 },
    { name: 'does not raise at 60 min of battery', rule: 'EL-10', script: [{ at: 0, set: { remoteAlarmBatteryMin: 60 } }], opts: { until: 100 }, raisedAt: null },
    { name: 'clears 60 s after the battery is back to 60 min', rule: 'EL-10', script: [{ at: 0, set: { remoteAlarmBatteryMin: 30 } }, { at: 10, set: { remoteAlarmBatteryMin: 60 } }], opts: { until: 100 }, raisedAt: 0, clearedAt: 70 },
  ])('$name', check)
})

describe('EL-11 inspection mode left on, EL-12 certificate, EL-13 maintenance, EL-14 door reopening', () => {
  const T0 = Date.UTC(2026, 0, 1)
  const expiryIn = (days: number): string => new Date(T0 + days * DAY * 1000).toISOString()
  it.each<Case>([
    { name: 'EL-11 raises P4 after 4 h in inspection mode', rule: 'EL-11', script: [{ at: 0, set: { serviceMode: 2 } }], opts: { until: 5 * HOUR }, raisedAt: 4 * HOUR, priority: 4 },
    { name: 'EL-11 does not raise when inspection ends just before 4 h', rule: 'EL-11', script: [{ at: 0, set: { serviceMode: 2 } }, { at: 4 * HOUR - 1, set: { serviceMode: 1 } }], opts: { until: 5 * HOUR }, raisedAt: null },
    { name: 'EL-11 clears when the car leaves inspection mode', rule: 'EL-11', script: [{ at: 0, set: { serviceMode: 2 } }, { at: 5 * HOUR, set: { serviceMode: 1 } }], raisedAt: 4 * HOUR, clearedAt: 5 * HOUR },
    { name: 'EL-12 is quiet 31 days before the certificate expires', rule: 'EL-12', script: [{ at: 0, set: {} }], opts: { attributes: { certificateExpiry: expiryIn(31) } }, raisedAt: null },
    { name: 'EL-12 raises P4 30 days before expiry (apply for inspection)', rule: 'EL-12', script: [{ at: 0, set: {} }], opts: { attributes: { certificateExpiry: expiryIn(30) } }, raisedAt: 0, priority: 4 },
    { name: 'EL-12 raises P4 at 29 days (scenario 20)', rule: 'EL-12', script: [{ at: 0, set: {} }], opts: { attributes: { certificateExpiry: expiryIn(29) } }, raisedAt: 0, priority: 4 },
    { name: 'EL-12 raises P3 at 7 days', rule: 'EL-12', script: [{ at: 0, set: {} }], opts: { attributes: { certificateExpiry: expiryIn(7) } }, raisedAt: 0, priority: 3 },
    { name: 'EL-12 raises P2 once expired (scenario 20: expiry yesterday)', rule: 'EL-12', script: [{ at: 0, set: {} }], opts: { attributes: { certificateExpiry: expiryIn(-1) } }, raisedAt: 0, priority: 2 },
    { name: 'EL-12 escalates P4 → P3 at 7 days and → P2 on expiry as the days pass', rule: 'EL-12', script: [{ at: 0, set: {} }, ...every(HOUR, 10 * DAY, HOUR, {})], opts: { attributes: { certificateExpiry: expiryIn(9) } },
      raisedAt: 0, priority: 4, escalations: [{ at: 2 * DAY, priority: 3 }, { at: 9 * DAY + HOUR, priority: 2 }] },
    { name: 'EL-12 ignores an elevator without a registered certificate expiry', rule: 'EL-12', script: [{ at: 0, set: {} }], raisedAt: null },
    { name: 'EL-13 raises P3 when no half-monthly maintenance is recorded in 15 days', rule: 'EL-13', script: [{ at: 0, set: {} }, { at: 15 * DAY, set: {} }, { at: 15 * DAY + 1, set: {} }], raisedAt: 15 * DAY + 1, priority: 3 },
    { name: 'EL-13 does not raise when maintenance was recorded within 15 days', rule: 'EL-13', script: [{ at: 0, set: {} }, { at: 10 * DAY, stamp: ['pm:half-monthly'] }, { at: 15 * DAY + 1, set: {} }], raisedAt: null },
  ])('$name', check)

  it('EL-13 is off until a site enables it (it needs completed maintenance work orders)', () => {
    expect(ruleById('EL-13')?.disabledByDefault).toBe(true)
  })

  // A door cycle at one landing: closes, then opens again without the car moving.
  const reopen = (at: number): ScriptStep[] => [{ at, set: { doorClosed: true } }, { at: at + 2, set: { doorClosed: false } }]
  const stopAt = (at: number, floor: number): ScriptStep[] => [
    { at, set: { doorClosed: true } }, { at: at + 1, set: { carStatus: 1 } }, { at: at + 5, set: { carStatus: 0, floor } }, { at: at + 6, set: { doorClosed: false } },
  ]
  const arrived = { serviceMode: 1, carStatus: 0, floor: 3, doorClosed: false }
  it.each<Case>([
    { name: 'EL-14 raises P4 on the 5th door reopening at one landing within 60 s', rule: 'EL-14', script: [{ at: 0, set: arrived }, ...[5, 15, 25, 35, 45].flatMap(reopen)], opts: { until: 60 }, raisedAt: 47, priority: 4 },
    { name: 'EL-14 does not raise on the 4th', rule: 'EL-14', script: [{ at: 0, set: arrived }, ...[5, 15, 25, 35].flatMap(reopen)], opts: { until: 100 }, raisedAt: null },
    { name: 'EL-14 does not raise when 5 reopenings spread over more than 60 s', rule: 'EL-14', script: [{ at: 0, set: arrived }, ...[5, 20, 35, 50, 65].flatMap(reopen)], opts: { until: 100 }, raisedAt: null },
    { name: 'EL-14 does not count a busy car opening its doors at 6 landings in a minute', rule: 'EL-14', script: [{ at: 0, set: arrived }, ...[4, 5, 6, 7, 8, 9].flatMap((f, i) => stopAt(i * 9, f))], opts: { until: 60 }, raisedAt: null },
    { name: 'EL-14 clears after 10 min without a reopening', rule: 'EL-14', script: [{ at: 0, set: arrived }, ...[5, 15, 25, 35, 45].flatMap(reopen)], opts: { until: 700 }, raisedAt: 47, clearedAt: 647 },
  ])('$name', check)
})

describe('offline handling (DOMAIN.md §2): only the offline rule evaluates while an elevator is silent', () => {
  it.each(['EL-01', 'EL-02', 'EL-02b', 'EL-03', 'EL-04', 'EL-05', 'EL-06', 'EL-07', 'EL-08', 'EL-11', 'EL-12', 'EL-14'])('%s does not evaluate while offline', (id) => {
    expect(ruleById(id)?.whileOffline).toBeFalsy()
  })
  it('EL-10 does', () => expect(ruleById('EL-10')?.whileOffline).toBe(true))
  it('EL-01 does not raise while the elevator is offline', () => {
    expect(simulateRule('EL-01', [{ at: 0, set: trapped }, { at: 10, online: false }], { until: 120 }).raisedAt).toBeNull()
  })
})
