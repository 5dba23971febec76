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
  /** A fire signal in `zone` from `nowMs`, cleared (after investigation and reset) at `clearAtMs`. */
  fireUntil(nowMs: number, zone: string, clearAtMs: number): void
}

// Not in DOMAIN.md's heartbeat list; supervised like a fire-door monitor (services/core/device-types.ts).
const PERIOD_MS = 60_000

export function createFirePanelSim(opts: FirePanelOptions): FirePanelSim {
  const env = createEnvelope()
  const cadence = createCadence()
  const pending: SimMessage[] = []
  const clears = new Map<string, number>()
  const fire = (nowMs: number, zone: string, active: boolean): void => {
    pending.push(env.stamp('event', nowMs, { event: 'fire', zone, state: active ? 'active' : 'cleared' }))
  }
  return {
    id: opts.id,
    type: 'fire-panel',
    fire,
    fireUntil(nowMs, zone, clearAtMs) {
      fire(nowMs, zone, true)
      clears.set(zone, clearAtMs)
    },
    step(nowMs) {
      for (const [zone, at] of clears) {
        if (nowMs < at) continue
        clears.delete(zone)
        fire(nowMs, zone, false)
      }
      const out = pending.splice(0)
      if (cadence.due(nowMs, false, PERIOD_MS)) out.push(env.stamp('telemetry', nowMs, { mains: true, battery: 'ok', fault: false }))
      return out
    },
  }
}
