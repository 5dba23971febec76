// Issue #10 item 6: the soak. One Vigil, 1,000 connections publishing realistic telemetry at QoS 1
// at the sustained rate for an hour (`--soak-minutes` shortens it), 10 dashboard clients
// subscribed, every rule on. Every sample interval it reads Vigil's resident memory and V8 heap,
// the ingest backlog and what the fleet got acknowledged, and forces fresh doors open to time the
// alarm path (publish → socket.io `alarm`). Drift compares the first and the last 10 minutes (or
// the first and last fifth of a shorter run): a leak or a slowly growing queue shows there.
import { setTimeout as sleep } from 'node:timers/promises'
import { forkWorker } from '../lib/child.js'
import { startLoadFleet } from '../lib/load-fleet.js'
import { buildPools, planBenchFleet } from '../lib/payloads.js'
import type { FromProbe, ProbeDevice, ToProbe } from '../lib/probe-worker.js'
import { startScreens } from '../lib/screens.js'
import { percentile, round } from '../lib/stats.js'
import { readMetrics } from '../lib/vigil-metrics.js'
import { ADMIN_PASSWORD, startVigilSession } from '../lib/vigil-session.js'
import type { DeviceSpec } from '../../simulators/fleet-plan.js'

const SITE = 'bench-soak'
// Each sample's doors are in a site of their own: ten forced doors a minute in one site would put
// it in alarm-flood mode within the first sample and keep every probe alarm of the hour open there,
// so the soak would time a growing flood rather than the steady alarm path.
const probeSite = (sample: number): string => `bench-soak-probe-${sample + 1}`
const DOORS_PER_SAMPLE = 10
const SCREEN_CLIENTS = 10

export interface SoakSample {
  atSec: number
  rssMB: number
  heapUsedMB: number
  /** V8 heap right after Vigil's last full collection: the floor of the sawtooth heapUsedMB samples. */
  heapAfterGcMB: number
  backlog: number
  /** Messages acknowledged per second since the previous sample. */
  ackedPerSec: number
  alarmP50Ms: number
  alarmP99Ms: number
  alarmMissing: number
  /** Probe links (socket.io, MQTT) that had to be re-opened since the previous sample. */
  probeReconnects: number
  /** Dashboard clients connected at the sample, of SCREEN_CLIENTS. */
  screensConnected: number
}

export interface SoakDrift {
  windowSec: number
  first: { rssMB: number; heapUsedMB: number; heapAfterGcMB: number; alarmP99Ms: number; ackedPerSec: number }
  last: { rssMB: number; heapUsedMB: number; heapAfterGcMB: number; alarmP99Ms: number; ackedPerSec: number }
  /** last ÷ first: 1.0 is flat. */
  ratio: { rssMB: number; heapUsedMB: number; heapAfterGcMB: number; alarmP99Ms: number; ackedPerSec: number }
}

export interface SoakResult {
  minutes: number
  connections: number
  offeredRate: number
  sampleEverySec: number
  samples: SoakSample[]
  drift: SoakDrift
}

/** Mean of the finite values: a sample whose probes all went missing has no latency to average. */
const mean = (values: readonly number[]): number => {
  const xs = values.filter(Number.isFinite)
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length
}

export function soakDrift(samples: readonly SoakSample[], totalSec: number): SoakDrift {
  // The first and last 10 minutes of an hour; a fifth of a shorter run (at least one sample each).
  const windowSec = Math.min(600, Math.max(1, Math.round(totalSec / 5)))
  const endSec = samples.at(-1)?.atSec ?? 0
  const pick = (inWindow: (s: SoakSample) => boolean, fallback: SoakSample | undefined): SoakSample[] => {
    const xs = samples.filter(inWindow)
    return xs.length > 0 ? xs : fallback ? [fallback] : []
  }
  const head = pick((s) => s.atSec <= windowSec, samples[0])
  const tail = pick((s) => s.atSec > endSec - windowSec, samples.at(-1))
  const summary = (xs: SoakSample[]) => ({
    rssMB: round(mean(xs.map((s) => s.rssMB)), 1),
    heapUsedMB: round(mean(xs.map((s) => s.heapUsedMB)), 1),
    heapAfterGcMB: round(mean(xs.map((s) => s.heapAfterGcMB)), 1),
    alarmP99Ms: round(mean(xs.map((s) => s.alarmP99Ms)), 1),
    ackedPerSec: Math.round(mean(xs.map((s) => s.ackedPerSec))),
  })
  const first = summary(head)
  const last = summary(tail)
  const r = (k: keyof typeof first): number => round(last[k] / first[k], 3)
  return { windowSec, first, last, ratio: { rssMB: r('rssMB'), heapUsedMB: r('heapUsedMB'), heapAfterGcMB: r('heapAfterGcMB'), alarmP99Ms: r('alarmP99Ms'), ackedPerSec: r('ackedPerSec') } }
}

export async function benchSoak(o: { minutes: number; connections: number; rate: number; log: (line: string) => void }): Promise<SoakResult> {
  const totalSec = Math.round(o.minutes * 60)
  const sampleEverySec = Math.max(10, Math.min(60, Math.round(totalSec / 30)))
  const sampleCount = Math.floor(totalSec / sampleEverySec)
  const session = await startVigilSession()
  try {
    const specs = planBenchFleet('k-', o.connections)
    const devices = await session.register(SITE, specs)
    const probes: ProbeDevice[] = []
    for (let sample = 0; sample < sampleCount; sample++) {
      const doors: DeviceSpec[] = Array.from({ length: DOORS_PER_SAMPLE }, (_, k) => ({
        id: `soak-AC-${sample * DOORS_PER_SAMPLE + k + 1}`, type: 'access-door', name: `Soak door ${sample * DOORS_PER_SAMPLE + k + 1}`, location: { building: 'P', floor: 1 },
        attributes: { requiredLevel: 1, perimeter: false, heldOpenSec: 30 },
      }))
      for (const p of await session.register(probeSite(sample), doors)) probes.push({ id: p.id, type: 'access-door', secret: p.secret, siteId: p.siteId })
    }
    // An hour outlives the 15-minute access token: screens and probes sign in again on a reconnection.
    const login = { username: 'admin', password: ADMIN_PASSWORD }
    const screens = await startScreens({ url: session.vigil.http, token: session.api.token, login, siteIds: [SITE], clients: SCREEN_CLIENTS })
    const fleet = await startLoadFleet({ host: '127.0.0.1', port: session.vigil.mqttPort, devices, pools: buildPools(specs), processes: 2 })
    const w = forkWorker<ToProbe, FromProbe>(new URL('../lib/probe-worker.ts', import.meta.url), 'probe')
    try {
      const ready = await w.request({ cmd: 'init', url: session.vigil.http, token: session.api.token, login, mqttHost: '127.0.0.1', mqttPort: session.vigil.mqttPort, devices: probes }, 'ready', 120_000)
      if (ready.error !== null) throw new Error(`probe worker: ${ready.error}`)
      o.log(`  soak: ${o.connections} connections at ${o.rate}/s QoS 1 for ${o.minutes} min, a sample every ${sampleEverySec} s`)
      fleet.setRate(o.rate, 1)
      const started = performance.now()
      let prev = await fleet.snapshot()
      const samples: SoakSample[] = []
      for (let i = 0; i < sampleCount; i++) {
        await sleep(Math.max(0, started + (i + 1) * sampleEverySec * 1000 - performance.now()))
        const ids = probes.slice(i * DOORS_PER_SAMPLE, (i + 1) * DOORS_PER_SAMPLE).map((p) => p.id)
        const alarms = await w.request({ cmd: 'alarms', deviceIds: ids, intervalMs: 50, timeoutMs: 10_000 }, 'alarms', 60_000)
        const snap = await fleet.snapshot()
        const seen = await screens.counts()
        const m = await readMetrics(session.vigil.http, ['nodejs_heap_size_used_bytes', 'vigil_heap_after_major_gc_bytes', 'vigil_ingest_backlog_messages'])
        const sample: SoakSample = {
          atSec: Math.round((performance.now() - started) / 1000),
          rssMB: round(session.vigil.rssBytes() / 1e6, 1),
          heapUsedMB: round((m.nodejs_heap_size_used_bytes ?? NaN) / 1e6, 1),
          // 0: no full collection yet (the series is absent until then).
          heapAfterGcMB: round((m.vigil_heap_after_major_gc_bytes || NaN) / 1e6, 1),
          backlog: m.vigil_ingest_backlog_messages ?? NaN,
          ackedPerSec: Math.round((snap.acked - prev.acked) / ((snap.atMs - prev.atMs) / 1000)),
          alarmP50Ms: round(percentile(alarms.latenciesMs, 50), 1),
          alarmP99Ms: round(percentile(alarms.latenciesMs, 99), 1),
          alarmMissing: alarms.missing,
          probeReconnects: alarms.reconnects,
          screensConnected: seen.connected,
        }
        prev = snap
        samples.push(sample)
        o.log(`  soak ${sample.atSec} s: RSS ${sample.rssMB} MB, heap ${sample.heapUsedMB} MB (${sample.heapAfterGcMB} after GC), ${sample.ackedPerSec}/s acknowledged, backlog ${sample.backlog}, alarm p50 ${sample.alarmP50Ms} ms p99 ${sample.alarmP99Ms} ms${sample.alarmMissing ? `, ${sample.alarmMissing} missing` : ''}${sample.probeReconnects ? `, ${sample.probeReconnects} probe links re-opened` : ''}${sample.screensConnected < SCREEN_CLIENTS ? `, ${sample.screensConnected} of ${SCREEN_CLIENTS} screens connected` : ''}`)
      }
      fleet.setRate(0, 1)
      const drift = soakDrift(samples, totalSec)
      o.log(`  soak drift (first vs last ${drift.windowSec} s): RSS ×${drift.ratio.rssMB}, heap ×${drift.ratio.heapUsedMB} (after GC ×${drift.ratio.heapAfterGcMB}), alarm p99 ×${drift.ratio.alarmP99Ms}, acknowledged rate ×${drift.ratio.ackedPerSec}`)
      return { minutes: o.minutes, connections: o.connections, offeredRate: o.rate, sampleEverySec, samples, drift }
    } finally {
      await w.request({ cmd: 'close' }, 'closed', 10_000).catch(() => undefined)
      await w.kill()
      await fleet.close()
      await screens.close()
    }
  } finally {
    await session.close()
  }
}
