// The rule catalog (DOMAIN.md §3). This first slice carries the four rules of the end-to-end
// issue; the rest of the catalog is added as data in the same shape.
import type { FlatState, Priority } from '../model.js'
import { numberParam, type RuleContext, type RuleDefinition } from './rule-definition.js'

const num = (s: FlatState, k: string): number | undefined => (typeof s[k] === 'number' ? (s[k] as number) : undefined)
const attr = (ctx: RuleContext, k: string): unknown => ctx.device.attributes[k]

/** DOMAIN.md §3.1: occupied ≡ occupied OR loadPct ≥ 5 (OUR). */
const isOccupied = (s: FlatState): boolean => s.occupied === true || (num(s, 'loadPct') ?? 0) >= 5

/** NC unless the registry or the door itself says NO. */
const doorType = (ctx: RuleContext): unknown => attr(ctx, 'doorType') ?? ctx.state.doorType

export const RULE_CATALOG: readonly RuleDefinition[] = Object.freeze([
  {
    // EL-01 trapped passenger, non-level: stopped between floors with the doors closed and somebody inside.
    id: 'EL-01',
    title: 'Passenger trapped between floors',
    deviceType: 'elevator',
    kind: 'condition',
    priority: 1,
    latched: true,
    skills: ['ELEVATOR'],
    params: { onDelaySec: 30, offDelaySec: 10 },
    holds: ({ state: s }) =>
      s['fault.11'] === true ||
      ((s.serviceMode === 1 || s.serviceMode === 5) && s.carStatus === 0 && s.doorClosed === true && s.doorZone === false && isOccupied(s)),
    // Clear: doors open and car empty (for offDelaySec); the alarm then latches until "end of alarm".
    clears: ({ state: s }) => s['fault.11'] !== true && s.doorClosed === false && !isOccupied(s),
  },
  {
    // FD-02 NC fire door propped open ("常閉門故障"), S0 #12; GB 29364 monitor practice ~1 min.
    id: 'FD-02',
    title: 'Fire door propped open',
    deviceType: 'fire-door',
    kind: 'condition',
    priority: 3,
    latched: false,
    skills: ['SECURITY'],
    params: { onDelaySec: 60, offDelaySec: 5 },
    holds: (ctx) => doorType(ctx) !== 'NO' && ctx.state.position === 'open',
    clears: (ctx) => ctx.state.position === 'closed' || doorType(ctx) === 'NO',
  },
  {
    // PU-01 domestic low pressure, with a deadband: raise below 0.8×SP, clear only at ≥ 0.9×SP.
    id: 'PU-01',
    title: 'Domestic water pressure low',
    deviceType: 'pump',
    kind: 'condition',
    priority: 2,
    latched: false,
    skills: ['PLUMBING'],
    params: { onDelaySec: 60, offDelaySec: 60, lowRatio: 0.8, clearRatio: 0.9 },
    holds: ({ state: s, params }) => {
      const p = num(s, 'outletP')
      const sp = num(s, 'setpointP')
      return s.system === 'domestic' && s.ctrlMode === 'auto' && p !== undefined && sp !== undefined && sp > 0 && p < numberParam(params, 'lowRatio') * sp
    },
    clears: ({ state: s, params }) => {
      const p = num(s, 'outletP')
      const sp = num(s, 'setpointP')
      return s.system !== 'domestic' || s.ctrlMode !== 'auto' || p === undefined || sp === undefined || p >= numberParam(params, 'clearRatio') * sp
    },
  },
  {
    // AC-01 door forced (GB 50396 §5.1.5): P2 for plant rooms (level ≥ 3) and perimeter doors, else P3.
    id: 'AC-01',
    title: 'Door forced open',
    deviceType: 'access-door',
    kind: 'event',
    priority: 3,
    priorityFor: (ctx): Priority => {
      const level = Number(ctx.event?.requiredLevel ?? attr(ctx, 'requiredLevel') ?? 0)
      return level >= 3 || attr(ctx, 'perimeter') === true ? 2 : 3
    },
    latched: false,
    skills: ['SECURITY'],
    params: { offDelaySec: 0 },
    matches: ({ event }) => event.event === 'forced_open',
    clears: ({ state: s }) => s.doorState === 'closed',
  },
] satisfies RuleDefinition[])

export const ruleById = (id: string): RuleDefinition | undefined => RULE_CATALOG.find((r) => r.id === id)
