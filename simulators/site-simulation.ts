// A whole simulated site with no I/O: steps every generator, applies scenarios and silences, and
// returns what would go on the wire. The runner adds the MQTT connections and the timer.
import type { DeviceType } from '../services/core/device-types.js'
import type { SimMessage } from './devices/device-sim.js'
import type { SimDevice } from './fleet.js'
import { findScenario, ScenarioError } from './scenarios/index.js'
import type { ScenarioContext } from './scenarios/scenario.js'

export interface OutboundMessage {
  deviceId: string
  type: DeviceType
  kind: SimMessage['kind']
  payload: Record<string, unknown>
}

export interface ScenarioRun {
  scenario: string
  deviceId: string
  startedAtMs: number
  endsAtMs: number
  description: string
}

export interface SiteSimulation {
  readonly devices: readonly SimDevice[]
  tick(nowMs: number): OutboundMessage[]
  /** Throws ScenarioError for an unknown or unavailable scenario, or when no device fits. */
  play(name: string, nowMs: number): ScenarioRun
  isSilent(deviceId: string, nowMs: number): boolean
}

export function createSiteSimulation(devices: readonly SimDevice[]): SiteSimulation {
  const silentUntil = new Map<string, number>()
  const busyUntil = new Map<string, number>()
  let plays = 0

  return {
    devices,
    tick(nowMs) {
      const out: OutboundMessage[] = []
      for (const { spec, sim } of devices) {
        // Physics runs on while silent; only the radio is off.
        const msgs = sim.step(nowMs)
        if ((silentUntil.get(spec.id) ?? 0) > nowMs) continue
        for (const m of msgs) out.push({ deviceId: spec.id, type: spec.type, kind: m.kind, payload: m.payload })
      }
      return out
    },
    play(name, nowMs) {
      const scenario = findScenario(name)
      const ctx: ScenarioContext = {
        nowMs,
        devices,
        pick(candidates, what) {
          if (candidates.length === 0) throw new ScenarioError(`scenario '${name}' needs ${what}, and this site has none`)
          for (let i = 0; i < candidates.length; i++) {
            const c = candidates[(plays + i) % candidates.length] as (typeof candidates)[number]
            if ((busyUntil.get(c.spec.id) ?? 0) <= nowMs) return c
          }
          throw new ScenarioError(`scenario '${name}': every candidate (${what}) is still busy with an earlier scenario`)
        },
        silence(deviceId, untilMs) {
          silentUntil.set(deviceId, untilMs)
        },
      }
      const played = scenario.play(ctx)
      plays += 1
      const endsAtMs = nowMs + played.durationMs
      busyUntil.set(played.device.spec.id, endsAtMs)
      return { scenario: scenario.name, deviceId: played.device.spec.id, startedAtMs: nowMs, endsAtMs, description: played.description }
    },
    isSilent: (deviceId, nowMs) => (silentUntil.get(deviceId) ?? 0) > nowMs,
  }
}
