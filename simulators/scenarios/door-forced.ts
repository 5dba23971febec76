import { devicesOf, seconds, type Scenario } from './scenario.js'

// Shut again before AC-02's 30 s held-open threshold, so only AC-01 fires (DOMAIN.md §3.4).
const OPEN_MS = 20_000

export const doorForced: Scenario = {
  name: 'door-forced',
  summary: 'a perimeter or plant-room access door forced open, closed 20 s later (AC-01)',
  play(ctx) {
    const door = ctx.pick(
      devicesOf(ctx.devices, 'access-door').filter((d) => d.sim.perimeter || d.sim.requiredLevel >= 3),
      'a perimeter or plant-room access door',
    )
    door.sim.forceOpen(ctx.nowMs, ctx.nowMs + OPEN_MS)
    const priority = door.sim.perimeter || door.sim.requiredLevel >= 3 ? 'P2' : 'P3'
    return {
      device: door,
      durationMs: OPEN_MS,
      description: `${door.spec.name} (${door.spec.id}, level L${door.sim.requiredLevel}${door.sim.perimeter ? ', perimeter' : ''}) forced open: AC-01 ${priority} alarm expected at once; it closes after ${seconds(OPEN_MS)}`,
    }
  },
}
