// Elevator rules, DOMAIN.md §3.1 (GB/T 24476 fields; EN 81-28 alarm filtering and end of alarm).
import type { FlatState, Priority } from '../../model.js'
import { attrNumber, daysUntil, happenedWithin, isOccupied, num } from '../predicates.js'
import type { RuleContext, RuleDefinition } from '../rule-definition.js'

const inPassengerService = (s: FlatState): boolean => s.serviceMode === 1 || s.serviceMode === 5
const stoppedClosed = (s: FlatState): boolean => inPassengerService(s) && s.carStatus === 0 && s.doorClosed === true
const fault = (s: FlatState, code: string): boolean => s[`fault.${code}`] === true
/** EL-11: inspection mode suppresses the trap and fault-stop rules by design. */
const inspection = ({ state }: RuleContext): string | null => (state.serviceMode === 2 ? 'inspection mode (EL-11)' : null)
/** A passenger released: doors open and nobody inside (EL-01/02 clear). */
const released = (s: FlatState): boolean => !fault(s, '11') && s.doorClosed === false && !isOccupied(s)
/**
 * EL-02 "alarm button in window": pressed during this standstill, i.e. after the car last ran or
 * opened its doors. A window tied to the on-delay dropped a press made just before the timer
 * started, and let EL-02b raise a second alarm for the same incident once it ran out.
 */
const standstillStamps = ({ state }: RuleContext): string[] => [
  ...(state.alarmButton === true ? ['alarmButton'] : []),
  ...(state.carStatus === 1 || state.doorClosed === false ? ['car:ran-or-opened'] : []),
]
const pressedThisStandstill = (ctx: RuleContext): boolean =>
  ctx.state.alarmButton === true || (ctx.lastAt('alarmButton') ?? -Infinity) > (ctx.lastAt('car:ran-or-opened') ?? -Infinity)
/** EN 81-28 filtering: a call counts only from a stopped car with its doors closed. */
const callFromClosedCar = (s: FlatState): boolean => s.carStatus === 0 && s.doorClosed === true
const occupiedPriority = (ctx: RuleContext): Priority => (isOccupied(ctx.state) ? 1 : 2)
const overspeed = (ctx: RuleContext): boolean => {
  const rated = ctx.device.attributes.ratedSpeed
  const speed = num(ctx.state, 'speed')
  // "above 115 %": 1.15 × 1.75 is 2.0124999… in floating point, so exactly 115 % would trip.
  return typeof rated === 'number' && speed !== undefined && speed - (ctx.params.overspeedRatio ?? 1.15) * rated > 1e-9
}
const STOP_FAULTS = ['01', '02', '03', '04', '06', '07', '08']

export const ELEVATOR_RULES: RuleDefinition[] = [
  {
    id: 'EL-01', title: 'Passenger trapped between floors', deviceType: 'elevator', kind: 'condition', priority: 1,
    latched: true, skills: ['ELEVATOR'], emergency: 'E3', params: { onDelaySec: 30, offDelaySec: 10, trappedCodeDelaySec: 0 },
    holds: ({ state: s }) => stoppedClosed(s) && s.doorZone === false && isOccupied(s),
    // "… for ≥30 s; OR gbCode 11 active": the controller's own trapped code already waited (vendor
    // firmware uses 20-30 s), so it raises at once instead of another 30 s later.
    stages: [{ priority: 1, delayParam: 'trappedCodeDelaySec', holds: ({ state: s }) => fault(s, '11') }],
    clears: ({ state: s }) => released(s),
    suppressedWhen: inspection,
  },
  {
    id: 'EL-02', title: 'Passenger trapped at a landing', deviceType: 'elevator', kind: 'condition', priority: 1,
    latched: true, skills: ['ELEVATOR'], emergency: 'E3', params: { onDelaySec: 60, offDelaySec: 10 },
    holds: (ctx) => stoppedClosed(ctx.state) && ctx.state.doorZone === true && isOccupied(ctx.state) && (fault(ctx.state, '03') || pressedThisStandstill(ctx)),
    clears: ({ state: s }) => released(s),
    suppressedWhen: inspection,
    stamps: standstillStamps,
  },
  {
    // The operator must voice-check: somebody inside a closed car at a landing for 3 minutes.
    id: 'EL-02b', title: 'Occupied car standing closed at a landing', deviceType: 'elevator', kind: 'condition', priority: 2,
    latched: false, skills: ['ELEVATOR'], params: { onDelaySec: 180, offDelaySec: 10 },
    holds: (ctx) => stoppedClosed(ctx.state) && ctx.state.doorZone === true && isOccupied(ctx.state) && !fault(ctx.state, '03') && !pressedThisStandstill(ctx),
    clears: ({ state: s }) => s.doorClosed === false || !isOccupied(s),
    suppressedWhen: inspection,
    stamps: standstillStamps,
  },
  {
    // EN 81-28 filtering: a press with the doors open at a landing is logged, not alarmed.
    id: 'EL-03', title: 'Alarm call from the car', deviceType: 'elevator', kind: 'condition', priority: 1,
    latched: true, skills: ['ELEVATOR'], params: { onDelaySec: 3, offDelaySec: 0 },
    holds: ({ state: s }) => s.alarmButton === true && callFromClosedCar(s),
    // An `alarmCall` event (DOMAIN.md §3.1) reports a call that already lasted `durationMs`: it raises
    // at once. Its delay parameter is deliberately absent (0): the event is true only while evaluated.
    stages: [{
      priority: 1, delayParam: 'alarmCallEventDelaySec',
      holds: ({ event, state, params }) => event?.event === 'alarmCall' && callFromClosedCar(state)
        && typeof event.durationMs === 'number' && event.durationMs >= (params.onDelaySec ?? 3) * 1000,
    }],
    clears: ({ state: s }) => s.alarmButton !== true,
  },
  {
    id: 'EL-04', title: 'Door open while running', deviceType: 'elevator', kind: 'condition', priority: 1, priorityFor: occupiedPriority,
    latched: true, skills: ['ELEVATOR'], emergency: 'E3', params: { onDelaySec: 1, offDelaySec: 0 },
    holds: ({ state: s }) => s.carStatus === 1 && (num(s, 'speed') ?? 0) > 0.1 && s.doorClosed === false,
    clears: ({ state: s }) => s.carStatus === 0 || s.doorClosed === true,
  },
  {
    // Governor trips at ≥ 115 % of rated speed (GB 7588).
    id: 'EL-05', title: 'Unintended movement, overtravel or overspeed', deviceType: 'elevator', kind: 'condition', priority: 1, priorityFor: occupiedPriority,
    latched: true, skills: ['ELEVATOR'], emergency: 'E3', params: { onDelaySec: 1, offDelaySec: 0, overspeedRatio: 1.15 },
    holds: (ctx) => fault(ctx.state, '05') || fault(ctx.state, '09') || fault(ctx.state, '10') || overspeed(ctx),
    clears: (ctx) => !fault(ctx.state, '05') && !fault(ctx.state, '09') && !fault(ctx.state, '10') && !overspeed(ctx),
  },
  {
    id: 'EL-06', title: 'Elevator stopped by a fault', deviceType: 'elevator', kind: 'condition', priority: 2,
    latched: false, skills: ['ELEVATOR'], params: { onDelaySec: 60, offDelaySec: 300 },
    holds: ({ state: s }) => (STOP_FAULTS.some((c) => fault(s, c)) || s.serviceMode === 0) && !isOccupied(s),
    clears: ({ state: s }) => s.serviceMode === 1 && !STOP_FAULTS.some((c) => fault(s, c)),
    suppressedWhen: inspection,
  },
  {
    id: 'EL-07', title: 'Elevator mains power lost', deviceType: 'elevator', kind: 'condition', priority: 2,
    latched: false, skills: ['ELECTRICAL'], params: { onDelaySec: 10, offDelaySec: 60 },
    holds: ({ state: s }) => s.power !== undefined && s.power !== 'mains',
    clears: ({ state: s }) => s.power === 'mains',
  },
  {
    // GB 50116 §4.7: on fire the car returns to its home floor in fire mode and opens its doors.
    id: 'EL-08', title: 'Fire recall failed', deviceType: 'elevator', kind: 'condition', priority: 1,
    latched: false, skills: ['ELEVATOR', 'FIRE'], emergency: 'E2', params: { onDelaySec: 120, offDelaySec: 0 },
    holds: (ctx) => ctx.fire.building && !recalled(ctx),
    clears: (ctx) => !ctx.fire.building || recalled(ctx),
  },
  {
    id: 'EL-09', title: 'Repeated elevator faults', deviceType: 'elevator', kind: 'count', source: 'alarm', priority: 3,
    latched: false, skills: ['ELEVATOR'], params: { windowSec: 30 * 86_400, count: 3, offDelaySec: 30 * 86_400 },
    counts: (ctx) => ctx.raisedRuleId === 'EL-04' || ctx.raisedRuleId === 'EL-05' || ctx.raisedRuleId === 'EL-06',
    clears: () => true,
  },
  {
    // EN 81-28: a test call at least every 3 days and 1 h of backup; offline after 3 × 30 s silent.
    id: 'EL-10', title: 'Remote alarm or connection unhealthy', deviceType: 'elevator', kind: 'condition', priority: 3,
    latched: false, skills: ['LOWVOLT'], whileOffline: true, recheckEverySec: 60,
    params: { onDelaySec: 0, offDelaySec: 60, testIntervalHours: 72, minBatteryMin: 60 },
    holds: (ctx) => !elevatorHealthy(ctx),
    clears: (ctx) => elevatorHealthy(ctx),
    stamps: ({ event }) => (event?.event === 'remoteAlarmTest' && event.ok === true ? ['remoteAlarmTest:ok'] : []),
  },
  {
    id: 'EL-11', title: 'Inspection mode left on', deviceType: 'elevator', kind: 'condition', priority: 4,
    latched: false, skills: [], params: { onDelaySec: 4 * 3600, offDelaySec: 0 },
    holds: ({ state: s }) => s.serviceMode === 2,
    clears: ({ state: s }) => s.serviceMode !== 2,
  },
  {
    // Special Equipment Safety Law Art. 40: apply a month before expiry; never run uninspected.
    id: 'EL-12', title: 'Inspection certificate expiring', deviceType: 'elevator', kind: 'condition', priority: 4,
    latched: false, skills: ['ELEVATOR'], recheckEverySec: 3600,
    params: { onDelaySec: 0, offDelaySec: 0, warnDays: 30, urgentDays: 7, stage2DelaySec: 0, stage3DelaySec: 0 },
    holds: (ctx) => (daysUntil(ctx, 'certificateExpiry') ?? Infinity) <= (ctx.params.warnDays ?? 30),
    clears: (ctx) => (daysUntil(ctx, 'certificateExpiry') ?? Infinity) > (ctx.params.warnDays ?? 30),
    stages: [
      { priority: 3, delayParam: 'stage2DelaySec', holds: (ctx) => (daysUntil(ctx, 'certificateExpiry') ?? Infinity) <= (ctx.params.urgentDays ?? 7) },
      { priority: 2, delayParam: 'stage3DelaySec', holds: (ctx) => (daysUntil(ctx, 'certificateExpiry') ?? Infinity) < 0 },
    ],
  },
  {
    // TSG regulation §31: maintenance at least every 15 days. Needs completed PM work orders (issue #4).
    id: 'EL-13', title: 'Half-monthly maintenance overdue', deviceType: 'elevator', kind: 'condition', priority: 3,
    latched: false, skills: ['ELEVATOR'], recheckEverySec: 3600, disabledByDefault: true,
    params: { onDelaySec: 0, offDelaySec: 0, intervalDays: 15 },
    holds: (ctx) => !happenedWithin(ctx, 'pm:half-monthly', (ctx.params.intervalDays ?? 15) * 86_400_000),
    clears: (ctx) => happenedWithin(ctx, 'pm:half-monthly', (ctx.params.intervalDays ?? 15) * 86_400_000),
  },
  {
    id: 'EL-14', title: 'Door reopening repeatedly', deviceType: 'elevator', kind: 'count', source: 'message', priority: 4,
    latched: false, skills: [], params: { windowSec: 60, count: 5, offDelaySec: 600 },
    // A reopening is a door opening after it closed at this landing without the car running in
    // between; counting every opening at "the same floor" counted a busy car's ordinary stops.
    counts: (ctx) => ctx.previous.doorClosed === true && ctx.state.doorClosed === false && ctx.previous.floor === ctx.state.floor
      && (ctx.lastAt('door:closed') ?? -Infinity) > (ctx.lastAt('car:ran') ?? -Infinity),
    stamps: ({ state, previous }) => [
      ...(previous.doorClosed === false && state.doorClosed === true ? ['door:closed'] : []),
      ...(state.carStatus === 1 ? ['car:ran'] : []),
    ],
    clears: () => true,
  },
]

function recalled(ctx: RuleContext): boolean {
  const s = ctx.state
  // Firefighter service (mode 4) is entered only after the recall, and the firefighters then take
  // the car away from the home floor with its doors closed: that is not a recall failure.
  if (s.serviceMode === 4) return true
  return s.serviceMode === 3 && s.floor === attrNumber(ctx, 'homeFloor', 1) && s.doorClosed === false
}

function elevatorHealthy(ctx: RuleContext): boolean {
  const battery = num(ctx.state, 'remoteAlarmBatteryMin')
  return ctx.online
    && happenedWithin(ctx, 'remoteAlarmTest:ok', (ctx.params.testIntervalHours ?? 72) * 3_600_000)
    && (battery === undefined || battery >= (ctx.params.minBatteryMin ?? 60))
}
