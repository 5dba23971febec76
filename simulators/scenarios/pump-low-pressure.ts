import { devicesOf, seconds, type Scenario } from './scenario.js'

// PU-01 raises after 60 s below 0.8×setpoint and clears after 60 s at or above 0.9×SP (DOMAIN.md §3.2).
const LOW_MS = 90_000

export const pumpLowPressure: Scenario = {
  name: 'pump-low-pressure',
  summary: 'a domestic booster in auto loses pressure (< 0.8×setpoint) for 90 s, then recovers (PU-01)',
  play(ctx) {
    const station = ctx.pick(
      devicesOf(ctx.devices, 'pump').filter((d) => d.sim.system === 'domestic'),
      'a domestic booster pump station',
    )
    station.sim.lowPressure(ctx.nowMs + LOW_MS)
    const sp = station.sim.setpointP
    return {
      device: station,
      durationMs: LOW_MS,
      description: `${station.spec.name} (${station.spec.id}) outlet pressure drops to about ${(sp * 0.62).toFixed(2)} MPa (setpoint ${sp} MPa) for ${seconds(LOW_MS)}: PU-01 P2 expected after 60 s; recovers to the setpoint`,
    }
  },
}
