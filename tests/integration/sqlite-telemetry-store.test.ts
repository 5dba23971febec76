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
  fields: { level: i }, ts: ${T0} + i, rxTs: ${T0} + i, seq: i, drill: false }))
await store.append(batch)
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
    const points = await history('level')
    expect(points).toHaveLength(500)
    expect(points.at(-1)).toEqual({ t: T0 + 499, v: 499 })
  })
})
