// The two Vigil sessions of the suite. Each is one Vigil with everything switched on (the 10
// dashboard clients subscribed, every rule at its defaults) and devices registered through the API.
//   small: 1,000 connections: QoS 1 and QoS 0 sustained rates (the pair compared with bare aedes).
//   large: 10,000 connections on two sites of 5,000: memory per device, the QoS 1 sustained rate,
//          alarm latency and offline detection under background load, and the wall display with
//          one site's 5,000 tiles on screen.
import { readdirSync } from 'node:fs'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startLoadFleet } from '../lib/load-fleet.js'
import type { LoadDevice } from '../lib/load-protocol.js'
import { buildPools, planBenchFleet } from '../lib/payloads.js'
import { summariseProfile, type ProfileSummary } from '../lib/profile.js'
import { startScreens } from '../lib/screens.js'
import { startVigilSession } from '../lib/vigil-session.js'
import { benchAlarmOffline, PROBE_SITE, probeSpecs, type AlarmOfflineResult } from './alarm-offline.js'
import { benchDashboard, type DashboardResult } from './dashboard.js'
import { benchMemory, type MemoryResult } from './memory.js'
import { benchVigilIngest, type IngestResult } from './vigil-ingest.js'

const SCREEN_CLIENTS = 10

export interface SmallSessionResult {
  ingest: IngestResult
  profile: ProfileSummary | null
}

export async function runSmallSession(o: { connections: number; runs: number; qos0: boolean; profile: boolean; log: (line: string) => void }): Promise<SmallSessionResult> {
  const session = await startVigilSession()
  const profDir = o.profile ? mkdtempSync(path.join(tmpdir(), 'vigil-bench-prof-')) : null
  try {
    const specs = planBenchFleet('s-', o.connections)
    const pools = buildPools(specs)
    const devices = await session.register('bench-s', specs)
    // Profiling covers this Vigil process from its start to its stop: the load and little else.
    if (profDir !== null) await session.restart({ cpuProfDir: profDir })
    const screens = await startScreens({ url: session.vigil.http, token: session.api.token, siteIds: ['bench-s'], clients: SCREEN_CLIENTS })
    const fleet = await startLoadFleet({ host: '127.0.0.1', port: session.vigil.mqttPort, devices, pools, processes: 2 })
    try {
      const ingest = await benchVigilIngest({ http: session.vigil.http, fleet, screens, qos0: o.qos0, runs: o.runs, start: 1500, log: o.log })
      return { ingest, profile: profDir === null ? null : await stopAndSummarise(session, profDir) }
    } finally {
      await fleet.close()
      await screens.close()
    }
  } finally {
    await session.close()
  }
}

async function stopAndSummarise(session: { vigil: { stop(): Promise<void> } }, dir: string): Promise<ProfileSummary | null> {
  await session.vigil.stop()
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
  return file ? summariseProfile(path.join(dir, file)) : null
}

export interface LargeSessionResult {
  registerMs: number
  memory: MemoryResult
  ingest: IngestResult
  alarmOffline: AlarmOfflineResult
  dashboard: DashboardResult
}

export async function runLargeSession(o: { connections: number; runs: number; log: (line: string) => void }): Promise<LargeSessionResult> {
  const session = await startVigilSession()
  try {
    const half = Math.floor(o.connections / 2)
    const a = planBenchFleet('a-', half)
    const b = planBenchFleet('b-', o.connections - half)
    const pools = buildPools([...a, ...b])
    const t = performance.now()
    const onA = await session.register('bench-a', a)
    const onB = await session.register('bench-b', b)
    const probes = await session.register(PROBE_SITE, probeSpecs(o.runs))
    const registerMs = performance.now() - t
    o.log(`  registered ${a.length + b.length + probes.length} devices through the API in ${(registerMs / 1000).toFixed(1)} s`)
    // Interleaved, so any total rate falls half on each site (the wall display shows one).
    const devices: LoadDevice[] = onA.flatMap((d, i) => (onB[i] ? [d, onB[i]] : [d]))
    const { result: memory, fleet } = await benchMemory({ session, devices, pools, runs: o.runs, log: o.log })
    try {
      const screens = await startScreens({ url: session.vigil.http, token: session.api.token, siteIds: ['bench-a', 'bench-b'], clients: SCREEN_CLIENTS })
      try {
        const ingest = await benchVigilIngest({ http: session.vigil.http, fleet, screens, qos0: false, runs: o.runs, start: 1500, log: o.log })
        const backgroundRate = Math.max(100, Math.round(ingest.qos1.figure.median / 2))
        const alarmOffline = await benchAlarmOffline({ session, fleet, probes, backgroundRate, runs: o.runs, log: o.log })
        // 1,000 state changes a second on the 5,000 tiles of site A (and as many on site B).
        const dashboard = await benchDashboard({ http: session.vigil.http, siteId: 'bench-a', tiles: a.length, fleet, rate: 2000, onScreenShare: 0.5, runs: o.runs, log: o.log })
        return { registerMs, memory, ingest, alarmOffline, dashboard }
      } finally {
        await screens.close()
      }
    } finally {
      await fleet.close()
    }
  } finally {
    await session.close()
  }
}
