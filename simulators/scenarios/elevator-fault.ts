import { devicesOf, seconds, type Scenario } from './scenario.js'

// EL-06 raises after 60 s stopped by a fault with nobody inside (DOMAIN.md §3.1); 90 s leaves a margin.
const STOPPED_MS = 90_000
// GB/T 24476 code 08: "other fault preventing restart".
const GB_CODE = '08'

export const elevatorFault: Scenario = {
  name: 'elevator-fault',
  summary: 'an empty elevator stops at a landing with fault 08 and is out of service for 90 s, then is repaired (EL-06)',
  play(ctx) {
    const car = ctx.pick(devicesOf(ctx.devices, 'elevator'), 'an elevator')
    car.sim.faultStop(GB_CODE, ctx.nowMs, ctx.nowMs + STOPPED_MS)
    return {
      device: car,
      durationMs: STOPPED_MS,
      description: `${car.spec.name} (${car.spec.id}) stopped empty at a landing by fault ${GB_CODE}, out of service for ${seconds(STOPPED_MS)}: EL-06 P2 and a work order expected after 60 s; then the fault clears`,
    }
  },
}
