// The fire alarm control panel's gateway (DOMAIN.md §2 "Fire signal input"): quiet on a normal
// day, mains present and battery ok, reporting a heartbeat so its supervision stays green.
import { createCadence, createEnvelope, type DeviceSim, type SimMessage } from './device-sim.js'

export interface FirePanelOptions {
  id: string
}

export interface FirePanelSim extends DeviceSim {
  readonly type: 'fire-panel'
  /** A zone's fire signal raised or cleared (`{"event":"fire","zone","state"}`). */
  fire(nowMs: number, zone: string, active: boolean): void
}

// Not in DOMAIN.md's heartbeat list; supervised like a fire-door monitor (services/core/device-types.ts).
const PERIOD_MS = 60_000

export function createFirePanelSim(opts: FirePanelOptions): FirePanelSim {
  const env = createEnvelope()
  const cadence = createCadence()
  const pending: SimMessage[] = []
  return {
    id: opts.id,
    type: 'fire-panel',
    fire(nowMs, zone, active) {
      pending.push(env.stamp('event', nowMs, { event: 'fire', zone, state: active ? 'active' : 'cleared' }))
    },
    step(nowMs) {
      const out = pending.splice(0)
      if (cadence.due(nowMs, false, PERIOD_MS)) out.push(env.stamp('telemetry', nowMs, { mains: true, battery: 'ok', fault: false }))
      return out
    },
  }
}
