import { devicesOf, seconds, type Scenario } from './scenario.js'

// PU-03 raises 5 s into a dry run (tank below 10 % with a pump running, or a dry_run trip) (DOMAIN.md §3.2).
const DRY_MS = 60_000

export const pumpDryRun: Scenario = {
  name: 'pump-dry-run',
  summary: "a domestic booster's break tank runs empty: the duty pump runs dry and trips on dry_run; refilled after 60 s (PU-03)",
  play(ctx) {
    const station = ctx.pick(
      devicesOf(ctx.devices, 'pump').filter((d) => d.sim.system === 'domestic'),
      'a domestic booster pump station',
    )
    station.sim.dryRun(ctx.nowMs + DRY_MS)
    return {
      device: station,
      durationMs: DRY_MS,
      description: `${station.spec.name} (${station.spec.id}) break tank empties and the duty pump runs dry, then trips (dry_run) for ${seconds(DRY_MS)}: PU-03 P2 and a plumbing work order expected; then the tank is refilled`,
    }
  },
}
