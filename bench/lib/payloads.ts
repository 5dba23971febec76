// Realistic payloads for the load generator, from the simulators' own generators
// (simulators/devices/*): for every kind of device in the fleet a few generators run through
// simulated hours, and what they would have published becomes a pool that devices of that kind
// replay in turn. Each send stamps a fresh `ts` and the device's own increasing `seq`
// (CONTRACT.md §2), so Vigil validates, dedupes and stores them like live traffic, while the
// generator spends no CPU on physics during the measurement.
import { DEMO_COUNTS, planFleet, type DeviceSpec, type FleetCounts } from '../../simulators/fleet-plan.js'
import { createSim } from '../../simulators/fleet.js'

export interface PoolMessage {
  kind: 'telemetry' | 'event'
  /** The JSON body without its braces and without ts/seq: `"position":"open",…`. */
  rest: string
}

export type Pools = Map<string, PoolMessage[]>

const SIMS_PER_KIND = 3
const MESSAGES_PER_SIM = 120
const STEP_MS = 1000
const MAX_STEPS = 40_000

/** Devices that publish alike share a pool: same type and the attributes their generator reads. */
export function poolKey(spec: Pick<DeviceSpec, 'type' | 'attributes' | 'location'>): string {
  const a = spec.attributes
  switch (spec.type) {
    case 'pump':
      return `pump:${String(a.system ?? 'domestic')}`
    case 'fire-door':
      return `fire-door:${String(a.doorType ?? 'NC')}:${spec.location.zone ?? 'Z1'}`
    case 'access-door':
      return `access-door:${String(a.requiredLevel ?? 1)}:${String(a.perimeter ?? false)}`
    case 'elevator':
    case 'fire-panel':
      return spec.type
  }
}

export function buildPools(specs: readonly DeviceSpec[], startMs = Date.now()): Pools {
  const pools: Pools = new Map()
  for (const spec of specs) {
    const key = poolKey(spec)
    if (pools.has(key)) continue
    const pool: PoolMessage[] = []
    for (let k = 0; k < SIMS_PER_KIND; k++) {
      const sim = createSim({ ...spec, id: `${spec.id}-pool${k}` }, 'bench-site-key')
      let got = 0
      for (let step = 0; step < MAX_STEPS && got < MESSAGES_PER_SIM; step++) {
        for (const m of sim.step(startMs + step * STEP_MS)) {
          const { ts: _ts, seq: _seq, ...body } = m.payload
          pool.push({ kind: m.kind, rest: JSON.stringify(body).slice(1, -1) })
          got++
        }
      }
    }
    pools.set(key, pool)
  }
  return pools
}

/** The demo site's mix of types (4 lifts, 2 pump stations, 12 fire doors, 8 access doors, 1 panel) scaled to n devices. */
export function scaledCounts(n: number): FleetCounts {
  const total = Object.values(DEMO_COUNTS).reduce((a, b) => a + b, 0)
  const scale = (k: number): number => Math.max(n >= total ? 1 : 0, Math.floor((k * n) / total))
  const c: FleetCounts = {
    elevators: scale(DEMO_COUNTS.elevators),
    pumps: scale(DEMO_COUNTS.pumps),
    fireDoors: scale(DEMO_COUNTS.fireDoors),
    accessDoors: scale(DEMO_COUNTS.accessDoors),
    firePanels: scale(DEMO_COUNTS.firePanels),
  }
  c.fireDoors += n - (c.elevators + c.pumps + c.fireDoors + c.accessDoors + c.firePanels)
  return c
}

export const planBenchFleet = (idPrefix: string, n: number): DeviceSpec[] => planFleet({ idPrefix, counts: scaledCounts(n) })

export function encodeMessage(m: PoolMessage, ts: number, seq: number): Buffer {
  return Buffer.from(m.rest.length > 0 ? `{"ts":${ts},"seq":${seq},${m.rest}}` : `{"ts":${ts},"seq":${seq}}`)
}
