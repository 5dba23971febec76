import { devicesOf, seconds, type Scenario } from './scenario.js'

// FD-02 raises at 60 s open and clears 5 s after closing (DOMAIN.md §3.3); 75 s leaves a margin.
const OPEN_MS = 75_000

export const fireDoorPropped: Scenario = {
  name: 'fire-door-propped',
  summary: 'an NC fire door wedged open for 75 s, then closed (FD-02)',
  play(ctx) {
    const door = ctx.pick(
      devicesOf(ctx.devices, 'fire-door').filter((d) => d.sim.doorType === 'NC'),
      'a normally-closed fire door',
    )
    door.sim.propOpen(ctx.nowMs + OPEN_MS)
    return {
      device: door,
      durationMs: OPEN_MS,
      description: `${door.spec.name} (${door.spec.id}, zone ${door.spec.location.zone ?? '-'}) propped open for ${seconds(OPEN_MS)}: FD-02 alarm expected after 60 s, then it closes`,
    }
  },
}
