// Offline supervision that DOMAIN.md §3 leaves out. §1 #14 asks that every silent device be
// noticed, yet only elevators (EL-10), fire doors (FD-04) and access controllers (AC-05) have a
// heartbeat rule: a silent pump station (fire pumps included) or fire alarm panel would only turn
// its tile grey. These two rules (our ids, in the style of the catalog) close that gap.
import type { Priority } from '../../model.js'
import type { RuleContext, RuleDefinition } from '../rule-definition.js'

const offline = (ctx: RuleContext): boolean => !ctx.online

export const SUPERVISION_RULES: RuleDefinition[] = [
  {
    // Offline after 3 missed 10 s heartbeats (DOMAIN.md §2); a fire pump set unseen is a fire-protection risk.
    id: 'PU-13', title: 'Pump station controller offline', deviceType: 'pump', kind: 'condition', priority: 3,
    priorityFor: (ctx): Priority => (ctx.state.system === 'fire' ? 2 : 3),
    latched: false, skills: ['LOWVOLT'], whileOffline: true, params: { onDelaySec: 0, offDelaySec: 60 },
    holds: offline,
    clears: (ctx) => ctx.online,
  },
  {
    // Without the panel Vigil cannot see fire signals, so linkage supervision (EL-08, FD-05, AC-06) is blind.
    id: 'FA-01', title: 'Fire alarm panel offline', deviceType: 'fire-panel', kind: 'condition', priority: 2,
    latched: false, skills: ['FIRE'], whileOffline: true, params: { onDelaySec: 0, offDelaySec: 60 },
    holds: offline,
    clears: (ctx) => ctx.online,
  },
]
