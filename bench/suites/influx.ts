// InfluxDB as Vigil's telemetry store (VIGIL_INFLUX_URL, issue #5), on a private influxd 1.x
// (tests/helpers/influx-server.ts):
//  (a) write throughput through Vigil's own InfluxDB store (spool + sender): batches of pump and
//      elevator telemetry from the simulators are appended until InfluxDB has confirmed them all;
//      points/s = line-protocol lines (one per message) per second. Baseline, in the same run: the
//      same lines POSTed to influxd's /write in chunks of the sender's size, one at a time, over a
//      keep-alive connection.
//  (b) history p95 of 1-minute aggregates of one field over 24 h and 7 d through the store's
//      history(), after seeding a pump every 10 s for 7 days (with 100 neighbours every 5 minutes),
//      as the SQLite history suite does.
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { createInfluxTelemetryStore, type InfluxTelemetryStore } from '../../services/adapters/influx/influx.store.js'
import { toLine } from '../../services/adapters/influx/influx-point.js'
import { SENDER_DEFAULTS } from '../../services/adapters/influx/spool-sender.js'
import { createMetrics } from '../../services/adapters/metrics.js'
import type { AcceptedMessage } from '../../services/core/ports.js'
import type { DeviceSpec } from '../../simulators/fleet-plan.js'
import { startInfluxServer, type InfluxServer } from '../../tests/helpers/influx-server.js'
import { buildPools, planBenchFleet, poolKey } from '../lib/payloads.js'
import { figure, type Figure } from '../lib/stats.js'
import { NEIGHBOURS, PUMP, seedWeek, timeWeekQueries, toMessage } from '../lib/history-week.js'

const BATCH = 1000

export interface InfluxResult {
  points: number
  devices: number
  storePointsPerSec: Figure
  rawPointsPerSec: Figure
  ratio: Figure
  historyRows: number
  historySeedMs: number
  store24hP95Ms: Figure
  store7dP95Ms: Figure
  points24h: number
  points7d: number
}

type Log = (line: string) => void

function openStore(server: InfluxServer, db: string, dataDir: string, devices: Map<string, DeviceSpec>): InfluxTelemetryStore {
  return createInfluxTelemetryStore({
    influx: { version: 1, url: server.url, db, rp: 'raw', user: null, password: null },
    dataDir,
    spoolMaxBytes: 4 * 1024 * 1024 * 1024,
    lookupDevice: (id) => {
      const d = devices.get(id)
      return d === undefined ? undefined : { type: d.type, location: { building: d.location.building } }
    },
    metrics: createMetrics(),
    logger: pino({ level: 'silent' }),
    wallNow: () => Date.now(),
  })
}

async function count(server: InfluxServer, db: string, measurements: readonly string[]): Promise<number> {
  let total = 0
  for (const m of measurements) {
    // Every line carries the device tag; count(*) per field, the largest is the line count.
    const r = await server.query(`SELECT count(*) FROM "${db}"."raw"."${m}"`)
    const values = r.results[0]?.series?.[0]?.values[0]?.slice(1) ?? []
    total += Math.max(0, ...values.map((v) => Number(v)))
  }
  return total
}

/** Telemetry of `devices` pumps and elevators, `perDevice` messages each, in the last minute. */
function buildTelemetry(total: number): { specs: Map<string, DeviceSpec>; messages: AcceptedMessage[][]; lines: string[]; devices: number } {
  const fleet = planBenchFleet('tp-', 10_000).filter((d) => d.type === 'pump' || d.type === 'elevator').slice(0, 1000)
  const pools = buildPools(fleet)
  const specs = new Map(fleet.map((d) => [d.id, d]))
  const perDevice = Math.ceil(total / fleet.length)
  const end = Date.now()
  const step = Math.max(1, Math.floor(60_000 / perDevice))
  const all: AcceptedMessage[] = []
  for (let k = 0; k < perDevice && all.length < total; k++) {
    for (const d of fleet) {
      const pool = pools.get(poolKey(d))!.filter((m) => m.kind === 'telemetry')
      const m = toMessage(d.id, d.type, pool[k % pool.length]!, end - 60_000 + k * step, k + 1)
      if (m !== null && toLine(m, d.location.building) !== undefined) all.push(m)
      if (all.length >= total) break
    }
  }
  const messages: AcceptedMessage[][] = []
  for (let i = 0; i < all.length; i += BATCH) messages.push(all.slice(i, i + BATCH))
  const lines = all.map((m) => toLine(m, specs.get(m.deviceId)!.location.building)!)
  return { specs, messages, lines, devices: fleet.length }
}

function chunk(lines: readonly string[], bytes: number): string[] {
  const out: string[] = []
  let cur: string[] = []
  let size = 0
  for (const l of lines) {
    cur.push(l)
    size += l.length + 1
    if (size >= bytes) {
      out.push(cur.join('\n'))
      cur = []
      size = 0
    }
  }
  if (cur.length > 0) out.push(cur.join('\n'))
  return out
}

function post(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function benchWrites(server: InfluxServer, o: { runs: number; points: number; log: Log }): Promise<Pick<InfluxResult, 'points' | 'devices' | 'storePointsPerSec' | 'rawPointsPerSec' | 'ratio'>> {
  const { specs, messages, lines, devices } = buildTelemetry(o.points)
  const measurements = ['pump', 'elevator']
  const bodies = chunk(lines, SENDER_DEFAULTS.chunkBytes)
  o.log(`  ${lines.length} lines from ${devices} pumps and elevators, ${(bodies.reduce((s, b) => s + b.length, 0) / 1048576).toFixed(1)} MB of line protocol`)
  const store: number[] = []
  const raw: number[] = []
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  try {
    for (let run = 1; run <= o.runs; run++) {
      // Vigil's store, into its own database (set-up — database, retention policies, continuous query — done first).
      const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-influx-'))
      const db = `tp_store_${run}`
      const s = openStore(server, db, dataDir, specs)
      try {
        await s.drained()
        const t = performance.now()
        for (let i = 0; i < messages.length; i++) {
          await s.append(messages[i]!)
          // Let the sender interleave with the producer, as ingest does between group commits.
          if (i % 10 === 9) await new Promise((r) => setImmediate(r))
        }
        await s.drained()
        const secs = (performance.now() - t) / 1000
        const n = await count(server, db, measurements)
        if (n !== lines.length) throw new Error(`InfluxDB holds ${n} of the ${lines.length} points written through the store`)
        store.push(lines.length / secs)
      } finally {
        await s.close()
        rmSync(dataDir, { recursive: true, force: true })
      }
      // Raw HTTP baseline, same lines and chunk size, its own database with a "raw" RP.
      const rdb = `tp_raw_${run}`
      await server.query(`CREATE DATABASE "${rdb}" WITH NAME "raw"`)
      const url = new URL(`/write?db=${rdb}&rp=raw&precision=ms`, server.url)
      const t = performance.now()
      for (const b of bodies) {
        const status = await post(agent, url, b)
        if (status !== 204) throw new Error(`influxd /write answered ${status}`)
      }
      const secs = (performance.now() - t) / 1000
      const n = await count(server, rdb, measurements)
      if (n !== lines.length) throw new Error(`InfluxDB holds ${n} of the ${lines.length} points POSTed`)
      raw.push(lines.length / secs)
      o.log(`  run ${run}: store ${Math.round(store[run - 1]!)} points/s, raw /write ${Math.round(raw[run - 1]!)} points/s`)
      // No DROP DATABASE between runs: influxd 1.x can hang on it while a continuous query of that
      // database runs (it stalled a whole run here for 5 minutes). The private server's folder goes at the end.
    }
  } finally {
    agent.destroy()
  }
  return {
    points: lines.length, devices,
    storePointsPerSec: figure(store), rawPointsPerSec: figure(raw),
    ratio: figure(store.map((v, i) => Number((v / raw[i]!).toFixed(3)))),
  }
}

async function benchHistory(server: InfluxServer, o: { runs: number; log: Log }): Promise<Pick<InfluxResult, 'historyRows' | 'historySeedMs' | 'store24hP95Ms' | 'store7dP95Ms' | 'points24h' | 'points7d'>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-influx-history-'))
  const specs = new Map([PUMP, ...NEIGHBOURS].map((d) => [d.id, d]))
  const store = openStore(server, 'hist', dir, specs)
  try {
    await store.drained()
    const now = Date.now()
    const seedStart = performance.now()
    const rows = await seedWeek(store, now)
    // drained() also waits for the backfill of the 1-minute series the continuous query missed.
    await store.drained()
    const seedMs = performance.now() - seedStart
    o.log(`  seeded ${rows} messages in ${(seedMs / 1000).toFixed(1)} s (confirmed by InfluxDB)`)
    const { points24h, points7d, day: d24, week: d7 } = await timeWeekQueries(store, now, o.runs)
    o.log(`  history p95: 24 h ${d24.map((v) => v.toFixed(1)).join(' / ')} ms (${points24h} points), 7 d ${d7.map((v) => v.toFixed(1)).join(' / ')} ms (${points7d} points)`)
    return { historyRows: rows, historySeedMs: seedMs, store24hP95Ms: figure(d24), store7dP95Ms: figure(d7), points24h, points7d }
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function benchInflux(o: { runs: number; points: number; log: Log }): Promise<InfluxResult> {
  const server = await startInfluxServer()
  try {
    o.log('  write throughput')
    const writes = await benchWrites(server, o)
    o.log('  history')
    const history = await benchHistory(server, o)
    return { ...writes, ...history }
  } finally {
    await server.destroy()
  }
}
