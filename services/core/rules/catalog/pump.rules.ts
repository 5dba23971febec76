// Pump station rules, DOMAIN.md §3.2: domestic boosters (PU), sumps (SU) and fire pumps (FP,
// GB 50974). One alarm per station and rule, whichever of its pumps is concerned. Thresholds
// tagged OUR in DOMAIN.md are parameters (site/device overridable, DOMAIN.md §9).
import type { FlatState } from '../../model.js'
import {
  anyPump, attrNumber, happenedWithin, isFaulted, isRunning, mainPumps, num, phases, pumpIds, pumpValue, ratedAmps,
} from '../predicates.js'
import type { RuleContext, RuleDefinition } from '../rule-definition.js'

const system = (s: FlatState, name: string): boolean => s.system === name
// Limits are products of decimals (0.8 × 0.45 MPa is 0.36000000000000004 in binary): compare with a
// tolerance far below any sensor's resolution, so "< 0.8 × SP" excludes 0.36 MPa exactly.
const EPS = 1e-9
const below = (v: number, limit: number): boolean => v < limit - EPS
const atLeast = (v: number, limit: number): boolean => v >= limit - EPS
/** outletP < factor × setpointP, or undefined when either is not reported. */
const pressureBelow = (s: FlatState, factor: number): boolean | undefined => {
  const p = num(s, 'outletP')
  const sp = num(s, 'setpointP')
  return p !== undefined && sp !== undefined && sp > 0 ? below(p, factor * sp) : undefined
}
const anyRunning = (s: FlatState): boolean => anyPump(s, (id) => isRunning(s, id))
/** A tripped pump still reported running supplies no water. */
const healthyRunning = (s: FlatState): boolean => anyPump(s, (id) => isRunning(s, id) && !isFaulted(s, id))
const dryRunFault = (s: FlatState): boolean => anyPump(s, (id) => pumpValue(s, id, 'fault') === 'dry_run')
const maxPumpValue = (s: FlatState, field: string): number => Math.max(-Infinity, ...pumpIds(s).map((id) => num(s, `pumps.${id}.${field}`) ?? -Infinity))
const level = (s: FlatState): number | undefined => num(s, 'levelPct')
const fireRunning = (s: FlatState): boolean => mainPumps(s).some((id) => isRunning(s, id))
// SU-03's "level falling" is a trend over minutes and must hold on timer wake-ups too, when no new
// reading came: the last reading that moved the level moved it down. A plateau after a fall still
// counts (level sensors report in steps); any rise ends it.
const sumpFalling = (ctx: RuleContext): boolean => {
  const fell = ctx.lastAt('sump:fell')
  const rose = ctx.lastAt('sump:rose')
  return fell !== null && (rose === null || fell > rose)
}

export const PUMP_RULES: RuleDefinition[] = [
  {
    id: 'PU-01', title: 'Domestic water pressure low', deviceType: 'pump', kind: 'condition', priority: 2,
    latched: false, skills: ['PLUMBING'], params: { onDelaySec: 60, offDelaySec: 60, lowRatio: 0.8, clearRatio: 0.9 },
    holds: ({ state: s, params }) => system(s, 'domestic') && s.ctrlMode === 'auto' && pressureBelow(s, params.lowRatio ?? 0.8) === true,
    clears: ({ state: s, params }) => !system(s, 'domestic') || s.ctrlMode !== 'auto' || pressureBelow(s, params.clearRatio ?? 0.9) !== true,
  },
  {
    id: 'PU-02', title: 'Water supply lost', deviceType: 'pump', kind: 'condition', priority: 2,
    latched: false, skills: ['PLUMBING'], emergency: 'E3', params: { onDelaySec: 120, offDelaySec: 60, lostMPa: 0.05, lostRatio: 0.5, clearRatio: 0.9 },
    holds: ({ state: s, params: p }) => system(s, 'domestic')
      && (below(num(s, 'outletP') ?? Infinity, p.lostMPa ?? 0.05) || (!anyRunning(s) && pressureBelow(s, p.lostRatio ?? 0.5) === true)),
    // Without a reported setpoint only the absolute test can have raised it, so pressure above that clears.
    clears: ({ state: s, params: p }) => !system(s, 'domestic')
      || (pressureBelow(s, p.clearRatio ?? 0.9) ?? below(num(s, 'outletP') ?? 0, p.lostMPa ?? 0.05)) === false,
  },
  {
    // A sump pump runs its pit down by design; the low-level test applies to tanks. A dry_run fault
    // counts even once the protection has stopped the pump: the cause (empty tank, closed suction
    // valve) is still there and the standby would run dry too.
    id: 'PU-03', title: 'Pump running dry', deviceType: 'pump', kind: 'condition', priority: 2,
    latched: false, skills: ['PLUMBING'], params: { onDelaySec: 5, offDelaySec: 0, dryPct: 10, clearPct: 20 },
    holds: ({ state: s, params: p }) => dryRunFault(s) || (!system(s, 'sump') && anyRunning(s) && below(level(s) ?? 100, p.dryPct ?? 10)),
    clears: ({ state: s, params: p }) => (system(s, 'sump') || atLeast(level(s) ?? 100, p.clearPct ?? 20)) && !dryRunFault(s),
  },
  {
    // Low (< 30 % for 10 min) is the base condition; overflow (≥ 98 % for 2 min) is a stage of the
    // same priority with its own delay, so one alarm covers the tank.
    id: 'PU-04', title: 'Water tank level abnormal', deviceType: 'pump', kind: 'condition', priority: 3,
    latched: false, skills: ['PLUMBING'],
    params: { onDelaySec: 600, offDelaySec: 300, stage2DelaySec: 120, lowPct: 30, lowClearPct: 40, highPct: 98, highClearPct: 95 },
    holds: ({ state: s, params: p }) => system(s, 'domestic') && below(level(s) ?? 100, p.lowPct ?? 30),
    stages: [{ priority: 3, delayParam: 'stage2DelaySec', holds: ({ state: s, params: p }) => system(s, 'domestic') && atLeast(level(s) ?? 0, p.highPct ?? 98) }],
    clears: ({ state: s, params: p }) => !system(s, 'domestic') || (atLeast(level(s) ?? 50, p.lowClearPct ?? 40) && atLeast(p.highClearPct ?? 95, level(s) ?? 50)),
  },
  {
    // Standby must start ≤ 10 s after a duty trip (OUR duty/standby policy); a faulted standby while
    // the duty runs is the same loss of redundancy.
    id: 'PU-05', title: 'Pump tripped, standby took over', deviceType: 'pump', kind: 'condition', priority: 3,
    latched: false, skills: ['ELECTRICAL'], params: { onDelaySec: 0, offDelaySec: 0 },
    holds: ({ state: s }) => anyPump(s, (id) => isFaulted(s, id)) && healthyRunning(s),
    clears: ({ state: s }) => !anyPump(s, (id) => isFaulted(s, id)),
  },
  {
    // "Duty fault": a faulted standby or jockey while the duty is healthy is PU-05, not a station
    // without water. Demand is outletP < SP (assumed when not reported). Clears when a healthy pump
    // runs, or once no pump is faulted (the duty is available again even if nothing needs to run).
    id: 'PU-06', title: 'No pump available', deviceType: 'pump', kind: 'condition', priority: 2,
    latched: false, skills: ['ELECTRICAL'], params: { onDelaySec: 10, offDelaySec: 0 },
    holds: ({ state: s }) => {
      const ids = pumpIds(s)
      const allFaulted = ids.length > 0 && ids.every((id) => isFaulted(s, id))
      const dutyFaulted = ids.some((id) => isFaulted(s, id) && pumpValue(s, id, 'role') !== 'standby' && pumpValue(s, id, 'role') !== 'jockey')
      return allFaulted || (dutyFaulted && !healthyRunning(s) && pressureBelow(s, 1) !== false)
    },
    clears: ({ state: s }) => healthyRunning(s) || !anyPump(s, (id) => isFaulted(s, id)),
  },
  {
    // Class F insulation is rated 155 °C; margins OUR. One alarm per station: it keeps its highest
    // priority until the whole clears at ≤ 110 °C (the evaluator never lowers a priority, so
    // DOMAIN.md's "≤ 130 °C" return from P2 to P3 is not modelled).
    id: 'PU-07', title: 'Pump motor overheating', deviceType: 'pump', kind: 'condition', priority: 3,
    latched: false, skills: ['ELECTRICAL'], params: { onDelaySec: 60, offDelaySec: 60, stage2DelaySec: 10, warnC: 120, tripC: 140, clearC: 110 },
    holds: ({ state: s, params }) => maxPumpValue(s, 'motorTempC') >= (params.warnC ?? 120),
    stages: [{ priority: 2, delayParam: 'stage2DelaySec', holds: ({ state: s, params }) => maxPumpValue(s, 'motorTempC') >= (params.tripC ?? 140) }],
    clears: ({ state: s, params }) => maxPumpValue(s, 'motorTempC') <= (params.clearC ?? 110),
  },
  {
    // ISO 10816-3 group 2, rigid: zone B/C at 2.8 mm/s, C/D at 4.5 mm/s (same single-alarm note as PU-07).
    id: 'PU-08', title: 'Pump vibration high', deviceType: 'pump', kind: 'condition', priority: 3,
    latched: false, skills: ['PLUMBING'], params: { onDelaySec: 600, offDelaySec: 600, stage2DelaySec: 60, warnMmS: 2.8, tripMmS: 4.5, clearMmS: 2.3 },
    holds: ({ state: s, params }) => maxPumpValue(s, 'vibMmS') > (params.warnMmS ?? 2.8),
    stages: [{ priority: 2, delayParam: 'stage2DelaySec', holds: ({ state: s, params }) => maxPumpValue(s, 'vibMmS') > (params.tripMmS ?? 4.5) }],
    clears: ({ state: s, params }) => maxPumpValue(s, 'vibMmS') < (params.clearMmS ?? 2.3),
  },
  {
    // ±10 % motor tolerance to alarm, ±7 % supply deviation (GB/T 12325) to clear, < 190 V = phase loss.
    id: 'PU-09', title: 'Supply voltage abnormal', deviceType: 'pump', kind: 'condition', priority: 3,
    latched: false, skills: ['ELECTRICAL'],
    params: { onDelaySec: 10, offDelaySec: 60, stage2DelaySec: 2, lowV: 342, highV: 418, lossV: 190, clearLowV: 353.4, clearHighV: 406.6 },
    holds: ({ state: s, params: p }) => phases(s).some((v) => below(v, p.lowV ?? 342) || below(p.highV ?? 418, v)),
    stages: [{ priority: 2, delayParam: 'stage2DelaySec', holds: ({ state: s, params: p }) => phases(s).some((v) => below(v, p.lossV ?? 190)) }],
    clears: ({ state: s, params: p }) => phases(s).every((v) => atLeast(v, p.clearLowV ?? 353.4) && atLeast(p.clearHighV ?? 406.6, v)),
    // A phase lost on a fire pump cabinet is FP-06 (P2): the same outage must not annunciate twice.
    suppressedWhen: ({ state: s }) => (system(s, 'fire') && phases(s).some((v) => below(v, 190)) ? 'fire pump cabinet phase loss: FP-06 supersedes' : null),
  },
  {
    id: 'PU-10', title: 'Pump overcurrent', deviceType: 'pump', kind: 'condition', priority: 3,
    latched: false, skills: ['ELECTRICAL'], params: { onDelaySec: 60, offDelaySec: 60, raiseRatio: 1.1, clearRatio: 1.0 },
    holds: (ctx) => pumpIds(ctx.state).some((id) => amps(ctx, id, (a, rated) => below((ctx.params.raiseRatio ?? 1.1) * rated, a))),
    // Clears only below the rated current: at exactly 1.0 × ratedA it stays.
    clears: (ctx) => !pumpIds(ctx.state).some((id) => amps(ctx, id, (a, rated) => atLeast(a, (ctx.params.clearRatio ?? 1.0) * rated))),
  },
  {
    // Jockey pumps ≤ 15 starts per hour (GB 50974 §5.3.4): more means a leak or a failed pressure tank.
    id: 'PU-11', title: 'Pump short cycling', deviceType: 'pump', kind: 'condition', priority: 3,
    latched: false, skills: ['PLUMBING'], params: { onDelaySec: 0, offDelaySec: 3600, maxStarts: 15, clearStarts: 10 },
    holds: ({ state: s, params }) => maxPumpValue(s, 'startsLastHour') > (params.maxStarts ?? 15),
    clears: ({ state: s, params }) => maxPumpValue(s, 'startsLastHour') <= (params.clearStarts ?? 10),
  },
  {
    id: 'PU-12', title: 'Standby pump idle for a week', deviceType: 'pump', kind: 'condition', priority: 4,
    latched: false, skills: ['PLUMBING'], recheckEverySec: 3600, params: { onDelaySec: 0, offDelaySec: 0, idleDays: 7 },
    holds: (ctx) => pumpIds(ctx.state).some((id) => !happenedWithin(ctx, `running:${id}`, (ctx.params.idleDays ?? 7) * 86_400_000)),
    clears: (ctx) => pumpIds(ctx.state).every((id) => happenedWithin(ctx, `running:${id}`, (ctx.params.idleDays ?? 7) * 86_400_000)),
    stamps: ({ state: s }) => pumpIds(s).filter((id) => isRunning(s, id)).map((id) => `running:${id}`),
  },
  {
    id: 'SU-01', title: 'Sump level high', deviceType: 'pump', kind: 'condition', priority: 3,
    latched: false, skills: ['PLUMBING'], params: { onDelaySec: 30, offDelaySec: 300, highPct: 80, clearPct: 60 },
    holds: ({ state: s, params: p }) => system(s, 'sump') && atLeast(level(s) ?? 0, p.highPct ?? 80),
    clears: ({ state: s, params: p }) => !system(s, 'sump') || atLeast(p.clearPct ?? 60, level(s) ?? 0),
  },
  {
    // The floor sensor counts on any station (a burst main floods a booster room too); the pit level only on sumps.
    id: 'SU-02', title: 'Pump room flooding', deviceType: 'pump', kind: 'condition', priority: 1,
    latched: true, skills: ['PLUMBING', 'ELECTRICAL'], emergency: 'E3', params: { onDelaySec: 10, offDelaySec: 300, floodPct: 95, clearPct: 60 },
    holds: ({ state: s, params: p }) => s.floodWet === true || (system(s, 'sump') && atLeast(level(s) ?? 0, p.floodPct ?? 95)),
    clears: ({ state: s, params: p }) => s.floodWet !== true && (!system(s, 'sump') || atLeast(p.clearPct ?? 60, level(s) ?? 0)),
  },
  {
    // A fall restarts the 30 min; a rise breaks the 5 min of falling (sumpFalling).
    id: 'SU-03', title: 'Sump inflow exceeds pumping capacity', deviceType: 'pump', kind: 'condition', priority: 2,
    latched: false, skills: ['PLUMBING'], params: { onDelaySec: 1800, offDelaySec: 300, minPumps: 2 },
    holds: (ctx) => system(ctx.state, 'sump') && pumpIds(ctx.state).filter((id) => isRunning(ctx.state, id)).length >= (ctx.params.minPumps ?? 2) && !sumpFalling(ctx),
    clears: (ctx) => !system(ctx.state, 'sump') || sumpFalling(ctx),
    stamps: ({ state, previous }) => {
      const now = level(state)
      const before = level(previous)
      if (!system(state, 'sump') || now === undefined || before === undefined || now === before) return []
      return [now < before ? 'sump:fell' : 'sump:rose']
    },
  },
  {
    // GB 50974 §11.0.1 (mandatory): fire pump controllers stay in automatic start.
    id: 'FP-01', title: 'Fire pump not in automatic', deviceType: 'pump', kind: 'condition', priority: 2,
    latched: false, skills: ['FIRE'], params: { onDelaySec: 60, offDelaySec: 0 },
    holds: ({ state: s }) => system(s, 'fire') && s.ctrlMode !== undefined && s.ctrlMode !== 'auto',
    clears: ({ state: s }) => !system(s, 'fire') || s.ctrlMode === 'auto',
  },
  {
    // GB 50974 §11.0.3: automatic start within 2 min; the jockey pump is no fire pump.
    id: 'FP-02', title: 'Fire pump failed to start', deviceType: 'pump', kind: 'condition', priority: 1,
    latched: false, skills: ['FIRE'], emergency: 'E2', params: { onDelaySec: 120, offDelaySec: 0 },
    holds: ({ state: s }) => system(s, 'fire') && s.fireDemand === true && !fireRunning(s),
    clears: ({ state: s }) => s.fireDemand !== true || fireRunning(s),
  },
  {
    // GB 50974 §11.0.2: no automatic stop; only authorised staff stop a fire pump (a manual stop at
    // the controller, logged by its pumpStop event).
    id: 'FP-03', title: 'Fire pump stopped during demand', deviceType: 'pump', kind: 'trigger', priority: 1,
    latched: true, skills: ['FIRE'], emergency: 'E2', params: { offDelaySec: 0, authorisedStopSec: 30 },
    matches: (ctx) => system(ctx.state, 'fire') && ctx.state.fireDemand === true && fireRunning(ctx.previous) && !fireRunning(ctx.state)
      && ctx.now - (ctx.lastAt('authorisedStop') ?? -Infinity) > (ctx.params.authorisedStopSec ?? 30) * 1000,
    clears: ({ state: s }) => fireRunning(s) || s.fireDemand !== true,
    stamps: ({ event }) => (event?.event === 'pumpStop' && event.cause === 'manual' ? ['authorisedStop'] : []),
  },
  {
    // GB 50974 §4.3.9: high and low levels of the fire water tank shown in the control room; the
    // levels come from the registry (`lowAlarmPct`, `highAlarmPct`).
    id: 'FP-04', title: 'Fire water tank level abnormal', deviceType: 'pump', kind: 'condition', priority: 2,
    latched: false, skills: ['FIRE'], params: { onDelaySec: 60, offDelaySec: 300, stage2DelaySec: 60 },
    holds: (ctx) => system(ctx.state, 'fire') && below(level(ctx.state) ?? 100, attrNumber(ctx, 'lowAlarmPct', 80)),
    stages: [{ priority: 3, delayParam: 'stage2DelaySec', holds: (ctx) => system(ctx.state, 'fire') && below(attrNumber(ctx, 'highAlarmPct', 98), level(ctx.state) ?? 0) }],
    clears: (ctx) => !system(ctx.state, 'fire')
      || (atLeast(level(ctx.state) ?? 90, attrNumber(ctx, 'lowAlarmPct', 80)) && atLeast(attrNumber(ctx, 'highAlarmPct', 98), level(ctx.state) ?? 90)),
  },
  {
    // GB 50974 §14.0.4: weekly automatic test run, monthly manual run; a failed run is no test done.
    id: 'FP-05', title: 'Fire pump tests overdue', deviceType: 'pump', kind: 'condition', priority: 3,
    latched: false, skills: ['FIRE'], recheckEverySec: 3600, params: { onDelaySec: 0, offDelaySec: 0, weeklyDays: 7, monthlyDays: 31 },
    holds: (ctx) => system(ctx.state, 'fire') && !testsCurrent(ctx),
    clears: (ctx) => !system(ctx.state, 'fire') || testsCurrent(ctx),
    stamps: ({ event }) => (event?.event === 'testRun' && event.ok === true ? [`testRun:${String(event.kind)}`] : []),
  },
  {
    id: 'FP-06', title: 'Fire pump cabinet phase loss', deviceType: 'pump', kind: 'condition', priority: 2,
    latched: false, skills: ['ELECTRICAL'], params: { onDelaySec: 2, offDelaySec: 60, lossV: 190 },
    holds: ({ state: s, params: p }) => system(s, 'fire') && phases(s).some((v) => below(v, p.lossV ?? 190)),
    clears: ({ state: s, params: p }) => !system(s, 'fire') || phases(s).every((v) => atLeast(v, p.lossV ?? 190)),
  },
]

/** Applies `test(currentA, ratedA)` to one pump; false when either is unknown. */
function amps(ctx: RuleContext, id: string, test: (a: number, rated: number) => boolean): boolean {
  const rated = ratedAmps(ctx, id)
  const a = num(ctx.state, `pumps.${id}.currentA`)
  return rated !== undefined && a !== undefined && test(a, rated)
}

function testsCurrent(ctx: RuleContext): boolean {
  return happenedWithin(ctx, 'testRun:auto_weekly', (ctx.params.weeklyDays ?? 7) * 86_400_000)
    && happenedWithin(ctx, 'testRun:manual_monthly', (ctx.params.monthlyDays ?? 31) * 86_400_000)
}
