// The embedded telemetry store on real SQLite files: storage, raw and aggregated history, field
// name validation, atomic batches and durability across a close and across a killed process.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import SqliteDatabase from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSqliteTelemetryStore, type SqliteTelemetryStore } from '../../services/adapters/telemetry/sqlite-telemetry.store.js'
import type { AcceptedMessage, Aggregate } from '../../services/core/ports.js'

const T0 = Date.UTC(2026, 0, 1)
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

const msg = (ts: number, fields: Record<string, unknown>, over: Partial<AcceptedMessage> = {}): AcceptedMessage => ({
  siteId: 's1',
  deviceId: 'pump-1',
  type: 'pump',
  kind: 'telemetry',
  fields,
  ts: T0 + ts,
  rxTs: T0 + ts + 5,
  seq: ts,
  drill: false,
  ...over,
})

describe('SQLite telemetry store', () => {
  let dataDir: string
  let store: SqliteTelemetryStore
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-telemetry-'))
    store = createSqliteTelemetryStore({ dataDir })
  })
  afterEach(async () => {
    await store.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  const history = (field: string, over: Partial<Parameters<SqliteTelemetryStore['history']>[0]> = {}) =>
    store.history({ deviceId: 'pump-1', field, from: T0, to: T0 + 1_000_000, limit: 10_000, ...over })

  it('returns raw points of one field oldest first, skipping messages without it', async () => {
    await store.append([msg(300, { 'pumps.P1.outletP': 0.5 }), msg(100, { 'pumps.P1.outletP': 0.3 }), msg(200, { 'pumps.P1.running': true })])
    await store.append([msg(400, { 'pumps.P1.outletP': null }), msg(500, { 'pumps.P1.outletP': 0.7 })])
    expect(await history('pumps.P1.outletP')).toEqual([
      { t: T0 + 100, v: 0.3 },
      { t: T0 + 300, v: 0.5 },
      { t: T0 + 500, v: 0.7 },
    ])
  })

  it('keeps booleans and strings as they were sent', async () => {
    await store.append([msg(1, { 'pumps.P1.running': true, mode: 'auto' }), msg(2, { 'pumps.P1.running': false, mode: 'manual' })])
    expect(await history('pumps.P1.running')).toEqual([{ t: T0 + 1, v: true }, { t: T0 + 2, v: false }])
    expect(await history('mode')).toEqual([{ t: T0 + 1, v: 'auto' }, { t: T0 + 2, v: 'manual' }])
  })

  it('keeps per-pump dotted fields apart and other devices and events out', async () => {
    await store.append([
      msg(1, { 'pumps.P1.outletP': 0.4, 'pumps.P2.outletP': 0.9 }),
      msg(2, { 'pumps.P1.outletP': 0.41 }, { deviceId: 'pump-2' }),
      msg(3, { event: 'dry_run', 'pumps.P1.outletP': 0 }, { kind: 'event' }),
      msg(4, { online: false }, { kind: 'status' }),
    ])
    expect(await history('pumps.P1.outletP')).toEqual([{ t: T0 + 1, v: 0.4 }])
    expect(await history('pumps.P2.outletP')).toEqual([{ t: T0 + 1, v: 0.9 }])
    expect(await history('online')).toEqual([{ t: T0 + 4, v: false }])
    expect(await store.history({ deviceId: 'pump-2', field: 'pumps.P1.outletP', from: T0, to: T0 + 10, limit: 10 })).toEqual([{ t: T0 + 2, v: 0.41 }])
  })

  it('includes both ends of the time range and stops at the limit', async () => {
    await store.append([0, 10, 20, 30, 40].map((t) => msg(t, { level: t })))
    expect(await history('level', { from: T0 + 10, to: T0 + 30 })).toEqual([10, 20, 30].map((v) => ({ t: T0 + v, v })))
    expect(await history('level', { limit: 2 })).toEqual([0, 10].map((v) => ({ t: T0 + v, v })))
  })

  // Buckets of 1,000 ms: [0, 1000) holds 4 and 2, [1000, 2000) holds 7 and 1, [3000, 4000) holds 5.
  it.each<[Aggregate, number[]]>([
    ['mean', [3, 4, 5]],
    ['min', [2, 1, 5]],
    ['max', [4, 7, 5]],
    ['last', [2, 1, 5]],
  ])('aggregates with %s, one point per bucket at the bucket start', async (agg, values) => {
    await store.append([msg(100, { level: 4 }), msg(900, { level: 2 }), msg(1000, { level: 7 }), msg(1999, { level: 1 }), msg(3500, { level: 5 })])
    expect(await history('level', { everyMs: 1000, agg })).toEqual([
      { t: T0, v: values[0] },
      { t: T0 + 1000, v: values[1] },
      { t: T0 + 3000, v: values[2] },
    ])
  })

  it.each<[Aggregate, Array<number | boolean>]>([
    ['mean', [0.75, 0]],
    ['min', [0, 0]],
    ['max', [1, 0]],
    ['last', [true, false]],
  ])('aggregates booleans with %s as 0/1 (last keeps the boolean)', async (agg, values) => {
    await store.append([msg(0, { run: true }), msg(1, { run: true }), msg(2, { run: false }), msg(3, { run: true }), msg(60_000, { run: false })])
    expect(await history('run', { everyMs: 60_000, agg })).toEqual([{ t: T0, v: values[0] }, { t: T0 + 60_000, v: values[1] }])
  })

  it('limits aggregated history to the number of buckets asked for', async () => {
    await store.append([0, 1000, 2000, 3000].map((t) => msg(t, { level: t })))
    expect(await history('level', { everyMs: 1000, agg: 'max', limit: 2 })).toEqual([{ t: T0, v: 0 }, { t: T0 + 1000, v: 1000 }])
  })

  it.each(['', 'a"b', `x') OR 1=1 --`, 'pumps[0].running', 'a b', '$.level', 'x'.repeat(129)])('rejects the field name %j', async (field) => {
    await expect(history(field)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
  })

  it('writes a batch all or nothing and reports the failure on health', async () => {
    const broken = msg(2, { level: 2 }, { deviceId: null as unknown as string })
    await expect(store.append([msg(1, { level: 1 }), broken, msg(3, { level: 3 })])).rejects.toMatchObject({ code: 'DEPENDENCY_DOWN' })
    expect(store.health().ok).toBe(false)
    expect(await history('level')).toEqual([])
    await store.append([msg(4, { level: 4 })])
    expect(store.health()).toEqual({ ok: true })
    expect(await history('level')).toEqual([{ t: T0 + 4, v: 4 }])
    // Nor did the refused batch reach the 1-minute rollups.
    expect(await history('level', { everyMs: 60_000, agg: 'mean' })).toEqual([{ t: T0, v: 4 }])
  })

  it('prunes raw rows older than a time and by the retention period, never events', async () => {
    const day = 86_400_000
    await store.append([msg(0, { level: 1 }), msg(10 * day, { level: 2 }), msg(95 * day, { level: 3 }), { ...msg(1, { event: 'pump_fault' }), kind: 'event' }])
    expect(await store.prune(T0 + 5 * day)).toBe(1)
    expect(await store.prune(T0 + 5000 * day)).toBe(2)
    await store.append([msg(10 * day, { level: 2 }), msg(95 * day, { level: 3 })])
    expect(await store.pruneExpired(T0 + 101 * day)).toBe(1)
    expect(await history('level', { to: T0 + 200 * day })).toEqual([{ t: T0 + 95 * day, v: 3 }])
    const file = new SqliteDatabase(path.join(dataDir, 'telemetry.db'), { readonly: true })
    expect(file.prepare(`SELECT kind, fields FROM messages WHERE kind = 'event'`).all()).toEqual([{ kind: 'event', fields: '{"event":"pump_fault"}' }])
    file.close()
  })

  it('keeps the data across close and reopen', async () => {
    await store.append([msg(1, { level: 1 }), msg(2, { level: 2 })])
    await store.close()
    expect(store.health().ok).toBe(false)
    store = createSqliteTelemetryStore({ dataDir })
    expect(await history('level')).toEqual([{ t: T0 + 1, v: 1 }, { t: T0 + 2, v: 2 }])
  })

  it('keeps an appended batch when the process is killed right after append resolves', async () => {
    const script = path.join(dataDir, 'writer.mts')
    const storeModule = path.join(ROOT, 'services/adapters/telemetry/sqlite-telemetry.store.ts')
    fs.writeFileSync(
      script,
      `import { createSqliteTelemetryStore } from ${JSON.stringify(storeModule)}
const store = createSqliteTelemetryStore({ dataDir: ${JSON.stringify(dataDir)} })
const batch = Array.from({ length: 500 }, (_, i) => ({ siteId: 's1', deviceId: 'pump-1', type: 'pump', kind: 'telemetry',
  fields: { level: i }, ts: ${T0} + i * 1000, rxTs: ${T0} + i * 1000, seq: i, drill: false }))
for (let i = 0; i < 500; i += 50) await store.append(batch.slice(i, i + 50))
process.stdout.write('appended\\n')
setInterval(() => {}, 1000)
`,
    )
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('appended') && resolve())
      child.on('exit', (code) => reject(new Error(`writer exited early with ${String(code)}`)))
    })
    const exited = new Promise((resolve) => child.on('exit', resolve))
    child.kill('SIGKILL')
    await exited
    await store.close()
    store = createSqliteTelemetryStore({ dataDir })
    const points = await history('level')
    expect(points).toHaveLength(500)
    expect(points.at(-1)).toEqual({ t: T0 + 499_000, v: 499 })
    // The minutes that were still in the killed process's memory are summed again from the raw rows.
    const minutes = await history('level', { everyMs: 60_000, agg: 'mean' })
    expect(minutes).toHaveLength(9)
    expect(minutes.map((p) => p.v)).toEqual([29.5, 89.5, 149.5, 209.5, 269.5, 329.5, 389.5, 449.5, 489.5])
    expect(await history('level', { everyMs: 60_000, agg: 'max' })).toEqual(minutes.map((p, i) => ({ t: p.t, v: Math.min(499, i * 60 + 59) })))
  })
})

// A plain reading of what a bucket holds, to check the rollups against.
function expectedBuckets(messages: AcceptedMessage[], deviceId: string, field: string, from: number, to: number, every: number, agg: Aggregate) {
  const buckets = new Map<number, Array<{ ts: number; v: unknown; order: number }>>()
  messages.forEach((m, order) => {
    const v = m.fields[field]
    if (m.deviceId !== deviceId || m.kind === 'event' || m.ts < from || m.ts > to || v === null || v === undefined) return
    const b = m.ts - (m.ts % every)
    buckets.set(b, [...(buckets.get(b) ?? []), { ts: m.ts, v, order }])
  })
  const points: Array<{ t: number; v: unknown }> = []
  for (const t of [...buckets.keys()].sort((a, b) => a - b)) {
    const xs = buckets.get(t)!
    const nums = xs.filter((x) => typeof x.v !== 'string').map((x) => (x.v === true ? 1 : x.v === false ? 0 : (x.v as number)))
    const newest = [...xs].sort((a, b) => a.ts - b.ts || a.order - b.order).at(-1)!.v
    const v = agg === 'last' ? newest : nums.length === 0 ? null : agg === 'mean' ? nums.reduce((a, b) => a + b, 0) / nums.length : agg === 'min' ? Math.min(...nums) : Math.max(...nums)
    if (v !== null) points.push({ t, v })
  }
  return points
}

describe('SQLite telemetry store: 1-minute rollups (DOMAIN.md §7.2)', () => {
  let dataDir: string
  let store: SqliteTelemetryStore
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-rollups-'))
    store = createSqliteTelemetryStore({ dataDir })
  })
  afterEach(async () => {
    await store.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  // Two pumps over 40 minutes, a reading every 7 s with numbers, booleans and text, appended in
  // batches of 13, then a replay of 3 old minutes (late readings) and an event that must not count.
  function fleetMessages(): AcceptedMessage[] {
    const out: AcceptedMessage[] = []
    for (let i = 0; i < 40 * 60 / 7; i++) {
      for (const deviceId of ['pump-1', 'pump-2']) {
        const ts = i * 7000 + (deviceId === 'pump-2' ? 3000 : 0)
        out.push(msg(ts, { level: (i * 37) % 11 - 3, running: i % 3 !== 0, mode: i % 5 === 0 ? 'manual' : 'auto' }, { deviceId }))
      }
    }
    for (let i = 0; i < 30; i++) out.push(msg(5 * 60_000 + i * 6000 + 500, { level: 100 + i, running: false, mode: 'late' }))
    out.push(msg(10 * 60_000, { level: 1e6 }, { kind: 'event' }))
    out.push(msg(11 * 60_000 + 1, { online: false }, { kind: 'status' }))
    return out
  }

  it.each<[Aggregate, number]>([
    ['mean', 60_000], ['min', 60_000], ['max', 60_000], ['last', 60_000],
    ['mean', 300_000], ['min', 900_000], ['max', 120_000], ['last', 300_000],
  ])('answers %s in buckets of %i ms as the raw readings would, ranges cut mid-minute included', async (agg, every) => {
    const messages = fleetMessages()
    for (let i = 0; i < messages.length; i += 13) await store.append(messages.slice(i, i + 13))
    for (const [from, to] of [[T0, T0 + 3_600_000], [T0 + 90_500, T0 + 1_234_567], [T0 + 61_000, T0 + 62_000], [T0 + 300_000, T0 + 360_000 - 1]] as const) {
      for (const field of ['level', 'running', 'mode']) {
        const got = await store.history({ deviceId: 'pump-1', field, from, to, everyMs: every, agg, limit: 10_000 })
        const want = expectedBuckets(messages, 'pump-1', field, from, to, every, agg)
        expect(got.map((p) => p.t)).toEqual(want.map((p) => p.t))
        got.forEach((p, i) => typeof p.v === 'number' ? expect(p.v).toBeCloseTo(want[i]!.v as number, 9) : expect(p.v).toEqual(want[i]!.v))
      }
    }
  })

  it('gives the same answer after a close and reopen, and while the current minute is still open', async () => {
    const messages = fleetMessages()
    await store.append(messages)
    const ask = () => store.history({ deviceId: 'pump-2', field: 'level', from: T0, to: T0 + 3_600_000, everyMs: 60_000, agg: 'mean', limit: 10_000 })
    const before = await ask()
    expect(before).toHaveLength(40)
    await store.close()
    store = createSqliteTelemetryStore({ dataDir })
    expect(await ask()).toEqual(before)
  })

  it('keeps the minutes for 3 years after the raw readings went at 90 days', async () => {
    const day = 86_400_000
    await store.append([msg(0, { level: 1 }), msg(1000, { level: 3 }), msg(100 * day, { level: 9 })])
    expect(await store.pruneExpired(T0 + 101 * day)).toBe(2)
    const minutes = (): Promise<unknown> => store.history({ deviceId: 'pump-1', field: 'level', from: T0, to: T0 + 200 * day, everyMs: 60_000, agg: 'mean', limit: 10 })
    expect(await store.history({ deviceId: 'pump-1', field: 'level', from: T0, to: T0 + day, limit: 10 })).toEqual([])
    expect(await minutes()).toEqual([{ t: T0, v: 2 }, { t: T0 + 100 * day, v: 9 }])
    await store.pruneExpired(T0 + 3 * 365 * day + 2 * day)
    expect(await minutes()).toEqual([{ t: T0 + 100 * day, v: 9 }])
  })

  it('spreads the checkpoints over the appends, a hundred devices at most in one, and answers from memory meanwhile', async () => {
    await store.close()
    let now = 0
    store = createSqliteTelemetryStore({ dataDir, wallNow: () => now })
    const file = new SqliteDatabase(path.join(dataDir, 'telemetry.db'), { readonly: true })
    const written = (): number => (file.prepare('SELECT COUNT(*) AS n FROM minute_rollups').get() as { n: number }).n
    try {
      await store.append(Array.from({ length: 1000 }, (_, i) => msg(i, { level: i }, { deviceId: `pump-${i}` })))
      expect(written()).toBe(0)
      now = 31_000
      // A device new to the store is not due yet: the first hundred of the thousand are.
      await store.append([msg(60_000, { level: 1 }, { deviceId: 'extra' })])
      expect(written()).toBe(100)
      await store.append([msg(60_001, { level: 2 }, { deviceId: 'extra' })])
      expect(written()).toBe(200)
      // Device 999's minute is still only in memory, and answered.
      expect(await store.history({ deviceId: 'pump-999', field: 'level', from: T0, to: T0 + 60_000, everyMs: 60_000, agg: 'max', limit: 10 })).toEqual([{ t: T0, v: 999 }])
      await store.close()
      store = createSqliteTelemetryStore({ dataDir })
      expect(await store.history({ deviceId: 'pump-999', field: 'level', from: T0, to: T0 + 60_000, everyMs: 60_000, agg: 'max', limit: 10 })).toEqual([{ t: T0, v: 999 }])
      expect(await store.history({ deviceId: 'extra', field: 'level', from: T0, to: T0 + 120_000, everyMs: 60_000, agg: 'mean', limit: 10 })).toEqual([{ t: T0 + 60_000, v: 1.5 }])
    } finally {
      file.close()
    }
  })

  it('sums a store written before the rollups existed when it first opens it', async () => {
    await store.close()
    const file = new SqliteDatabase(path.join(dataDir, 'telemetry.db'))
    file.exec('DROP TABLE minute_rollups; DROP TABLE rollup_devices')
    const insert = file.prepare(`INSERT INTO messages (device_id, ts, rx_ts, kind, seq, drill, fields) VALUES ('pump-1', ?, ?, 'telemetry', NULL, 0, ?)`)
    for (let i = 0; i < 180; i++) insert.run(T0 + i * 1000, T0 + i * 1000, JSON.stringify({ level: i }))
    file.close()
    store = createSqliteTelemetryStore({ dataDir })
    expect(await store.history({ deviceId: 'pump-1', field: 'level', from: T0, to: T0 + 3_600_000, everyMs: 60_000, agg: 'max', limit: 10 }))
      .toEqual([{ t: T0, v: 59 }, { t: T0 + 60_000, v: 119 }, { t: T0 + 120_000, v: 179 }])
  })
})
