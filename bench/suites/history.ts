// Issue #8 item 6: 1-minute aggregates of one field over 24 h and over 7 days, p95, from the
// embedded store (the same SqliteTelemetryStore Vigil writes through) and, for 24 h, through the
// REST API of a running Vigil on that store, on the week of telemetry lib/history-week.ts seeds.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createSqliteTelemetryStore } from '../../services/adapters/telemetry/sqlite-telemetry.store.js'
import { FIELD, PUMP, seedWeek, timeIt, timeWeekQueries } from '../lib/history-week.js'
import { figure, percentile, type Figure } from '../lib/stats.js'
import { startVigilSession } from '../lib/vigil-session.js'

const DAY_MS = 86_400_000
const API_QUERIES_PER_RUN = 20

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

export async function benchHistory(o: { runs: number; log: (line: string) => void }): Promise<HistoryResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-history-'))
  try {
    const store = createSqliteTelemetryStore({ dataDir: dir })
    const now = Date.now()
    const seedStart = performance.now()
    const rows = await seedWeek(store, now)
    const seedMs = performance.now() - seedStart
    o.log(`  seeded ${rows} rows in ${(seedMs / 1000).toFixed(1)} s`)
    const { points24h, points7d, day: store24, week: store7 } = await timeWeekQueries(store, now, o.runs)
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
        for (let i = 0; i < API_QUERIES_PER_RUN; i++) a.push(await timeIt(() => get(1)))
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
