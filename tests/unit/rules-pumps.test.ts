// Pump-station rules of DOMAIN.md §3.2 (PU-01…PU-12, SU-01…SU-03, FP-01…FP-06) played through the
// pure evaluator: every threshold just at and just past its limit, every on-delay one second short
// and on time, every clear with its deadband and off-delay, priorities, stages and latching.
import { describe, expect, it } from 'vitest'
import { ruleById } from '../../services/core/rules/catalog.js'
import { PUMP_RULES } from '../../services/core/rules/catalog/pump.rules.js'
import type { FlatState } from '../../services/core/model.js'
import { simulateRule, type ScriptStep } from '../helpers/rule-sim.js'

const DAY = 86_400
/** A station reports every 10 s (DOMAIN.md §2 heartbeat): `set` repeated from `from` to `to`. */
const every = (from: number, to: number, set: FlatState = {}, step = 10): ScriptStep[] =>
  Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => ({ at: from + i * step, set }))

const pumps = (p1: FlatState, p2: FlatState = {}): FlatState => ({
  'pumps.P1.role': 'duty', 'pumps.P1.running': false, 'pumps.P1.fault': 'none',
  'pumps.P2.role': 'standby', 'pumps.P2.running': false, 'pumps.P2.fault': 'none',
  ...Object.fromEntries(Object.entries(p1).map(([k, v]) => [`pumps.P1.${k}`, v])),
  ...Object.fromEntries(Object.entries(p2).map(([k, v]) => [`pumps.P2.${k}`, v])),
})
const domestic: FlatState = { system: 'domestic', ctrlMode: 'auto', setpointP: 0.45, outletP: 0.45, levelPct: 70, vL1: 380, vL2: 380, vL3: 380, ...pumps({ running: true }) }
const sump: FlatState = { system: 'sump', ctrlMode: 'auto', levelPct: 30, floodWet: false, ...pumps({}) }
const fire: FlatState = {
  system: 'fire', ctrlMode: 'auto', setpointP: 0.8, outletP: 0.8, levelPct: 90, fireDemand: false, vL1: 380, vL2: 380, vL3: 380,
  ...pumps({}), 'pumps.J1.role': 'jockey', 'pumps.J1.running': false, 'pumps.J1.fault': 'none',
}

interface Case {
  name: string
  rule: string
  initial: FlatState
  script: ScriptStep[]
  until: number
  attributes?: Record<string, unknown>
  /** When the rule raised (seconds) and at which priority; null = never. */
  raised: [number, number] | null
  /** When it cleared; omitted = not checked, null = it must not clear. */
  cleared?: number | null
  escalated?: [number, number]
}

const run = (c: Case) => simulateRule(c.rule, c.script, { initial: c.initial, until: c.until, ...(c.attributes ? { attributes: c.attributes } : {}) })

function check(c: Case): void {
  const r = run(c)
  expect(r.raisedAt === null ? null : [r.raisedAt, r.raisedPriority]).toEqual(c.raised)
  if (c.cleared !== undefined) expect(r.clearedAt).toBe(c.cleared)
  if (c.escalated) expect(r.actions.filter((a) => a.kind === 'escalate').map((a) => [a.at, 'priority' in a ? a.priority : 0])).toContainEqual(c.escalated)
  // One alarm per raise: the evaluator never raises twice without a clear between.
  const kinds = r.actions.filter((a) => a.kind === 'raise' || a.kind === 'clear').map((a) => a.kind)
  expect(kinds.join(',')).not.toMatch(/raise,raise/)
}

const { setpointP: _sp, ...noSetpoint } = domestic
const low = (outletP: number, at = 0): ScriptStep => ({ at, set: { outletP } })

const domesticCases: Case[] = [
  // PU-01: outletP < 0.8 × SP ≥ 60 s in auto; clears at ≥ 0.9 × SP for 60 s (scenario 5: SP 0.45 → 0.36 / 0.405).
  { name: 'PU-01 raises P2 after 60 s at 0.34 MPa (SP 0.45)', rule: 'PU-01', initial: domestic, script: [low(0.34)], until: 120, raised: [60, 2] },
  { name: 'PU-01 does not raise when pressure recovers at 59 s', rule: 'PU-01', initial: domestic, script: [low(0.34), low(0.40, 59)], until: 300, raised: null },
  { name: 'PU-01 does not raise at exactly 0.8 × SP', rule: 'PU-01', initial: domestic, script: [low(0.36)], until: 300, raised: null },
  { name: 'PU-01 raises just below 0.8 × SP', rule: 'PU-01', initial: domestic, script: [low(0.359)], until: 120, raised: [60, 2] },
  { name: 'PU-01 does not raise in manual mode', rule: 'PU-01', initial: { ...domestic, ctrlMode: 'manual' }, script: [low(0.2)], until: 300, raised: null },
  { name: 'PU-01 does not raise on a fire-pump set', rule: 'PU-01', initial: { ...domestic, system: 'fire' }, script: [low(0.2)], until: 300, raised: null },
  { name: 'PU-01 stays active inside the deadband (0.38 < 0.405)', rule: 'PU-01', initial: domestic, script: [low(0.34), low(0.38, 100)], until: 600, raised: [60, 2], cleared: null },
  { name: 'PU-01 clears 60 s after pressure reaches 0.9 × SP', rule: 'PU-01', initial: domestic, script: [low(0.34), low(0.42, 100)], until: 600, raised: [60, 2], cleared: 160 },
  { name: 'PU-01 clears at exactly 0.9 × SP', rule: 'PU-01', initial: { ...domestic, setpointP: 0.4 }, script: [low(0.3), low(0.36, 100)], until: 600, raised: [60, 2], cleared: 160 },
  { name: 'PU-01 does not clear when pressure dips back at 59 s of the off-delay', rule: 'PU-01', initial: domestic, script: [low(0.34), low(0.42, 100), low(0.38, 159)], until: 600, raised: [60, 2], cleared: null },
  { name: 'PU-01 plays DOMAIN §8 scenario 5', rule: 'PU-01', initial: domestic, script: [...every(0, 60, { outletP: 0.34 }), ...every(70, 180, { outletP: 0.38 }), ...every(190, 300, { outletP: 0.42 })], until: 400, raised: [60, 2], cleared: 250 },

  // PU-02: outletP < 0.05 MPa ≥ 120 s, or no pump running while outletP < 0.5 × SP ≥ 120 s; clears ≥ 0.9 × SP for 60 s.
  { name: 'PU-02 raises P2 after 120 s below 0.05 MPa with a pump running', rule: 'PU-02', initial: domestic, script: [low(0.04)], until: 200, raised: [120, 2] },
  { name: 'PU-02 does not raise when pressure recovers at 119 s', rule: 'PU-02', initial: domestic, script: [low(0.04), low(0.3, 119)], until: 400, raised: null },
  { name: 'PU-02 does not raise at 0.05 MPa with a pump running', rule: 'PU-02', initial: domestic, script: [low(0.05)], until: 400, raised: null },
  { name: 'PU-02 raises when no pump runs below 0.5 × SP', rule: 'PU-02', initial: domestic, script: [{ at: 0, set: { outletP: 0.2, 'pumps.P1.running': false } }], until: 200, raised: [120, 2] },
  { name: 'PU-02 does not raise when no pump runs at 0.5 × SP', rule: 'PU-02', initial: domestic, script: [{ at: 0, set: { outletP: 0.225, 'pumps.P1.running': false } }], until: 400, raised: null },
  { name: 'PU-02 clears 60 s after 0.9 × SP, not inside the deadband', rule: 'PU-02', initial: domestic, script: [low(0.04), low(0.40, 200), low(0.41, 300)], until: 600, raised: [120, 2], cleared: 360 },
  { name: 'PU-02 clears on a station that reports no setpoint once pressure is back', rule: 'PU-02', initial: noSetpoint, script: [low(0.04), low(0.3, 200)], until: 600, raised: [120, 2], cleared: 260 },

  // PU-03: a pump running ∧ (levelPct < 10 ∨ fault = dry_run) ≥ 5 s; clears at levelPct ≥ 20 with the fault reset.
  { name: 'PU-03 raises P2 after 5 s running with the tank at 9 %', rule: 'PU-03', initial: domestic, script: [{ at: 0, set: { levelPct: 9 } }], until: 30, raised: [5, 2] },
  { name: 'PU-03 does not raise when the pump stops at 4 s', rule: 'PU-03', initial: domestic, script: [{ at: 0, set: { levelPct: 9 } }, { at: 4, set: { 'pumps.P1.running': false } }], until: 60, raised: null },
  { name: 'PU-03 does not raise at 10 %', rule: 'PU-03', initial: domestic, script: [{ at: 0, set: { levelPct: 10 } }], until: 60, raised: null },
  { name: 'PU-03 raises on a dry_run fault even after the protection stopped the pump', rule: 'PU-03', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.fault': 'dry_run', 'pumps.P1.running': false } }], until: 30, raised: [5, 2] },
  { name: 'PU-03 ignores a sump pump emptying its pit', rule: 'PU-03', initial: { ...sump, ...pumps({ running: true }) }, script: [{ at: 0, set: { levelPct: 3 } }], until: 60, raised: null },
  { name: 'PU-03 stays active at 19 %, clears at 20 %', rule: 'PU-03', initial: domestic, script: [{ at: 0, set: { levelPct: 9 } }, { at: 10, set: { levelPct: 19, 'pumps.P1.running': false } }, { at: 20, set: { levelPct: 20 } }], until: 60, raised: [5, 2], cleared: 20 },
  { name: 'PU-03 does not clear while the dry_run fault is not reset', rule: 'PU-03', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.fault': 'dry_run' } }, { at: 10, set: { levelPct: 80 } }], until: 60, raised: [5, 2], cleared: null },

  // PU-04: tank low < 30 % ≥ 10 min, overflow ≥ 98 % ≥ 2 min, both P3; clear ≥ 40 / ≤ 95 for 5 min.
  { name: 'PU-04 raises P3 after 10 min below 30 %', rule: 'PU-04', initial: domestic, script: [{ at: 0, set: { levelPct: 29 } }], until: 700, raised: [600, 3] },
  { name: 'PU-04 does not raise when the tank refills at 599 s', rule: 'PU-04', initial: domestic, script: [{ at: 0, set: { levelPct: 29 } }, { at: 599, set: { levelPct: 31 } }], until: 1300, raised: null },
  { name: 'PU-04 does not raise at 30 %', rule: 'PU-04', initial: domestic, script: [{ at: 0, set: { levelPct: 30 } }], until: 1300, raised: null },
  { name: 'PU-04 raises P3 after 2 min at 98 % (overflow)', rule: 'PU-04', initial: domestic, script: [{ at: 0, set: { levelPct: 98 } }], until: 200, raised: [120, 3] },
  { name: 'PU-04 does not raise at 97.9 %', rule: 'PU-04', initial: domestic, script: [{ at: 0, set: { levelPct: 97.9 } }], until: 600, raised: null },
  { name: 'PU-04 low clears after 5 min at 40 %, not at 39 %', rule: 'PU-04', initial: domestic, script: [{ at: 0, set: { levelPct: 20 } }, { at: 700, set: { levelPct: 39 } }, { at: 1100, set: { levelPct: 40 } }], until: 1600, raised: [600, 3], cleared: 1400 },
  { name: 'PU-04 overflow clears after 5 min at 95 %, not at 96 %', rule: 'PU-04', initial: domestic, script: [{ at: 0, set: { levelPct: 99 } }, { at: 200, set: { levelPct: 96 } }, { at: 600, set: { levelPct: 95 } }], until: 1000, raised: [120, 3], cleared: 900 },

  // PU-05 / PU-06 (scenario 6): a tripped duty pump with the standby running ≤ 10 s later is P3; without, P2.
  { name: 'PU-05 raises P3 when the standby runs 8 s after the duty trips', rule: 'PU-05', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.fault': 'overload', 'pumps.P1.running': false } }, { at: 8, set: { 'pumps.P2.running': true } }], until: 60, raised: [8, 3] },
  { name: 'PU-05 still raises when the standby starts late, after PU-06', rule: 'PU-05', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.fault': 'overload', 'pumps.P1.running': false } }, { at: 12, set: { 'pumps.P2.running': true } }], until: 60, raised: [12, 3] },
  { name: 'PU-05 does not raise while no other pump runs', rule: 'PU-05', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.fault': 'overload', 'pumps.P1.running': false } }], until: 60, raised: null },
  { name: 'PU-05 does not count the tripped pump itself as running', rule: 'PU-05', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.fault': 'overload' } }], until: 60, raised: null },
  { name: 'PU-05 clears when the fault is reset', rule: 'PU-05', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.fault': 'vfd', 'pumps.P1.running': false, 'pumps.P2.running': true } }, { at: 30, set: { 'pumps.P1.fault': 'none' } }], until: 60, raised: [0, 3], cleared: 30 },
  { name: 'PU-06 does not raise when the standby runs 8 s after the duty trips', rule: 'PU-06', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.fault': 'overload', 'pumps.P1.running': false, outletP: 0.3 } }, { at: 8, set: { 'pumps.P2.running': true } }], until: 60, raised: null },
  { name: 'PU-06 raises P2 when no pump runs 10 s after the duty trips below SP', rule: 'PU-06', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.fault': 'overload', 'pumps.P1.running': false, outletP: 0.3 } }], until: 60, raised: [10, 2] },
  { name: 'PU-06 does not raise while pressure holds at setpoint', rule: 'PU-06', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.fault': 'overload', 'pumps.P1.running': false, outletP: 0.45 } }], until: 60, raised: null },
  { name: 'PU-06 raises P2 when every pump is faulted', rule: 'PU-06', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.fault': 'overload', 'pumps.P2.fault': 'phase_loss', outletP: 0.5 } }], until: 60, raised: [10, 2] },
  { name: 'PU-06 does not raise for a faulted standby while the duty is healthy', rule: 'PU-06', initial: domestic, script: [{ at: 0, set: { 'pumps.P2.fault': 'overload', 'pumps.P1.running': false, outletP: 0.44 } }], until: 60, raised: null },
  { name: 'PU-06 clears when a healthy pump runs', rule: 'PU-06', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.fault': 'overload', 'pumps.P1.running': false, outletP: 0.3 } }, { at: 20, set: { 'pumps.P2.running': true } }], until: 60, raised: [10, 2], cleared: 20 },
]

const motorCases: Case[] = [
  // PU-07: ≥ 120 °C ≥ 60 s → P3; ≥ 140 °C ≥ 10 s → P2; clear ≤ 110 °C for 60 s.
  { name: 'PU-07 raises P3 after 60 s at 120 °C', rule: 'PU-07', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.motorTempC': 120 } }], until: 100, raised: [60, 3] },
  { name: 'PU-07 does not raise at 119.9 °C', rule: 'PU-07', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.motorTempC': 119.9 } }], until: 300, raised: null },
  { name: 'PU-07 does not raise when the motor cools at 59 s', rule: 'PU-07', initial: domestic, script: [{ at: 0, set: { 'pumps.P2.motorTempC': 125 } }, { at: 59, set: { 'pumps.P2.motorTempC': 100 } }], until: 300, raised: null },
  { name: 'PU-07 raises P2 after 10 s at 140 °C, before the P3 delay', rule: 'PU-07', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.motorTempC': 140 } }], until: 100, raised: [10, 2] },
  { name: 'PU-07 escalates P3 → P2 after 10 s at 140 °C', rule: 'PU-07', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.motorTempC': 125 } }, { at: 100, set: { 'pumps.P1.motorTempC': 141 } }], until: 200, raised: [60, 3], escalated: [110, 2] },
  { name: 'PU-07 stays active at 111 °C, clears 60 s after 110 °C', rule: 'PU-07', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.motorTempC': 125 } }, { at: 100, set: { 'pumps.P1.motorTempC': 111 } }, { at: 300, set: { 'pumps.P1.motorTempC': 110 } }], until: 500, raised: [60, 3], cleared: 360 },
  // PU-08: > 2.8 mm/s ≥ 10 min → P3; > 4.5 mm/s ≥ 60 s → P2; clear < 2.3 mm/s for 10 min.
  { name: 'PU-08 raises P3 after 10 min above 2.8 mm/s', rule: 'PU-08', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.vibMmS': 2.9 } }], until: 700, raised: [600, 3] },
  { name: 'PU-08 does not raise at 2.8 mm/s', rule: 'PU-08', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.vibMmS': 2.8 } }], until: 1300, raised: null },
  { name: 'PU-08 does not raise at 599 s', rule: 'PU-08', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.vibMmS': 3 } }, { at: 599, set: { 'pumps.P1.vibMmS': 1 } }], until: 1300, raised: null },
  { name: 'PU-08 raises P2 after 60 s above 4.5 mm/s', rule: 'PU-08', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.vibMmS': 4.6 } }], until: 100, raised: [60, 2] },
  { name: 'PU-08 stays active at 2.3 mm/s, clears 10 min after 2.2 mm/s', rule: 'PU-08', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.vibMmS': 3 } }, { at: 700, set: { 'pumps.P1.vibMmS': 2.3 } }, { at: 1400, set: { 'pumps.P1.vibMmS': 2.2 } }], until: 2100, raised: [600, 3], cleared: 2000 },
  // PU-09: a phase < 342 or > 418 V ≥ 10 s → P3; < 190 V ≥ 2 s → P2; clear all within ±7 % (353.4…406.6 V) ≥ 60 s.
  { name: 'PU-09 raises P3 after 10 s at 341 V', rule: 'PU-09', initial: domestic, script: [{ at: 0, set: { vL2: 341 } }], until: 60, raised: [10, 3] },
  { name: 'PU-09 raises P3 after 10 s at 419 V', rule: 'PU-09', initial: domestic, script: [{ at: 0, set: { vL3: 419 } }], until: 60, raised: [10, 3] },
  { name: 'PU-09 does not raise at 342 V or 418 V', rule: 'PU-09', initial: domestic, script: [{ at: 0, set: { vL1: 342, vL3: 418 } }], until: 300, raised: null },
  { name: 'PU-09 does not raise when the voltage recovers at 9 s', rule: 'PU-09', initial: domestic, script: [{ at: 0, set: { vL1: 330 } }, { at: 9, set: { vL1: 380 } }], until: 300, raised: null },
  { name: 'PU-09 raises P2 after 2 s of phase loss (< 190 V)', rule: 'PU-09', initial: domestic, script: [{ at: 0, set: { vL1: 0 } }], until: 30, raised: [2, 2] },
  { name: 'PU-09 raises P3, not P2, for a phase at 190 V', rule: 'PU-09', initial: domestic, script: [{ at: 0, set: { vL1: 190 } }], until: 30, raised: [10, 3] },
  { name: 'PU-09 stays active at 350 V, clears 60 s after 354 V', rule: 'PU-09', initial: domestic, script: [{ at: 0, set: { vL1: 330 } }, { at: 20, set: { vL1: 350 } }, { at: 200, set: { vL1: 354 } }], until: 400, raised: [10, 3], cleared: 260 },
  // PU-10: currentA > 1.1 × ratedA ≥ 60 s; clear < 1.0 × ratedA ≥ 60 s.
  { name: 'PU-10 raises P3 after 60 s above 1.1 × ratedA', rule: 'PU-10', initial: domestic, attributes: { ratedA: 30 }, script: [{ at: 0, set: { 'pumps.P1.currentA': 33.1 } }], until: 100, raised: [60, 3] },
  { name: 'PU-10 does not raise at exactly 1.1 × ratedA', rule: 'PU-10', initial: domestic, attributes: { ratedA: 7 }, script: [{ at: 0, set: { 'pumps.P1.currentA': 7.7 } }], until: 300, raised: null },
  { name: 'PU-10 reads ratedA per pump', rule: 'PU-10', initial: domestic, attributes: { ratedA: { P1: 50, P2: 20 } }, script: [{ at: 0, set: { 'pumps.P1.currentA': 40, 'pumps.P2.currentA': 23 } }], until: 100, raised: [60, 3] },
  { name: 'PU-10 does nothing without a rated current', rule: 'PU-10', initial: domestic, script: [{ at: 0, set: { 'pumps.P1.currentA': 300 } }], until: 300, raised: null },
  { name: 'PU-10 stays active at 1.0 × ratedA, clears 60 s below it', rule: 'PU-10', initial: domestic, attributes: { ratedA: 30 }, script: [{ at: 0, set: { 'pumps.P1.currentA': 35 } }, { at: 100, set: { 'pumps.P1.currentA': 30 } }, { at: 300, set: { 'pumps.P1.currentA': 29.9 } }], until: 500, raised: [60, 3], cleared: 360 },
  // PU-11: startsLastHour > 15 (jockey too); clear ≤ 10 for 1 h.
  { name: 'PU-11 raises P3 at 16 starts in the last hour', rule: 'PU-11', initial: fire, script: [{ at: 0, set: { 'pumps.J1.startsLastHour': 16 } }], until: 10, raised: [0, 3] },
  { name: 'PU-11 does not raise at 15 starts', rule: 'PU-11', initial: fire, script: [{ at: 0, set: { 'pumps.J1.startsLastHour': 15 } }], until: 100, raised: null },
  { name: 'PU-11 stays active at 11 starts, clears after 1 h at 10', rule: 'PU-11', initial: fire, script: [{ at: 0, set: { 'pumps.J1.startsLastHour': 20 } }, { at: 100, set: { 'pumps.J1.startsLastHour': 11 } }, { at: 200, set: { 'pumps.J1.startsLastHour': 10 } }, { at: 3700, set: { 'pumps.J1.startsLastHour': 9 } }], until: 4000, raised: [0, 3], cleared: 3800 },
]

// PU-12 and FP-05 look back days: the station reports hourly here, as the periodic re-check does.
const hourly = (days: number, set: FlatState = {}): ScriptStep[] => every(3600, days * DAY, set, 3600)
const testRun = (at: number, kind: 'auto_weekly' | 'manual_monthly', ok = true): ScriptStep => ({ at, event: { event: 'testRun', pumpId: 'P1', kind, ok } })
const calendarCases: Case[] = [
  { name: 'PU-12 raises P4 when the standby has not run for 7 days', rule: 'PU-12', initial: domestic, script: hourly(8), until: 8 * DAY, raised: [7 * DAY + 3600, 4] },
  { name: 'PU-12 does not raise while both pumps run within 7 days', rule: 'PU-12', initial: domestic, script: [...hourly(13), { at: 3 * DAY, set: { 'pumps.P2.running': true } }, { at: 3 * DAY + 600, set: { 'pumps.P2.running': false } }], until: 9 * DAY, raised: null },
  { name: 'PU-12 clears when the idle pump runs', rule: 'PU-12', initial: domestic, script: [...hourly(9), { at: 8 * DAY + 1800, set: { 'pumps.P2.running': true } }], until: 9 * DAY, raised: [7 * DAY + 3600, 4], cleared: 8 * DAY + 1800 },
  { name: 'FP-05 raises P3 when no weekly test ran for 7 days', rule: 'FP-05', initial: fire, script: [...hourly(9), testRun(DAY, 'manual_monthly')], until: 9 * DAY, raised: [7 * DAY + 3600, 3] },
  { name: 'FP-05 does not raise while weekly and monthly tests are on time', rule: 'FP-05', initial: fire, script: [...hourly(30), ...[6, 12, 18, 24].map((d) => testRun(d * DAY, 'auto_weekly')), testRun(5 * DAY, 'manual_monthly')], until: 30 * DAY, raised: null },
  { name: 'FP-05 raises P3 when the monthly manual run is 31 days old', rule: 'FP-05', initial: fire, script: [...hourly(40), ...[6, 12, 18, 24, 30, 36].map((d) => testRun(d * DAY, 'auto_weekly')), testRun(2 * DAY, 'manual_monthly')], until: 40 * DAY, raised: [33 * DAY + 3600, 3] },
  { name: 'FP-05 does not count a failed weekly test', rule: 'FP-05', initial: fire, script: [...hourly(9), testRun(DAY, 'manual_monthly'), testRun(6 * DAY, 'auto_weekly', false)], until: 9 * DAY, raised: [7 * DAY + 3600, 3] },
  { name: 'FP-05 clears when the overdue test is recorded', rule: 'FP-05', initial: fire, script: [...hourly(9), testRun(DAY, 'manual_monthly'), testRun(8 * DAY + 60, 'auto_weekly')], until: 9 * DAY, raised: [7 * DAY + 3600, 3], cleared: 8 * DAY + 60 },
  { name: 'FP-05 ignores domestic stations', rule: 'FP-05', initial: domestic, script: hourly(40), until: 40 * DAY, raised: null },
]

const twoSump = { ...sump, ...pumps({ running: true }, { running: true }) }
const falling = (from: number, start: number, stepPct: number, to: number, step = 10): ScriptStep[] =>
  every(from, to, {}, step).map((s, i) => ({ ...s, set: { levelPct: Math.round((start - i * stepPct) * 100) / 100 } }))
const sumpCases: Case[] = [
  // SU-01: levelPct ≥ 80 ≥ 30 s → P3; clear ≤ 60 for 5 min.
  { name: 'SU-01 raises P3 after 30 s at 80 %', rule: 'SU-01', initial: sump, script: [{ at: 0, set: { levelPct: 80 } }], until: 60, raised: [30, 3] },
  { name: 'SU-01 does not raise at 79.9 %', rule: 'SU-01', initial: sump, script: [{ at: 0, set: { levelPct: 79.9 } }], until: 300, raised: null },
  { name: 'SU-01 does not raise when the pit drains at 29 s', rule: 'SU-01', initial: sump, script: [{ at: 0, set: { levelPct: 85 } }, { at: 29, set: { levelPct: 70 } }], until: 300, raised: null },
  { name: 'SU-01 ignores a domestic tank at 85 %', rule: 'SU-01', initial: domestic, script: [{ at: 0, set: { levelPct: 85 } }], until: 300, raised: null },
  { name: 'SU-01 stays active at 61 %, clears 5 min after 60 %', rule: 'SU-01', initial: sump, script: [{ at: 0, set: { levelPct: 85 } }, { at: 100, set: { levelPct: 61 } }, { at: 500, set: { levelPct: 60 } }], until: 900, raised: [30, 3], cleared: 800 },
  // SU-02: levelPct ≥ 95 ∨ floodWet ≥ 10 s → P1, latched; clear floodWet = false ∧ level ≤ 60 for 5 min.
  { name: 'SU-02 raises P1 after 10 s at 96 % with the floor wet (scenario 7)', rule: 'SU-02', initial: sump, script: [{ at: 0, set: { levelPct: 96, floodWet: true } }], until: 30, raised: [10, 1] },
  { name: 'SU-02 raises P1 on the floor sensor alone, even on a domestic station', rule: 'SU-02', initial: domestic, script: [{ at: 0, set: { floodWet: true } }], until: 30, raised: [10, 1] },
  { name: 'SU-02 raises P1 at 95 % alone', rule: 'SU-02', initial: sump, script: [{ at: 0, set: { levelPct: 95 } }], until: 30, raised: [10, 1] },
  { name: 'SU-02 does not raise at 94.9 %', rule: 'SU-02', initial: sump, script: [{ at: 0, set: { levelPct: 94.9 } }], until: 300, raised: null },
  { name: 'SU-02 does not raise when the floor dries at 9 s', rule: 'SU-02', initial: sump, script: [{ at: 0, set: { floodWet: true } }, { at: 9, set: { floodWet: false } }], until: 300, raised: null },
  { name: 'SU-02 stays active while the pit is at 61 %', rule: 'SU-02', initial: sump, script: [{ at: 0, set: { levelPct: 96, floodWet: true } }, { at: 60, set: { levelPct: 61, floodWet: false } }], until: 1000, raised: [10, 1], cleared: null },
  { name: 'SU-02 clears (to latched) 5 min after dry and ≤ 60 %', rule: 'SU-02', initial: sump, script: [{ at: 0, set: { levelPct: 96, floodWet: true } }, { at: 60, set: { levelPct: 50, floodWet: false } }], until: 1000, raised: [10, 1], cleared: 360 },
  // SU-03: ≥ 2 sump pumps running ≥ 30 min with the level not falling → P2; clear: level falling 5 min.
  { name: 'SU-03 raises P2 after 30 min with two pumps running and the level steady', rule: 'SU-03', initial: twoSump, script: every(0, 2000, { levelPct: 70 }), until: 2000, raised: [1800, 2] },
  { name: 'SU-03 raises when the level keeps rising slowly', rule: 'SU-03', initial: twoSump, script: every(0, 2000).map((s, i) => ({ ...s, set: { levelPct: 60 + i * 0.05 } })), until: 2000, raised: [1800, 2] },
  { name: 'SU-03 does not raise at 1799 s', rule: 'SU-03', initial: twoSump, script: [...every(0, 1790, { levelPct: 70 }), { at: 1799, set: { 'pumps.P2.running': false } }], until: 2500, raised: null },
  { name: 'SU-03 does not raise while the level falls', rule: 'SU-03', initial: twoSump, script: falling(0, 90, 0.02, 2500), until: 2500, raised: null },
  { name: 'SU-03 does not raise with one pump running', rule: 'SU-03', initial: { ...sump, ...pumps({ running: true }) }, script: every(0, 2500, { levelPct: 70 }), until: 2500, raised: null },
  { name: 'SU-03 clears after the level falls for 5 min', rule: 'SU-03', initial: twoSump, script: [...every(0, 1900, { levelPct: 70 }), ...falling(1910, 69, 0.1, 2500)], until: 2500, raised: [1800, 2], cleared: 2210 },
  { name: 'SU-03 clears on its off-delay timer when no reading lands on the due time', rule: 'SU-03', initial: twoSump, script: [...every(0, 1900, { levelPct: 70 }), ...falling(1911, 69, 0.1, 2500, 7)], until: 2500, raised: [1800, 2], cleared: 2211 },
  { name: 'SU-03 clears when the level falls then holds steady for 5 min', rule: 'SU-03', initial: twoSump, script: [...every(0, 1900, { levelPct: 70 }), ...every(1910, 2500, { levelPct: 69 })], until: 2500, raised: [1800, 2], cleared: 2210 },
  { name: 'SU-03 does not clear when the level stops falling after 4 min', rule: 'SU-03', initial: twoSump, script: [...every(0, 1900, { levelPct: 70 }), ...falling(1910, 69, 0.1, 2140), ...every(2150, 2500, { levelPct: 70 })], until: 2500, raised: [1800, 2], cleared: null },
]

const firePumpCases: Case[] = [
  // FP-01: system = fire ∧ ctrlMode ≠ auto ≥ 60 s → P2; clears on auto.
  ...(['manual', 'off', 'test'] as const).map((mode): Case => ({ name: `FP-01 raises P2 after 60 s in ${mode}`, rule: 'FP-01', initial: fire, script: [{ at: 0, set: { ctrlMode: mode } }], until: 100, raised: [60, 2] })),
  { name: 'FP-01 does not raise when back in auto at 59 s', rule: 'FP-01', initial: fire, script: [{ at: 0, set: { ctrlMode: 'manual' } }, { at: 59, set: { ctrlMode: 'auto' } }], until: 300, raised: null },
  { name: 'FP-01 ignores a domestic set in manual', rule: 'FP-01', initial: domestic, script: [{ at: 0, set: { ctrlMode: 'manual' } }], until: 300, raised: null },
  { name: 'FP-01 clears at once on auto', rule: 'FP-01', initial: fire, script: [{ at: 0, set: { ctrlMode: 'manual' } }, { at: 100, set: { ctrlMode: 'auto' } }], until: 200, raised: [60, 2], cleared: 100 },
  // FP-02: fireDemand ∧ no fire pump running within 120 s → P1; clears when a pump runs.
  { name: 'FP-02 raises P1 when no fire pump starts within 120 s', rule: 'FP-02', initial: fire, script: [{ at: 0, set: { fireDemand: true } }], until: 200, raised: [120, 1] },
  { name: 'FP-02 does not raise when a pump starts at 119 s', rule: 'FP-02', initial: fire, script: [{ at: 0, set: { fireDemand: true } }, { at: 119, event: { event: 'pumpStart', pumpId: 'P1', cause: 'auto' }, set: { 'pumps.P1.running': true } }], until: 400, raised: null },
  { name: 'FP-02 does not count the jockey pump as a fire pump', rule: 'FP-02', initial: fire, script: [{ at: 0, set: { fireDemand: true, 'pumps.J1.running': true } }], until: 200, raised: [120, 1] },
  { name: 'FP-02 clears when a pump runs', rule: 'FP-02', initial: fire, script: [{ at: 0, set: { fireDemand: true } }, { at: 150, set: { 'pumps.P2.running': true } }], until: 200, raised: [120, 1], cleared: 150 },
  // FP-03: running → stopped during demand without an authorised stop → P1, latched.
  { name: 'FP-03 raises P1 at once when a running fire pump stops on a fault during demand', rule: 'FP-03', initial: { ...fire, fireDemand: true, 'pumps.P1.running': true }, script: [{ at: 30, event: { event: 'pumpStop', pumpId: 'P1', cause: 'fault' }, set: { 'pumps.P1.running': false } }], until: 60, raised: [30, 1] },
  { name: 'FP-03 raises P1 when telemetry shows the pump stopped during demand', rule: 'FP-03', initial: { ...fire, fireDemand: true, 'pumps.P1.running': true }, script: [{ at: 30, set: { 'pumps.P1.running': false } }], until: 60, raised: [30, 1] },
  { name: 'FP-03 does not raise for an authorised manual stop', rule: 'FP-03', initial: { ...fire, fireDemand: true, 'pumps.P1.running': true }, script: [{ at: 30, event: { event: 'pumpStop', pumpId: 'P1', cause: 'manual' }, set: { 'pumps.P1.running': false } }], until: 60, raised: null },
  { name: 'FP-03 does not raise when the pump stops after the demand ended', rule: 'FP-03', initial: { ...fire, fireDemand: true, 'pumps.P1.running': true }, script: [{ at: 20, set: { fireDemand: false } }, { at: 30, set: { 'pumps.P1.running': false } }], until: 60, raised: null },
  { name: 'FP-03 does not raise while the standby keeps running', rule: 'FP-03', initial: { ...fire, fireDemand: true, 'pumps.P1.running': true, 'pumps.P2.running': true }, script: [{ at: 30, set: { 'pumps.P1.running': false } }], until: 60, raised: null },
  { name: 'FP-03 clears (to latched) when a pump restarts', rule: 'FP-03', initial: { ...fire, fireDemand: true, 'pumps.P1.running': true }, script: [{ at: 30, set: { 'pumps.P1.running': false } }, { at: 45, set: { 'pumps.P2.running': true } }], until: 60, raised: [30, 1], cleared: 45 },
  // FP-04: fire tank levelPct < lowAlarmPct (80) ≥ 60 s → P2; > highAlarmPct → P3; clear back inside the band ≥ 5 min.
  { name: 'FP-04 raises P2 after 60 s below the low alarm level', rule: 'FP-04', initial: fire, script: [{ at: 0, set: { levelPct: 79 } }], until: 100, raised: [60, 2] },
  { name: 'FP-04 does not raise at the low alarm level', rule: 'FP-04', initial: fire, script: [{ at: 0, set: { levelPct: 80 } }], until: 300, raised: null },
  { name: 'FP-04 does not raise when the tank refills at 59 s', rule: 'FP-04', initial: fire, script: [{ at: 0, set: { levelPct: 79 } }, { at: 59, set: { levelPct: 85 } }], until: 300, raised: null },
  { name: 'FP-04 takes the low alarm level from the registry', rule: 'FP-04', initial: fire, attributes: { lowAlarmPct: 70 }, script: [{ at: 0, set: { levelPct: 75 } }], until: 300, raised: null },
  { name: 'FP-04 raises P3 above the high alarm level from the registry', rule: 'FP-04', initial: fire, attributes: { highAlarmPct: 95 }, script: [{ at: 0, set: { levelPct: 96 } }], until: 100, raised: [60, 3] },
  { name: 'FP-04 stays active at 79 %, clears 5 min back inside the band', rule: 'FP-04', initial: fire, script: [{ at: 0, set: { levelPct: 70 } }, { at: 100, set: { levelPct: 79 } }, { at: 200, set: { levelPct: 81 } }], until: 600, raised: [60, 2], cleared: 500 },
  // FP-06: fire pump cabinet phase loss ≥ 2 s → P2; clear restored ≥ 60 s.
  { name: 'FP-06 raises P2 after 2 s of phase loss on a fire cabinet', rule: 'FP-06', initial: fire, script: [{ at: 0, set: { vL2: 0 } }], until: 10, raised: [2, 2] },
  { name: 'FP-06 does not raise for a 1 s dip', rule: 'FP-06', initial: fire, script: [{ at: 0, set: { vL2: 0 } }, { at: 1, set: { vL2: 380 } }], until: 100, raised: null },
  { name: 'FP-06 ignores domestic stations (PU-09 covers them)', rule: 'FP-06', initial: domestic, script: [{ at: 0, set: { vL2: 0 } }], until: 100, raised: null },
  { name: 'FP-06 clears 60 s after the phase is restored, not after 59 s', rule: 'FP-06', initial: fire, script: [{ at: 0, set: { vL2: 0 } }, { at: 10, set: { vL2: 380 } }, { at: 69, set: { vL2: 100 } }, { at: 80, set: { vL2: 380 } }], until: 200, raised: [2, 2], cleared: 140 },
  { name: 'PU-09 is suppressed by design on a fire cabinet with phase loss (FP-06 supersedes)', rule: 'PU-09', initial: fire, script: [{ at: 0, set: { vL2: 0 } }], until: 100, raised: null },
]

describe.each([
  ['domestic boosters (PU-01…PU-06)', domesticCases],
  ['motor and supply (PU-07…PU-11)', motorCases],
  ['calendars (PU-12, FP-05)', calendarCases],
  ['sumps (SU-01…SU-03)', sumpCases],
  ['fire pumps (FP-01…FP-06)', firePumpCases],
])('%s', (_title, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => check(c))
})

describe('pump rule metadata', () => {
  it.each([
    ['PU-01', 2, false], ['PU-02', 2, false], ['PU-03', 2, false], ['PU-04', 3, false], ['PU-05', 3, false], ['PU-06', 2, false],
    ['PU-07', 3, false], ['PU-08', 3, false], ['PU-09', 3, false], ['PU-10', 3, false], ['PU-11', 3, false], ['PU-12', 4, false],
    ['SU-01', 3, false], ['SU-02', 1, true], ['SU-03', 2, false],
    ['FP-01', 2, false], ['FP-02', 1, false], ['FP-03', 1, true], ['FP-04', 2, false], ['FP-05', 3, false], ['FP-06', 2, false],
  ] as const)('%s has base priority P%i, latched %s (DOMAIN.md §3.2, §4.2 A5)', (id, priority, latched) => {
    const rule = ruleById(id)
    expect(rule).toMatchObject({ id, deviceType: 'pump', priority, latched })
  })

  it.each([['PU-02', 'E3'], ['SU-02', 'E3'], ['FP-02', 'E2'], ['FP-03', 'E2']] as const)('%s opens an emergency at %s', (id, level) => {
    expect(ruleById(id)?.emergency).toBe(level)
  })

  it.each([['SU-02', ['PLUMBING', 'ELECTRICAL']], ['FP-01', ['FIRE']], ['FP-02', ['FIRE']], ['PU-01', ['PLUMBING']]] as const)('%s dispatches %j', (id, skills) => {
    expect(ruleById(id)?.skills).toEqual(skills)
  })

  it('no pump rule evaluates while its station is offline (their delays freeze, DOMAIN.md §2)', () => {
    expect(PUMP_RULES.filter((r) => r.whileOffline)).toEqual([])
    const r = simulateRule('PU-01', [low(0.34), { at: 30, online: false }, { at: 90, set: { outletP: 0.34 }, online: false }], { initial: domestic, until: 200 })
    expect(r.raisedAt).toBeNull()
  })
})
