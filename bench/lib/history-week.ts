// The week of telemetry both history benchmarks query (issue #8 item 6), seeded the way ingest fills
// a store: a domestic booster pump reporting every 10 s (its heartbeat, DOMAIN.md §2) for 7 days,
// interleaved in time with 100 other devices of every type reporting every 5 minutes; payloads from
// the simulators, validated and flattened by Vigil's own schema code. Then the timed queries: 1-minute
// means of one field over 24 h and over 7 days, p95 per run.
import { validateDeviceMessage } from '../../services/core/device-schemas/validate.js'
import type { AcceptedMessage, HistoryPoint, HistoryQuery } from '../../services/core/ports.js'
import type { DeviceSpec } from '../../simulators/fleet-plan.js'
import { buildPools, planBenchFleet, poolKey, type PoolMessage } from './payloads.js'
import { percentile } from './stats.js'

const DAY_MS = 86_400_000
export const PUMP: DeviceSpec = { id: 'hist-PS-1', type: 'pump', name: 'History pump', location: { building: 'H', floor: -1 }, attributes: { system: 'domestic' } }
export const FIELD = 'outletP'
export const NEIGHBOURS = planBenchFleet('hist-n-', 100)
// Both stores answer from 1-minute rollups now (a week is 10,080 of them): 20 of each a run stay
// well inside the suite's 15 minutes.
const QUERIES_PER_RUN = { day: 20, week: 20 }

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

/** Appends the week before `now` in batches of 5,000; resolves to how many messages. */
export async function seedWeek(store: { append(batch: AcceptedMessage[]): Promise<void> }, now: number): Promise<number> {
  const pools = buildPools([PUMP, ...NEIGHBOURS])
  const pumpPool = pools.get(poolKey(PUMP))!
  let batch: AcceptedMessage[] = []
  let rows = 0
  const push = async (m: AcceptedMessage | null): Promise<void> => {
    if (m === null) return
    batch.push(m)
    if (batch.length >= 5000) {
      await store.append(batch)
      rows += batch.length
      batch = []
      // A store that sends in the background (InfluxDB's spool sender) gets its turn.
      await new Promise((r) => setImmediate(r))
    }
  }
  for (let ts = now - 7 * DAY_MS, i = 0; ts < now; ts += 10_000, i++) {
    await push(toMessage(PUMP.id, 'pump', pumpPool[i % pumpPool.length]!, ts, i + 1))
    if (i % 30 === 0) {
      for (const n of NEIGHBOURS) await push(toMessage(n.id, n.type, pools.get(poolKey(n))![(i / 30) % 300]!, ts, i + 1))
    }
  }
  await store.append(batch)
  return rows + batch.length
}

export async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now()
  await fn()
  return performance.now() - t
}

export interface WeekTimings {
  points24h: number
  points7d: number
  /** p95 of each run, in ms. */
  day: number[]
  week: number[]
}

export async function timeWeekQueries(store: { history(q: HistoryQuery): Promise<HistoryPoint[]> }, now: number, runs: number): Promise<WeekTimings> {
  const q = (days: number): HistoryQuery => ({ deviceId: PUMP.id, field: FIELD, from: now - days * DAY_MS, to: now, everyMs: 60_000, agg: 'mean', limit: 20_000 })
  const t: WeekTimings = { points24h: (await store.history(q(1))).length, points7d: (await store.history(q(7))).length, day: [], week: [] }
  for (let run = 0; run < runs; run++) {
    const a: number[] = []
    const b: number[] = []
    for (let i = 0; i < QUERIES_PER_RUN.day; i++) a.push(await timeIt(() => store.history(q(1))))
    for (let i = 0; i < QUERIES_PER_RUN.week; i++) b.push(await timeIt(() => store.history(q(7))))
    t.day.push(percentile(a, 95))
    t.week.push(percentile(b, 95))
  }
  return t
}
