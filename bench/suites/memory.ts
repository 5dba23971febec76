// Issue #8 item 5: resident memory per connected device. Each run starts a fresh Vigil process on
// the same registered devices, reads its RSS once it is up, connects every device (each says
// `{"online":true}`, as real ones do), lets it settle, and reads the RSS again: (after − before) / N.
import { setTimeout as sleep } from 'node:timers/promises'
import { startLoadFleet, type LoadFleet } from '../lib/load-fleet.js'
import type { LoadDevice } from '../lib/load-protocol.js'
import type { Pools } from '../lib/payloads.js'
import { figure, type Figure } from '../lib/stats.js'
import type { VigilSession } from '../lib/vigil-session.js'

export interface MemoryResult {
  connections: number
  perDeviceKB: Figure
  rssBeforeMB: number[]
  rssAfterMB: number[]
}

const SETTLE_MS = 2000

/**
 * The last run's devices stay connected and are handed back: disconnecting 10,000 devices at once
 * sends Vigil into a burst of offline handling (silent-device alarms among it) that the next
 * measurement must not start inside.
 */
export async function benchMemory(o: { session: VigilSession; devices: LoadDevice[]; pools: Pools; runs: number; log: (line: string) => void }): Promise<{ result: MemoryResult; fleet: LoadFleet }> {
  const perDevice: number[] = []
  const before: number[] = []
  const after: number[] = []
  let fleet: LoadFleet | null = null
  for (let run = 1; run <= o.runs; run++) {
    await fleet?.close()
    await o.session.restart()
    await sleep(SETTLE_MS)
    const rss0 = o.session.vigil.rssBytes()
    fleet = await startLoadFleet({ host: '127.0.0.1', port: o.session.vigil.mqttPort, devices: o.devices, pools: o.pools, processes: 2 })
    await sleep(SETTLE_MS)
    const rss1 = o.session.vigil.rssBytes()
    perDevice.push((rss1 - rss0) / 1024 / o.devices.length)
    before.push(Math.round(rss0 / 1e6))
    after.push(Math.round(rss1 / 1e6))
    o.log(`  memory run ${run}: ${Math.round(rss0 / 1e6)} MB → ${Math.round(rss1 / 1e6)} MB with ${o.devices.length} connections: ${perDevice.at(-1)!.toFixed(1)} KB per device`)
  }
  if (fleet === null) throw new Error('benchMemory needs at least one run')
  return { result: { connections: o.devices.length, perDeviceKB: figure(perDevice), rssBeforeMB: before, rssAfterMB: after }, fleet }
}
