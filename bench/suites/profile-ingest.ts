// `npm run bench -- --only profile`: where Vigil's main thread spends its time at a fixed QoS 1 load,
// at any number of connections (the full suite's `--profile` covers only the 1,000-connection
// search). The set-up is the large session's: two sites, the 10 dashboard clients on both, every
// rule on; Vigil runs under --cpu-prof from its start to its stop, and the load is held for a while.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startLoadFleet } from '../lib/load-fleet.js'
import type { LoadDevice } from '../lib/load-protocol.js'
import { buildPools, planBenchFleet } from '../lib/payloads.js'
import { summariseProfile, type ProfileSummary } from '../lib/profile.js'
import { startScreens } from '../lib/screens.js'
import { round } from '../lib/stats.js'
import { startVigilSession } from '../lib/vigil-session.js'

export interface IngestProfile {
  connections: number
  offeredPerSec: number
  seconds: number
  ackedPerSec: number
  ackP50Ms: number
  ackP99Ms: number
  /** CPU the load generator's processes used, in cores. */
  generatorCores: number
  profile: ProfileSummary | null
}

const SCREEN_CLIENTS = 10
const WARM_UP_MS = 5000

export async function benchProfileIngest(o: { connections: number; rate: number; seconds: number; log: (line: string) => void }): Promise<IngestProfile> {
  const session = await startVigilSession()
  const profDir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-prof-'))
  try {
    const half = Math.floor(o.connections / 2)
    const a = planBenchFleet('a-', half)
    const b = planBenchFleet('b-', o.connections - half)
    const onA = await session.register('bench-a', a)
    const onB = await session.register('bench-b', b)
    const devices: LoadDevice[] = onA.flatMap((d, i) => (onB[i] ? [d, onB[i]] : [d]))
    o.log(`  registered ${devices.length} devices; restarting Vigil under --cpu-prof`)
    await session.restart({ cpuProfDir: profDir })
    const screens = await startScreens({ url: session.vigil.http, token: session.api.token, siteIds: ['bench-a', 'bench-b'], clients: SCREEN_CLIENTS })
    const fleet = await startLoadFleet({ host: '127.0.0.1', port: session.vigil.mqttPort, devices, pools: buildPools([...a, ...b]), processes: 2 })
    let measured: Omit<IngestProfile, 'profile'>
    try {
      fleet.setRate(o.rate, 1)
      await sleep(WARM_UP_MS)
      const s0 = await fleet.snapshot()
      await sleep(o.seconds * 1000)
      const s1 = await fleet.snapshot()
      const sec = (s1.atMs - s0.atMs) / 1000
      measured = {
        connections: devices.length,
        offeredPerSec: o.rate,
        seconds: round(sec, 1),
        ackedPerSec: Math.round((s1.acked - s0.acked) / sec),
        ackP50Ms: round(s1.ackLatency.percentile(50), 1),
        ackP99Ms: round(s1.ackLatency.percentile(99), 1),
        generatorCores: round((s1.cpuMs - s0.cpuMs) / 1000 / sec, 2),
      }
      o.log(`  ${measured.ackedPerSec}/s acknowledged of ${o.rate}/s offered, PUBACK p50 ${measured.ackP50Ms} ms p99 ${measured.ackP99Ms} ms; the generator used ${measured.generatorCores} cores`)
      fleet.setRate(0, 1)
    } finally {
      await fleet.close()
      await screens.close()
    }
    await session.vigil.stop()
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))
    return { ...measured, profile: file ? summariseProfile(path.join(profDir, file), 25) : null }
  } finally {
    await session.close()
    rmSync(profDir, { recursive: true, force: true })
  }
}
