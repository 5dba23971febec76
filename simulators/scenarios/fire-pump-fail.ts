import { devicesOf, seconds, type Scenario } from './scenario.js'

// FP-02 raises when the main fire pumps have not started 120 s into a fire demand (GB 50974 §11.0.3).
const DEMAND_MS = 150_000

export const firePumpFail: Scenario = {
  name: 'fire-pump-fail',
  summary: 'a hydrant opens a fire demand and both main fire pumps trip on start for 150 s (FP-02); needs a fire pump set (--pumps 3 or more)',
  play(ctx) {
    const station = ctx.pick(
      devicesOf(ctx.devices, 'pump').filter((d) => d.sim.system === 'fire'),
      'a fire pump set (the simulator adds one from --pumps 3)',
    )
    station.sim.fireDemandNoStart(ctx.nowMs + DEMAND_MS)
    return {
      device: station,
      durationMs: DEMAND_MS,
      description: `${station.spec.name} (${station.spec.id}) fire demand with FP1 and FP2 tripped (overload), only the jockey running, for ${seconds(DEMAND_MS)}: FP-02 P1 (emergency E2) expected after 120 s`,
    }
  },
}
