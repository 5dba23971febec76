// Telemetry in InfluxDB (issue #5) against a private influxd: what devices publish over MQTT lands
// in one measurement per device type with the site/building/device tags and typed fields; events
// stay in SQL; the history API answers raw and aggregated from InfluxDB; Vigil sets up the
// retention policies and the continuous query, and reads the 1-minute series for old ranges.
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMetrics } from '../../services/adapters/metrics.js'
import { createInfluxTelemetryStore } from '../../services/adapters/influx/influx.store.js'
import type { AcceptedMessage } from '../../services/core/ports.js'
import { connectDevice, ensureSite, waitFor, type TestDevice } from '../helpers/devices.js'
import { startInfluxServer, type InfluxServer } from '../helpers/influx-server.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

const DB = 'vigil_t'
let influx: InfluxServer
let vigil: TestVigil
let token: string
let pump: TestDevice
let lift: TestDevice
// Whole (even) minutes in the past, so the aggregates' buckets are known exactly.
const t0 = Math.floor(Date.now() / 120_000) * 120_000 - 10 * 60_000

beforeAll(async () => {
  influx = await startInfluxServer()
  vigil = await startTestVigil({ env: { VIGIL_INFLUX_URL: influx.url, VIGIL_INFLUX_DB: DB } })
  token = await vigil.login()
  await ensureSite(vigil, token, 'n1')
  pump = await connectDevice(vigil, token, { id: 'PU-1', siteId: 'n1', type: 'pump', location: { building: 'T2', floor: -1 } })
  lift = await connectDevice(vigil, token, { id: 'EL-1', siteId: 'n1', type: 'elevator', location: { building: 'T1', floor: 0 } })
  // Minute 0: three readings; minute 1: two. Every message is stored before its PUBACK.
  const readings = [
    { ts: t0, outletP: 0.4, floodWet: false, ctrlMode: 'auto', pumps: [{ id: 'P1', running: true, freqHz: 40 }, { id: 'P2', running: false, freqHz: 0 }] },
    { ts: t0 + 20_000, outletP: 0.5, floodWet: true },
    { ts: t0 + 40_000, outletP: 0.9, floodWet: true, ctrlMode: 'manual' },
    { ts: t0 + 60_000, outletP: 0.2, floodWet: false, pumps: [{ id: 'P1', running: false, freqHz: 0 }] },
    { ts: t0 + 90_000, outletP: 0.3, floodWet: false },
  ]
  let seq = 0
  for (const r of readings) await pump.send('telemetry', { seq: ++seq, ...r })
  await pump.send('event', { seq: seq + 1, ts: t0 + 95_000, event: 'pumpStart', pumpId: 'P2', cause: 'auto' })
  await lift.send('telemetry', { seq: 1, ts: t0, floor: 3, doorClosed: true, safetyCircuit: 'closed', trips: 17 })
  await waitFor('the points in InfluxDB', async () => {
    const r = await influx.query(`SELECT count("outletP") FROM "${DB}"."raw"."pump"`).catch(() => null)
    return r?.results[0]?.series?.[0]?.values[0]?.[1] === readings.length
  })
  // The readings are 10 minutes old, so their minutes are read from the 1-minute series, which
  // Vigil computes for them once InfluxDB has them (they arrived after the continuous query's window).
  await waitFor('the 1-minute series', async () => {
    const r = await influx.query(`SELECT count("mean_outletP") FROM "${DB}"."downsampled"."pump"`).catch(() => null)
    return r?.results[0]?.series?.[0]?.values[0]?.[1] === 2
  })
}, 60_000)

afterAll(async () => {
  pump?.client.end(true)
  lift?.client.end(true)
  await vigil?.stop()
  await influx?.destroy()
})

async function series(q: string) {
  const s = (await influx.query(q, DB)).results[0]?.series ?? []
  return s.map((x) => ({ name: x.name, tags: x.tags, rows: x.values.map((v) => Object.fromEntries(x.columns.map((c, i) => [c, v[i]]))) }))
}

const history = async (query: string) => {
  const r = await vigil.api('GET', `/api/v1/devices/${query}&from=${t0}&to=${t0 + 120_000}`, { token })
  expect(r.status, r.text).toBe(200)
  return r.json.points as Array<{ t: number; v: unknown }>
}

describe('telemetry published over MQTT, stored in InfluxDB', () => {
  it('writes one measurement per device type with site, building and device tags', async () => {
    const [pumpSeries] = await series(`SELECT * FROM "raw"."pump" GROUP BY *`)
    expect(pumpSeries?.tags).toEqual({ site: 'n1', building: 'T2', device: 'PU-1' })
    const [liftSeries] = await series(`SELECT * FROM "raw"."elevator" GROUP BY *`)
    expect(liftSeries?.tags).toEqual({ site: 'n1', building: 'T1', device: 'EL-1' })
    expect(liftSeries?.rows).toEqual([{ time: t0, floor: 3, doorClosed: true, safetyCircuit: 'closed', trips: 17 }])
    const tagKeys = await series('SHOW TAG KEYS')
    for (const m of tagKeys) expect(m.rows.map((r) => r.tagKey).sort()).toEqual(['building', 'device', 'site'])
  })

  it('keeps numbers as floats, booleans as booleans, enums as strings and per-pump values as pumps.{id}.{field}', async () => {
    const keys = Object.fromEntries((await series('SHOW FIELD KEYS FROM "raw"."pump"'))[0]!.rows.map((r) => [r.fieldKey, r.fieldType]))
    expect(keys).toEqual({
      outletP: 'float', floodWet: 'boolean', ctrlMode: 'string',
      'pumps.P1.running': 'boolean', 'pumps.P1.freqHz': 'float', 'pumps.P2.running': 'boolean', 'pumps.P2.freqHz': 'float',
    })
    const [first] = (await series(`SELECT * FROM "raw"."pump" WHERE time = ${t0}ms`))[0]!.rows
    expect(first).toMatchObject({ outletP: 0.4, floodWet: false, ctrlMode: 'auto', 'pumps.P1.freqHz': 40, 'pumps.P2.running': false })
  })

  it('keeps device events in SQL and out of InfluxDB', async () => {
    expect(await series(`SELECT * FROM "raw"."pump" WHERE time = ${t0 + 95_000}ms`)).toEqual([])
    const db = new SqliteDatabase(path.join(vigil.dataDir, 'telemetry.db'), { readonly: true })
    try {
      expect(db.prepare(`SELECT kind, fields FROM messages WHERE device_id = 'PU-1'`).all()).toEqual([
        { kind: 'event', fields: JSON.stringify({ event: 'pumpStart', pumpId: 'P2', cause: 'auto' }) },
      ])
    } finally {
      db.close()
    }
  })

  it('answers raw history oldest first with every published value', async () => {
    expect(await history('PU-1/telemetry?field=outletP')).toEqual([
      { t: t0, v: 0.4 }, { t: t0 + 20_000, v: 0.5 }, { t: t0 + 40_000, v: 0.9 }, { t: t0 + 60_000, v: 0.2 }, { t: t0 + 90_000, v: 0.3 },
    ])
    expect(await history('PU-1/telemetry?field=pumps.P1.running')).toEqual([{ t: t0, v: true }, { t: t0 + 60_000, v: false }])
    expect(await history('PU-1/telemetry?field=ctrlMode')).toEqual([{ t: t0, v: 'auto' }, { t: t0 + 40_000, v: 'manual' }])
  })

  it.each([
    ['outletP', 'mean', [0.6, 0.25]],
    ['outletP', 'min', [0.4, 0.2]],
    ['outletP', 'max', [0.9, 0.3]],
    ['outletP', 'last', [0.9, 0.3]],
    // Booleans: the mean is the share of true readings; min/max/last are booleans.
    ['floodWet', 'mean', [2 / 3, 0]],
    ['floodWet', 'max', [true, false]],
    ['ctrlMode', 'last', ['manual']],
    ['ctrlMode', 'mean', []],
  ] as const)('aggregates %s per minute with %s', async (field, agg, values) => {
    const points = await history(`PU-1/telemetry?field=${field}&every=1m&agg=${agg}`)
    expect(points.map((p) => p.t)).toEqual(values.map((_, i) => t0 + i * 60_000))
    points.forEach((p, i) => (typeof values[i] === 'number' ? expect(p.v).toBeCloseTo(values[i] as number, 10) : expect(p.v).toBe(values[i])))
  })
})

describe('retention and downsampling on InfluxDB 1.x', () => {
  it('creates the raw (90 d, default) and downsampled (3 years) retention policies and the 1-minute continuous query', async () => {
    const rps = Object.fromEntries((await series(`SHOW RETENTION POLICIES ON "${DB}"`))[0]!.rows.map((r) => [r.name, [r.duration, r.default]]))
    expect(rps).toMatchObject({ raw: ['2160h0m0s', true], downsampled: ['26280h0m0s', false] })
    const cqs = (await series('SHOW CONTINUOUS QUERIES')).find((s) => s.name === DB)
    expect(cqs?.rows.map((r) => r.name)).toEqual(['vigil_downsample_1m'])
    expect(String(cqs?.rows[0]?.query)).toContain('GROUP BY time(1m)')
  })

  it('reads ranges older than the raw retention from the 1-minute series, computed for points that arrived late', async () => {
    // A store whose wall clock is 100 days ahead: to it, every point below is older than the raw
    // retention and arrived long after the continuous query's window.
    const ahead = Date.now() + 100 * 86_400_000
    const store = createInfluxTelemetryStore({
      influx: { version: 1, url: influx.url, db: 'vigil_old', rp: 'raw', user: null, password: null },
      dataDir: path.join(vigil.dataDir, 'old-store'), spoolMaxBytes: 1 << 20,
      lookupDevice: () => ({ type: 'pump', location: { building: 'T9' } }),
      metrics: createMetrics(), logger: pino({ level: 'silent' }), wallNow: () => ahead,
    })
    try {
      const msg = (ts: number, outletP: number): AcceptedMessage => ({
        siteId: 'n1', deviceId: 'PU-9', type: 'pump', kind: 'telemetry', fields: { outletP }, ts, rxTs: ts, seq: null, drill: false,
      })
      await store.append([msg(t0, 0.2), msg(t0 + 10_000, 0.4), msg(t0 + 60_000, 1.0)])
      await store.drained()
      const q = { deviceId: 'PU-9', field: 'outletP', from: t0, to: t0 + 120_000, limit: 100 }
      await waitFor('the downsampled series', async () => (await store.history(q)).length === 2)
      expect(await store.history(q)).toEqual([{ t: t0, v: expect.closeTo(0.3, 10) }, { t: t0 + 60_000, v: 1.0 }])
      expect(await store.history({ ...q, everyMs: 120_000, agg: 'max' })).toEqual([{ t: t0, v: 1.0 }])
    } finally {
      await store.close()
    }
  })

  it('reads finished minutes of a number from the 1-minute series, the last few and inexact buckets from the raw points', async () => {
    const db = 'vigil_minutes'
    const store = createInfluxTelemetryStore({
      influx: { version: 1, url: influx.url, db, rp: 'raw', user: null, password: null },
      dataDir: path.join(vigil.dataDir, 'minutes-store'), spoolMaxBytes: 1 << 20,
      lookupDevice: () => ({ type: 'pump', location: { building: 'T9' } }),
      metrics: createMetrics(), logger: pino({ level: 'silent' }), wallNow: () => Date.now(),
    })
    try {
      const msg = (ts: number, outletP: number): AcceptedMessage => ({
        siteId: 'n1', deviceId: 'PU-8', type: 'pump', kind: 'telemetry', fields: { outletP }, ts, rxTs: ts, seq: null, drill: false,
      })
      const now = Date.now()
      const old = Math.floor(now / 120_000) * 120_000 - 20 * 60_000
      // Ten hours before: the late range is downsampled in 6-hour steps.
      const older = old - 10 * 3_600_000
      await store.append([msg(older, 0.5), msg(old, 0.2), msg(old + 10_000, 0.4), msg(old + 60_000, 1.0), msg(now - 1000, 0.7)])
      await store.drained()
      const q = { deviceId: 'PU-8', field: 'outletP', from: old, to: now, limit: 100 }
      await waitFor('the 1-minute series', async () => {
        const r = await influx.query(`SELECT count("mean_outletP") FROM "${db}"."downsampled"."pump"`).catch(() => null)
        return r?.results[0]?.series?.[0]?.values[0]?.[1] === 3
      })
      expect(await store.history({ ...q, from: older, to: older + 60_000, everyMs: 60_000, agg: 'max' })).toEqual([{ t: older, v: 0.5 }])
      // A raw point written behind Vigil's back, past the continuous query's window: only a read
      // of the raw points sees it.
      const write = await fetch(`${influx.url}/write?db=${db}&rp=raw&precision=ms`, { method: 'POST', body: `pump,device=PU-8,site=n1,building=T9 outletP=9.0 ${old + 30_000}` })
      expect(write.status).toBe(204)
      const nowMinute = Math.floor((now - 1000) / 60_000) * 60_000
      expect(await store.history({ ...q, everyMs: 60_000, agg: 'mean' })).toEqual([
        { t: old, v: expect.closeTo(0.3, 10) }, { t: old + 60_000, v: 1.0 }, { t: nowMinute, v: 0.7 },
      ])
      expect((await store.history({ ...q, everyMs: 120_000, agg: 'max' }))[0]).toEqual({ t: old, v: 1.0 })
      // The mean of two minutes is not the mean of their means: raw points, the stray one included.
      expect((await store.history({ ...q, everyMs: 120_000, agg: 'mean' }))[0]).toEqual({ t: old, v: expect.closeTo((0.2 + 0.4 + 9 + 1) / 4, 10) })
    } finally {
      await store.close()
    }
  })
})
