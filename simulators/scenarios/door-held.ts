import { devicesOf, seconds, type Scenario } from './scenario.js'

// AC-02 raises P4 after the registry's heldOpenSec (30 s), P3 after 120 s (DOMAIN.md §3.4); 45 s stays in stage 1.
const HELD_MS = 45_000

export const doorHeld: Scenario = {
  name: 'door-held',
  summary: 'someone badges through an access door and leaves it standing open for 45 s (AC-02)',
  play(ctx) {
    const door = ctx.pick(devicesOf(ctx.devices, 'access-door'), 'an access door')
    door.sim.holdOpen(ctx.nowMs, ctx.nowMs + HELD_MS)
    return {
      device: door,
      durationMs: HELD_MS,
      description: `${door.spec.name} (${door.spec.id}) held open after a valid entry for ${seconds(HELD_MS)}: AC-02 P4 expected after ${String(door.spec.attributes.heldOpenSec ?? 30)} s; then it closes`,
    }
  },
}
