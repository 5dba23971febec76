// Issue #7 device attacks through the real broker: another device's topics, `#`, a stolen client
// id, secret brute force (throttled, refused unchecked, with back-off), a reconnect storm of
// healthy devices (never throttled), and a device flooding messages (rate-limited, dead-lettered).
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock } from '../../services/adapters/clock.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'
import { connectDevice, ensureSite, registerDevice, waitFor, type TestDevice } from '../helpers/devices.js'

const clock = createManualClock(Date.parse('2026-04-01T00:00:00Z'))
let v: TestVigil
let admin: string
let a: TestDevice
let b: TestDevice
const clients: MqttClient[] = []

beforeAll(async () => {
  v = await startTestVigil({ clock, env: { VIGIL_DEVICE_RATE: '10', VIGIL_DEVICE_BURST: '20' } })
  admin = await v.login()
  await ensureSite(v, admin, 'da1')
  a = await connectDevice(v, admin, { id: 'da-a', siteId: 'da1', type: 'fire-door' })
  b = await connectDevice(v, admin, { id: 'da-b', siteId: 'da1', type: 'fire-door' })
})
afterAll(async () => {
  for (const c of [a?.client, b?.client, ...clients]) c?.end(true)
  await v?.stop()
})

async function refusal(username: string, password: string, clientId?: string): Promise<number | 'accepted'> {
  try {
    const c = await mqtt.connectAsync(v.mqttUrl, { username, password, reconnectPeriod: 0, connectTimeout: 5000, ...(clientId ? { clientId } : {}) })
    clients.push(c)
    return 'accepted'
  } catch (err) {
    return (err as { code: number }).code
  }
}
const counter = async (c: { get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown> }> }> }, label: Record<string, string>): Promise<number> =>
  (await c.get()).values.filter((x) => Object.entries(label).every(([k, val]) => x.labels[k] === val)).reduce((s, x) => s + x.value, 0)
const rejections = async (deviceId: string) => (await v.api('GET', `/api/v1/ingest/rejections?deviceId=${deviceId}&limit=1000`, { token: admin })).json.items as Array<{ reason: string }>
const history = async (id: string) => (await v.api('GET', `/api/v1/devices/${id}/telemetry?field=position&from=${clock.now() - 86_400_000}&to=${clock.now() + 1}`, { token: admin })).json.points as unknown[]

describe('topic ACL', () => {
  it.each([
    ['telemetry of another device', 'bldg/da1/fire-door/da-b/telemetry'],
    ['its own id under another site', 'bldg/other/fire-door/da-a/telemetry'],
    ['its own id under another type', 'bldg/da1/elevator/da-a/telemetry'],
    ['the cmd topic of another device', 'bldg/da1/fire-door/da-b/cmd'],
    ['a topic outside bldg/', '$SYS/broker/clients'],
  ])('a publish to %s is dropped, counted, and the connection closed', async (_w, topic) => {
    const secret = await registerDevice(v, admin, { id: `da-acl-${clients.length}`, siteId: 'da1', type: 'fire-door' })
    const id = `da-acl-${clients.length}`
    const c = await mqtt.connectAsync(v.mqttUrl, { username: id, password: secret, reconnectPeriod: 0 })
    clients.push(c)
    const before = await counter(v.services.metrics.mqttAclRefused, { kind: 'publish' })
    const closed = new Promise<void>((r) => c.once('close', () => r()))
    c.publish(topic, JSON.stringify({ position: 'open' }), { qos: 1 })
    await closed
    expect(await counter(v.services.metrics.mqttAclRefused, { kind: 'publish' })).toBe(before + 1)
    expect(await history('da-b')).toEqual([])
  })

  it.each(['#', 'bldg/#', 'bldg/da1/+/+/telemetry', 'bldg/da1/fire-door/da-b/cmd', '$SYS/#'])('a subscription to %s gets 0x80', async (topic) => {
    const granted = await a.client.subscribeAsync(topic, { qos: 1 }).then((g) => g[0]!.qos, (err: { packet?: { granted?: number[] } }) => err.packet?.granted?.[0])
    expect(granted).toBe(128)
  })
})

describe('client-id takeover', () => {
  it('another device reusing a connected device\'s client id is refused with 5 and the owner stays connected', async () => {
    expect(await refusal('da-b', b.secret, a.client.options.clientId)).toBe(5)
    expect(a.client.connected).toBe(true)
    await a.send('telemetry', { position: 'closed' })
  })
})

describe('secret brute force', () => {
  it('three wrong secrets throttle the device id: even the right secret is refused unchecked until the back-off ends', async () => {
    const secret = await registerDevice(v, admin, { id: 'da-victim', siteId: 'da1', type: 'fire-door' })
    const throttled = await counter(v.services.metrics.mqttAuthThrottled, { key: 'device' })
    for (const guess of ['guess-1', 'guess-2', 'guess-3']) expect(await refusal('da-victim', guess)).toBe(4)
    expect(await refusal('da-victim', secret)).toBe(4)
    expect(await refusal('da-victim', 'guess-4')).toBe(4)
    expect(await counter(v.services.metrics.mqttAuthThrottled, { key: 'device' })).toBe(throttled + 2)
    // The other devices are untouched meanwhile.
    expect(await refusal('da-b', b.secret)).toBe('accepted')
    await clock.advance(1001)
    expect(await refusal('da-victim', secret)).toBe('accepted')
  })

  it('a brute force of 200 guesses is refused, mostly unchecked, and the back-off grows to 60 s', async () => {
    const secret = await registerDevice(v, admin, { id: 'da-victim2', siteId: 'da1', type: 'fire-door' })
    const refused = await counter(v.services.metrics.mqttAuthRefused, { reason: 'bad-secret' })
    for (let i = 0; i < 200; i++) {
      expect(await refusal('da-victim2', `guess-${i}`)).toBe(4)
      if (i % 20 === 19 && i < 199) await clock.advance(61_000)
    }
    // Only the guesses that reached a check count as bad-secret; the rest were throttled.
    const checked = (await counter(v.services.metrics.mqttAuthRefused, { reason: 'bad-secret' })) - refused
    expect(checked).toBeLessThan(40)
    await clock.advance(59_000)
    expect(await refusal('da-victim2', secret)).toBe(4)
    await clock.advance(1001)
    expect(await refusal('da-victim2', secret)).toBe('accepted')
  })

  it('an address spraying unknown device ids is throttled, but a device that authenticated before still gets in', async () => {
    for (let i = 0; i < 10; i++) expect(await refusal(`da-ghost-${i}`, 'x')).toBe(4)
    const before = await counter(v.services.metrics.mqttAuthThrottled, { key: 'address' })
    expect(await refusal('da-ghost-new', 'x')).toBe(4)
    expect(await counter(v.services.metrics.mqttAuthThrottled, { key: 'address' })).toBe(before + 1)
    expect(await refusal('da-a', a.secret, 'da-a-second')).toBe('accepted')
    await clock.advance(61_000)
  })
})

describe('reconnect storm', () => {
  it('60 healthy devices connecting at once, twice, are all accepted and none throttled', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `da-storm-${i}`)
    const secrets = await Promise.all(ids.map((id) => registerDevice(v, admin, { id, siteId: 'da1', type: 'fire-door' })))
    const throttled = await counter(v.services.metrics.mqttAuthThrottled, {})
    for (let round = 0; round < 2; round++) {
      const conns = await Promise.all(ids.map((id, i) => mqtt.connectAsync(v.mqttUrl, { username: id, password: secrets[i]!, reconnectPeriod: 0, clientId: `${id}-c` })))
      await Promise.all(conns.map((c) => c.endAsync(true)))
    }
    expect(await counter(v.services.metrics.mqttAuthThrottled, {})).toBe(throttled)
  })
})

describe('message rate', () => {
  it('a device flooding beyond its bucket has the excess rejected as rate-limited; its neighbour is unaffected', async () => {
    const flood = await connectDevice(v, admin, { id: 'da-flood', siteId: 'da1', type: 'fire-door' })
    clients.push(flood.client)
    await Promise.all(Array.from({ length: 100 }, (_, i) => flood.send('telemetry', { seq: i + 1, position: i % 2 ? 'open' : 'closed' })))
    const rows = await waitFor('rate-limited rejections', async () => {
      const r = await rejections('da-flood')
      return r.length >= 70 ? r : null
    })
    expect(rows.every((r) => r.reason === 'rate-limited')).toBe(true)
    const stored = (await history('da-flood')).length
    expect(stored).toBeGreaterThanOrEqual(20)
    expect(stored + rows.length).toBe(100)
    await b.send('telemetry', { position: 'open' })
    expect((await history('da-b')).length).toBeGreaterThan(0)
    expect(await rejections('da-b')).toEqual([])
  })
})
