// A scenario plays one fault on one device of a running simulation (CONTRACT.md §5 `--scenario`),
// long enough for its rule to fire, then lets the device recover.
import type { AnySim, SimDevice } from '../fleet.js'

export type SimOf<K extends AnySim['type']> = SimDevice & { sim: Extract<AnySim, { type: K }> }

export interface ScenarioContext {
  readonly nowMs: number
  readonly devices: readonly SimDevice[]
  /** The next candidate not busy with another scenario, rotating between plays; throws ScenarioError when none. */
  pick<D extends SimDevice>(candidates: readonly D[], what: string): D
  /** The device publishes nothing until `untilMs` (it stays connected, so no will message). */
  silence(deviceId: string, untilMs: number): void
}

export interface ScenarioPlay {
  device: SimDevice
  durationMs: number
  /** One readable line: what happens, to which device, and what Vigil should show. */
  description: string
}

export interface Scenario {
  name: string
  summary: string
  play(ctx: ScenarioContext): ScenarioPlay
}

export class ScenarioError extends Error {
  override name = 'ScenarioError'
}

export function devicesOf<K extends AnySim['type']>(devices: readonly SimDevice[], type: K): Array<SimOf<K>> {
  return devices.filter((d): d is SimOf<K> => d.sim.type === type)
}

export const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`
