// Starting with InfluxDB unreachable, and the spool bound (CONTRACT.md §1; issue #5 "No loss"):
// Vigil starts degraded and says so on /readyz; when the spool reaches VIGIL_SPOOL_MAX_MB it drops
// the oldest telemetry, says so on /readyz and in /metrics, and keeps taking messages; when
// InfluxDB comes up, the newest points arrive and the dropped ones are exactly the oldest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectDevice, ensureSite, waitFor, type TestDevice } from '../helpers/devices.js'
import { startInfluxServer, type InfluxServer } from '../helpers/influx-server.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

const DB = 'bound'
const PUBLISHED = 1200
let influx: InfluxServer
let vigil: TestVigil
let lift: TestDevice

beforeAll(async () => {
  influx = await startInfluxServer()
  await influx.stop()
  // 20 KiB of spool: about 200 points of this device.
  vigil = await startTestVigil({ env: { VIGIL_INFLUX_URL: influx.url, VIGIL_INFLUX_DB: DB, VIGIL_SPOOL_MAX_MB: '0.02' } })
  const token = await vigil.login()
  await ensureSite(vigil, token, 'b1')
  lift = await connectDevice(vigil, token, { id: 'lift-b', siteId: 'b1', type: 'elevator', location: { building: 'B1', floor: 0 } })
}, 60_000)

afterAll(async () => {
  lift?.client.end(true)
  await vigil?.stop()
  await influx?.destroy()
})

const readyz = async (): Promise<{ status: number; body: any }> => {
  const r = await vigil.api('GET', '/readyz')
  return { status: r.status, body: r.json }
}

async function metric(name: string): Promise<number> {
  const text = (await vigil.api('GET', '/metrics')).text
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line === undefined ? NaN : Number(line.split(' ')[1])
}

describe('InfluxDB unreachable at start, spool bound reached', () => {
  it('starts degraded: /readyz is 503 naming telemetry, the broker and database are up', async () => {
    const r = await waitFor('/readyz to report InfluxDB', async () => {
      const x = await readyz()
      return x.status === 503 && /InfluxDB unreachable/.test(x.body.checks.telemetry.detail ?? '') ? x : null
    }, 10_000)
    expect(r.body.down).toEqual(['telemetry'])
    expect(r.body.checks.broker.ok && r.body.checks.database.ok).toBe(true)
  })

  it('keeps acknowledging, drops the oldest telemetry at the bound and says so on /readyz and in /metrics', async () => {
    const base = Date.now() - 600_000
    for (let seq = 1; seq <= PUBLISHED; seq++) await lift.send('telemetry', { seq, ts: base + seq, trips: seq, floor: seq % 10 })
    const r = await readyz()
    expect(r.status).toBe(503)
    expect(r.body.checks.telemetry.detail).toMatch(/spool full .* oldest telemetry dropped/)
    const dropped = await metric('vigil_telemetry_spool_dropped_points_total')
    expect(dropped).toBeGreaterThan(PUBLISHED / 2)
    expect(await metric('vigil_telemetry_spool_bytes')).toBeLessThanOrEqual(0.02 * 1024 * 1024)
    expect(await metric('vigil_influx_up')).toBe(0)

    // InfluxDB comes up: what was kept arrives, and it is exactly the newest points.
    await influx.start()
    const kept = PUBLISHED - dropped
    const stats = await waitFor('the kept points in InfluxDB', async () => {
      const q = await influx.query(`SELECT count("trips"), min("trips"), max("trips") FROM "${DB}"."raw"."elevator"`, DB).catch(() => null)
      const row = q?.results[0]?.series?.[0]?.values[0]
      return row && row[1] === kept ? row.slice(1) : null
    }, 30_000)
    expect(stats).toEqual([kept, dropped + 1, PUBLISHED])
    await waitFor('/readyz to be ready again', async () => (await readyz()).status === 200, 10_000)
    expect(await metric('vigil_influx_up')).toBe(1)
    // InfluxDB can count the last points a moment before its answer to the write reaches Vigil,
    // which only then takes them off the spool.
    await waitFor('an empty spool', async () => (await metric('vigil_telemetry_spool_bytes')) === 0, 10_000)
  }, 90_000)
})
