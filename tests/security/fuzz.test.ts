// Issue #7 fuzzer: ≥ 10,000 malformed MQTT payloads and ≥ 2,000 malformed HTTP bodies (seeded),
// with valid messages sent alongside. Afterwards Vigil still answers, every valid message was
// stored, and nothing else was.
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'
import { ensureSite, registerDevice } from '../helpers/devices.js'
import { malformedAccessEvent, malformedDevicePayload, malformedHttpBody, pick, seeded } from './fuzz-payloads.js'
import type { IngestServiceWithStats } from '../../services/ingest/ingest.service.js'

const SEED = 0x7e5c0de
const MQTT_CASES = 10_500
const HTTP_CASES = 2_200
const FUZZ_DEVICES = 6

let v: TestVigil
let admin: string
const clients: MqttClient[] = []
const base = Date.now() - 3_600_000

beforeAll(async () => {
  v = await startTestVigil()
  admin = await v.login()
  await ensureSite(v, admin, 'fz1')
}, 30_000)
afterAll(async () => {
  for (const c of clients) c.end(true)
  await v?.stop()
})

async function connect(id: string, type: string): Promise<MqttClient> {
  const secret = await registerDevice(v, admin, { id, siteId: 'fz1', type })
  const c = await mqtt.connectAsync(v.mqttUrl, { username: id, password: secret, reconnectPeriod: 0 })
  clients.push(c)
  return c
}

/** Runs `n` async jobs with at most `width` in flight. */
async function windowed(n: number, width: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await job(next++)
  }))
}

describe('fuzzing', () => {
  it('survives 10,000+ malformed MQTT payloads, storing every valid message sent alongside and nothing else', async () => {
    const ingest = v.services.ingest as IngestServiceWithStats
    const fuzzers = await Promise.all(Array.from({ length: FUZZ_DEVICES }, (_, i) => connect(`fz-bad-${i}`, i % 2 === 0 ? 'elevator' : 'access-door')))
    const good = await connect('fz-good', 'elevator')
    const before = ingest.stats()
    const rejectedBefore = Object.values(before.rejected).reduce((a, b) => a + (b ?? 0), 0)
    const rng = seeded(SEED)
    const kinds = new Map<string, number>()
    const validTs: number[] = []
    const started = Date.now()

    await windowed(MQTT_CASES, 64, async (i) => {
      const d = i % FUZZ_DEVICES
      const c = fuzzers[d]!
      const type = d % 2 === 0 ? 'elevator' : 'access-door'
      const m = type === 'access-door' && rng() < 0.5 ? { suffix: 'event' as const, ...malformedAccessEvent(rng) } : malformedDevicePayload(rng)
      kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1)
      await c.publishAsync(`bldg/fz1/${type}/fz-bad-${d}/${m.suffix}`, m.payload, { qos: 1 })
      if (i % 20 === 0) {
        const ts = base + validTs.length
        validTs.push(ts)
        await good.publishAsync('bldg/fz1/elevator/fz-good/telemetry', JSON.stringify({ ts, floor: validTs.length % 50, doorClosed: true }), { qos: 1 })
      }
    })
    await ingest.drain()
    const elapsed = Date.now() - started
    expect(elapsed).toBeLessThan(60_000)
    expect([...kinds.keys()].length).toBeGreaterThanOrEqual(20)

    const after = ingest.stats()
    const rejectedAfter = Object.values(after.rejected).reduce((a, b) => a + (b ?? 0), 0)
    expect(after.accepted - before.accepted).toBe(validTs.length)
    expect(rejectedAfter - rejectedBefore).toBe(MQTT_CASES)

    const history = await v.api('GET', `/api/v1/devices/fz-good/telemetry?field=floor&from=${base - 1}&to=${base + validTs.length + 1}`, { token: admin })
    expect(history.status).toBe(200)
    expect(history.json.points.map((p: { t: number }) => p.t)).toEqual(validTs)
    for (let d = 0; d < FUZZ_DEVICES; d++) {
      const dev = await v.api('GET', `/api/v1/devices/fz-bad-${d}`, { token: admin })
      expect([d, Object.keys(dev.json.state ?? {})]).toEqual([d, []])
    }
    expect((await v.api('GET', '/api/v1/access-events?siteId=fz1', { token: admin })).json.items).toEqual([])
    const rejections = await v.api('GET', '/api/v1/ingest/rejections?limit=1000', { token: admin })
    expect(rejections.json.items.length).toBe(1000)
    expect(rejections.text).not.toContain('04A1B2C3D4E5F6')
    expect(rejections.text).not.toContain('/9j/4AAQ')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
    // Still answering, still taking data.
    expect((await v.api('GET', '/readyz')).status).toBe(200)
    await good.publishAsync('bldg/fz1/elevator/fz-good/telemetry', JSON.stringify({ floor: 7 }), { qos: 1 })
    expect((await v.api('GET', '/api/v1/devices/fz-good', { token: admin })).json.state.floor).toBe(7)
  }, 90_000)

  it('answers 2,000+ malformed HTTP bodies with 4xx, never 5xx, and creates nothing', async () => {
    const rng = seeded(SEED + 1)
    const counts = async () => Promise.all(['/api/v1/sites', '/api/v1/devices', '/api/v1/users', '/api/v1/work-orders', '/api/v1/audit'].map(async (u) => (await v.api('GET', `${u}?limit=1000`, { token: admin })).json.items.length))
    const before = await counts()
    const targets: Array<[string, string, boolean]> = [
      ['POST', '/api/v1/sites', true], ['PATCH', '/api/v1/sites/fz1', true], ['POST', '/api/v1/devices', true], ['PATCH', '/api/v1/devices/fz-good', true],
      ['POST', '/api/v1/users', true], ['POST', '/api/v1/work-orders', true], ['PATCH', '/api/v1/sites/fz1/rules/EL-01', true],
      ['POST', '/api/v1/alarms/nope/shelve', true], ['POST', '/api/v1/access-events/1/reveal', true], ['POST', '/api/v1/auth/refresh', false],
      ['POST', '/api/v1/auth/login', false], ['POST', "/api/v1/devices/'%20OR%201=1--/rotate-secret", true],
    ]
    const statuses = new Map<number, number>()
    const bad: string[] = []
    await windowed(HTTP_CASES, 16, async () => {
      const [method, url, authed] = pick(rng, targets)
      const { body, kind } = malformedHttpBody(rng)
      const res = await fetch(v.http + url, {
        method, body,
        headers: { 'content-type': rng() < 0.9 ? 'application/json' : pick(rng, ['text/plain', 'application/xml', 'application/json; charset=latin1']), ...(authed ? { authorization: `Bearer ${admin}` } : {}) },
      })
      const text = await res.text()
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      const shaped = (() => { try { return typeof JSON.parse(text).error.code === 'string' } catch { return false } })()
      if (res.status < 400 || res.status >= 500 || !shaped) bad.push(`${method} ${url} ${kind} → ${res.status} ${text.slice(0, 100)}`)
    })
    expect(bad).toEqual([])
    expect([...statuses.keys()].every((s) => s >= 400 && s < 500)).toBe(true)
    expect(await counts()).toEqual(before)
    expect((await v.api('GET', '/healthz')).status).toBe(200)
    expect((await v.api('GET', '/api/v1/auth/me', { token: admin })).status).toBe(200)
    expect(({} as Record<string, unknown>).role).toBeUndefined()
  }, 90_000)
})
