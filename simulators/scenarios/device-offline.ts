import { offlineTimeoutMs } from '../../services/core/device-types.js'
import { devicesOf, seconds, type Scenario } from './scenario.js'

// Silent 15 s beyond the type's offline timeout (3 missed heartbeats, DOMAIN.md §2).
const MARGIN_MS = 15_000

export const deviceOffline: Scenario = {
  name: 'device-offline',
  summary: 'an access-door controller goes silent (no will) past its offline timeout, then resumes',
  play(ctx) {
    // Interior doors: their 60 s timeout is the shortest visible one, and door-forced never picks them.
    const door = ctx.pick(
      devicesOf(ctx.devices, 'access-door').filter((d) => !d.sim.perimeter && d.sim.requiredLevel < 3),
      'an interior access door',
    )
    const timeout = offlineTimeoutMs(door.spec.type)
    const silentMs = timeout + MARGIN_MS
    ctx.silence(door.spec.id, ctx.nowMs + silentMs)
    return {
      device: door,
      durationMs: silentMs,
      description: `${door.spec.name} (${door.spec.id}) goes silent for ${seconds(silentMs)}: offline expected after ${seconds(timeout)}, back online when it resumes`,
    }
  },
}
