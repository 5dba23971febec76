// Issue #8 item 6: 1-minute aggregates of one field over 24 h and over 7 days, p95, from the
// embedded store (the same SqliteTelemetryStore Vigil writes through) and, for 24 h, through the
// REST API of a running Vigil on that store. The store is seeded as ingest would have filled it:
// a domestic booster pump reporting every 10 s (its heartbeat, DOMAIN.md §2) for 7 days,
// interleaved in time with 100 other devices of every type reporting every 5 minutes; payloads
// from the simulators, validated and flattened by Vigil's own schema code.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createSqliteTelemetryStore } from '../../services/adapters/telemetry/sqlite-telemetry.store.js'
import { validateDeviceMessage } from '../../services/core/device-schemas/validate.js'
import type { AcceptedMessage } from '../../services/core/ports.js'
import { buildPools, planBenchFleet, poolKey, type PoolMessage } from '../lib/payloads.js'
import { figure, percentile, type Figure } from '../lib/stats.js'
import { startVigilSession } from '../lib/vigil-session.js'

const DAY_MS = 86_400_000
const PUMP = { id: 'hist-PS-1', type: 'pump' as const, name: 'History pump', location: { building: 'H', floor: -1 }, attributes: { system: 'domestic' } }
// Both read the store's 1-minute rollups (a week is 10,080 of them), so 20 of each a run stay well
// inside the suite's 15 minutes.
const QUERIES_PER_RUN = { day: 20, week: 20 }
const FIELD = 'outletP'

export interface HistoryResult {
  rows: number
  seedMs: number
  store24hP95Ms: Figure
  store7dP95Ms: Figure
  api24hP95Ms: Figure
  api7dStatus: number
  points24h: number
  points7d: number
}

const flattened = new WeakMap<PoolMessage, Record<string, unknown> | null>()

export function toMessage(deviceId: string, type: AcceptedMessage['type'], m: PoolMessage, ts: number, seq: number): AcceptedMessage | null {
  let fields = flattened.get(m)
  if (fields === undefined) {
    const v = validateDeviceMessage(type, m.kind, JSON.parse(`{${m.rest}}`))
    fields = v.ok ? v.fields : null
    flattened.set(m, fields)
  }
  if (fields === null) return null
  return { siteId: 'bench-h', deviceId, type, kind: m.kind, fields, ts, rxTs: ts, seq, drill: false }
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now()
  await fn()
  return performance.now() - t
}

export async function benchHistory(o: { runs: number; log: (line: string) => void }): Promise<HistoryResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-history-'))
  try {
    const neighbours = planBenchFleet('hist-n-', 100)
    const pools = buildPools([PUMP, ...neighbours])
    const pumpPool = pools.get(poolKey(PUMP))!
    const store = createSqliteTelemetryStore({ dataDir: dir })
    const now = Date.now()
    const t0 = now - 7 * DAY_MS
    const seedStart = performance.now()
    let batch: AcceptedMessage[] = []
    let rows = 0
    const push = async (m: AcceptedMessage | null): Promise<void> => {
      if (m === null) return
      batch.push(m)
      if (batch.length >= 5000) {
        await store.append(batch)
        rows += batch.length
        batch = []
      }
    }
    for (let ts = t0, i = 0; ts < now; ts += 10_000, i++) {
      await push(toMessage(PUMP.id, 'pump', pumpPool[i % pumpPool.length]!, ts, i + 1))
      if (i % 30 === 0) {
        for (const n of neighbours) await push(toMessage(n.id, n.type, pools.get(poolKey(n))![(i / 30) % 300]!, ts, i + 1))
      }
    }
    await store.append(batch)
    rows += batch.length
    const seedMs = performance.now() - seedStart
    o.log(`  seeded ${rows} rows in ${(seedMs / 1000).toFixed(1)} s`)

    const q = (days: number) => ({ deviceId: PUMP.id, field: FIELD, from: now - days * DAY_MS, to: now, everyMs: 60_000, agg: 'mean' as const, limit: 20_000 })
    const points24h = (await store.history(q(1))).length
    const points7d = (await store.history(q(7))).length
    const store24: number[] = []
    const store7: number[] = []
    for (let run = 0; run < o.runs; run++) {
      const a: number[] = []
      const b: number[] = []
      for (let i = 0; i < QUERIES_PER_RUN.day; i++) a.push(await timeIt(() => store.history(q(1))))
      for (let i = 0; i < QUERIES_PER_RUN.week; i++) b.push(await timeIt(() => store.history(q(7))))
      store24.push(percentile(a, 95))
      store7.push(percentile(b, 95))
    }
    await store.close()
    o.log(`  store p95: 24 h ${store24.map((v) => v.toFixed(1)).join(' / ')} ms, 7 d ${store7.map((v) => v.toFixed(1)).join(' / ')} ms`)

    const session = await startVigilSession({ dataDir: dir })
    try {
      await session.register('bench-h', [PUMP])
      const url = (days: number): string =>
        `${session.vigil.http}/api/v1/devices/${PUMP.id}/telemetry?field=${FIELD}&from=${now - days * DAY_MS}&to=${now}&every=1m&agg=mean`
      const get = async (days: number): Promise<number> => {
        const res = await fetch(url(days), { headers: { authorization: `Bearer ${session.api.token}` } })
        await res.arrayBuffer()
        return res.status
      }
      const api24: number[] = []
      for (let run = 0; run < o.runs; run++) {
        const a: number[] = []
        for (let i = 0; i < QUERIES_PER_RUN.day; i++) a.push(await timeIt(() => get(1)))
        api24.push(percentile(a, 95))
      }
      const api7dStatus = await get(7)
      o.log(`  API p95: 24 h ${api24.map((v) => v.toFixed(1)).join(' / ')} ms; 7 d at 1 minute → HTTP ${api7dStatus}`)
      return { rows, seedMs, store24hP95Ms: figure(store24), store7dP95Ms: figure(store7), api24hP95Ms: figure(api24), api7dStatus, points24h, points7d }
    } finally {
      await session.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
