import { devicesOf, seconds, type Scenario } from './scenario.js'

// SU-02 raises after 10 s of water on the floor; it latches until an operator resets it (DOMAIN.md §3.2).
const WET_MS = 40_000

export const pumpRoomFlood: Scenario = {
  name: 'pump-room-flood',
  summary: "the floor sensor of a pump room (the sump's, when there is one) turns wet for 40 s (SU-02)",
  play(ctx) {
    const stations = devicesOf(ctx.devices, 'pump')
    const sumps = stations.filter((d) => d.sim.system === 'sump')
    const station = ctx.pick(sumps.length > 0 ? sumps : stations, 'a pump station')
    station.sim.flood(ctx.nowMs + WET_MS)
    return {
      device: station,
      durationMs: WET_MS,
      description: `${station.spec.name} (${station.spec.id}) pump-room floor wet for ${seconds(WET_MS)}: SU-02 P1 (latched, emergency E3) expected after 10 s; reset it once the floor is dry`,
    }
  },
}
