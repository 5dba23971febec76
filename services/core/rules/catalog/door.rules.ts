// Fire door (DOMAIN.md §3.3, GB 29364 monitor, GB 50116 §4.6.1) and access-control (§3.4,
// GB 50396 §5.1.5, GB 50348 §14.4) rules.
import type { Priority } from '../../model.js'
import { attrNumber, doorType } from '../predicates.js'
import type { RuleContext, RuleDefinition } from '../rule-definition.js'

/** During a fire in the zone FD-05 supersedes the propped-door rules (DOMAIN.md §3.3). */
const fireInZone = (ctx: RuleContext): string | null => (ctx.fire.zone ? 'fire in the zone: FD-05 supervises this door' : null)
const ncOpen = (ctx: RuleContext): boolean => doorType(ctx) !== 'NO' && ctx.state.position === 'open'
const ncClosed = (ctx: RuleContext): boolean => ctx.state.position === 'closed' || doorType(ctx) === 'NO'
const evacuationRoute = (ctx: RuleContext): boolean => ctx.device.attributes.evacuationRoute === true
/** An evacuation door without a zone follows any fire in its building. */
const fireForDoor = (ctx: RuleContext): boolean => (ctx.device.location.zone ? ctx.fire.zone : ctx.fire.building)
/**
 * FD-03 "released without fire linkage": a release the door itself reports as caused by the fire
 * linkage is not abnormal, even when the FACP of that zone does not report to Vigil.
 */
const releaseStamps = ({ event, state }: RuleContext): string[] => [
  ...(event?.event === 'release' && event.cause === 'fire_linkage' ? ['release:fire-linkage'] : []),
  ...(state.holder === 'energized' ? ['holder:energized'] : []),
]
const releasedByLinkage = (ctx: RuleContext): boolean =>
  (ctx.lastAt('release:fire-linkage') ?? -Infinity) > (ctx.lastAt('holder:energized') ?? -Infinity)
const forcedPriority = (ctx: RuleContext): Priority => {
  const level = Number(ctx.event?.requiredLevel ?? attrNumber(ctx, 'requiredLevel', 0))
  return level >= 3 || ctx.device.attributes.perimeter === true ? 2 : 3
}

export const FIRE_DOOR_RULES: RuleDefinition[] = [
  {
    id: 'FD-01', title: 'Normally-closed fire door open', deviceType: 'fire-door', kind: 'condition', priority: 4,
    latched: false, skills: [], params: { onDelaySec: 10, offDelaySec: 5 },
    holds: ncOpen, clears: ncClosed, suppressedWhen: fireInZone,
  },
  {
    // S0 #12 fire doors normally closed; GB 29364 monitor practice: "fault" at about 1 min.
    id: 'FD-02', title: 'Fire door propped open', deviceType: 'fire-door', kind: 'condition', priority: 3,
    latched: false, skills: ['SECURITY'], params: { onDelaySec: 60, offDelaySec: 5 },
    holds: ncOpen, clears: ncClosed, suppressedWhen: fireInZone,
  },
  {
    id: 'FD-03', title: 'Held-open fire door released without a fire', deviceType: 'fire-door', kind: 'condition', priority: 4,
    latched: false, skills: ['LOWVOLT'], params: { onDelaySec: 5, offDelaySec: 0 },
    holds: (ctx) => doorType(ctx) === 'NO' && ctx.state.holder === 'released' && !ctx.fire.zone && ctx.state.releaseCmd !== true && !releasedByLinkage(ctx),
    stamps: releaseStamps,
    clears: (ctx) => doorType(ctx) !== 'NO' || ctx.fire.zone || (ctx.state.holder === 'energized' && ctx.state.position === 'open'),
  },
  {
    // GB 29364 fault alarm; heartbeat lost = offline after 3 × 60 s.
    id: 'FD-04', title: 'Fire door monitor fault or offline', deviceType: 'fire-door', kind: 'condition', priority: 3,
    latched: false, skills: ['FIRE'], whileOffline: true, params: { onDelaySec: 30, offDelaySec: 60, stage2DelaySec: 0 },
    holds: ({ state: s }) => s.fault !== undefined && s.fault !== 'none',
    stages: [{ priority: 3, delayParam: 'stage2DelaySec', holds: (ctx) => !ctx.online }],
    clears: (ctx) => ctx.online && (ctx.state.fault === undefined || ctx.state.fault === 'none'),
  },
  {
    // GB 50116 §4.6.1 linkage; GB 29364: command within 30 s, plus 30 s to close (OUR). DOMAIN.md
    // says "NC door open"; an NC door reporting `unknown` has not confirmed closing either, and
    // §4.6.1 requires that feedback, so any door not reporting closed counts.
    id: 'FD-05', title: 'Fire door did not close on fire', deviceType: 'fire-door', kind: 'condition', priority: 1,
    latched: false, skills: ['FIRE', 'SECURITY'], emergency: 'E2', params: { onDelaySec: 60, offDelaySec: 0 },
    holds: (ctx) => ctx.fire.zone && ctx.state.position !== 'closed',
    clears: (ctx) => !ctx.fire.zone || ctx.state.position === 'closed',
  },
  {
    id: 'FD-06', title: 'Fire door closer fault', deviceType: 'fire-door', kind: 'condition', priority: 3,
    latched: false, skills: ['FIRE'], params: { onDelaySec: 60, offDelaySec: 60 },
    holds: ({ state: s }) => s.closer === 'fault',
    clears: ({ state: s }) => s.closer !== 'fault',
  },
]

export const ACCESS_DOOR_RULES: RuleDefinition[] = [
  {
    // GB 50396 §5.1.5; the centre must see it within 2 s (§5.1.2).
    id: 'AC-01', title: 'Door forced open', deviceType: 'access-door', kind: 'trigger', priority: 3, priorityFor: forcedPriority,
    latched: false, skills: ['SECURITY'], params: { offDelaySec: 0 },
    matches: ({ event }) => event?.event === 'forced_open',
    clears: ({ state: s }) => s.doorState === 'closed',
  },
  {
    // GB 50348 §14.4.1(3) door left open; the registry's heldOpenSec sets the first stage.
    id: 'AC-02', title: 'Door held open', deviceType: 'access-door', kind: 'condition', priority: 4,
    latched: false, skills: ['SECURITY'], attributeParams: { onDelaySec: 'heldOpenSec' }, params: { onDelaySec: 30, offDelaySec: 0, stage2DelaySec: 120 },
    holds: ({ state: s }) => s.doorState === 'open',
    stages: [{ priority: 3, delayParam: 'stage2DelaySec', holds: ({ state: s }) => s.doorState === 'open' }],
    clears: ({ state: s }) => s.doorState === 'closed',
  },
  {
    // GB 50396 §5.1.5(1): alarm after at most 5 wrong attempts.
    id: 'AC-03', title: 'Repeated access denials', deviceType: 'access-door', kind: 'count', source: 'message', priority: 3,
    latched: false, skills: ['SECURITY'], params: { windowSec: 60, count: 5, offDelaySec: 600 },
    counts: ({ event }) => event?.event === 'denied',
    clears: () => true,
  },
  {
    id: 'AC-04', title: 'Access controller tampered', deviceType: 'access-door', kind: 'condition', priority: 2,
    latched: false, skills: ['LOWVOLT', 'SECURITY'], params: { onDelaySec: 0, offDelaySec: 0 },
    holds: ({ state: s }) => s.tamper === true,
    clears: ({ state: s }) => s.tamper !== true,
  },
  {
    // GB 50396 §5.1.5(5)(6): mains cut and network failure; offline = 3 × 20 s silent.
    id: 'AC-05', title: 'Access controller offline or on battery', deviceType: 'access-door', kind: 'condition', priority: 3,
    latched: false, skills: ['LOWVOLT'], whileOffline: true, params: { onDelaySec: 60, offDelaySec: 60, stage2DelaySec: 0 },
    holds: ({ state: s }) => s.mains === false,
    stages: [{ priority: 3, delayParam: 'stage2DelaySec', holds: (ctx) => !ctx.online }],
    clears: (ctx) => ctx.online && ctx.state.mains !== false,
  },
  {
    // GB 50116 §4.10.3, GB 50396 §9.0.1(2) (mandatory): evacuation doors unlock on fire. The 10 s
    // run from the fire signal (the unlock command goes out with it), not from the door's
    // `fire_unlock` report: a door that never got the command is the same failure.
    id: 'AC-06', title: 'Evacuation door did not unlock on fire', deviceType: 'access-door', kind: 'condition', priority: 1,
    latched: false, skills: ['LOWVOLT', 'SECURITY'], emergency: 'E2', params: { onDelaySec: 10, offDelaySec: 0 },
    holds: (ctx) => evacuationRoute(ctx) && fireForDoor(ctx) && ctx.state.lockState === 'locked',
    clears: (ctx) => !fireForDoor(ctx) || ctx.state.lockState !== 'locked',
  },
  {
    // Granted, single denials, exit requests and closings need no operator action (ISA-18.2): they
    // are kept as access records, never annunciated.
    id: 'AC-07', title: 'Access events (record only)', deviceType: 'access-door', kind: 'trigger', priority: 4,
    latched: false, skills: [], params: {},
    matches: () => false,
    clears: () => true,
  },
]
