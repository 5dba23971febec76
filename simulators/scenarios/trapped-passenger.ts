import { devicesOf, seconds, type Scenario } from './scenario.js'

// EL-01 needs 30 s stopped outside the door zone, doors closed, occupied (DOMAIN.md §3.1).
const TRAPPED_MS = 45_000

export const trappedPassenger: Scenario = {
  name: 'trapped-passenger',
  summary: 'an elevator stops between floors with passengers inside for 45 s, then is released (EL-01)',
  play(ctx) {
    const car = ctx.pick(devicesOf(ctx.devices, 'elevator'), 'an elevator')
    car.sim.trap(ctx.nowMs + TRAPPED_MS)
    return {
      device: car,
      durationMs: TRAPPED_MS,
      description: `${car.spec.name} (${car.spec.id}) stopped between floors with passengers, doors closed, for ${seconds(TRAPPED_MS)}: EL-01 P1 (latched) expected after 30 s; then levelled, doors open, passengers out`,
    }
  },
}
