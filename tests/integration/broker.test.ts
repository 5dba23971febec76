import mqtt, { type MqttClient } from 'mqtt'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startBrokerHarness, type BrokerHarness } from '../helpers/broker-harness.js'

let h: BrokerHarness
let secret: string
let otherSecret: string

beforeEach(async () => {
  h = await startBrokerHarness()
  ;({ secret } = await h.addDevice({ id: 'EL-1', type: 'elevator' }))
  ;({ secret: otherSecret } = await h.addDevice({ id: 'FD-1', type: 'fire-door' }))
})
afterEach(async () => {
  await h.close()
})

/** The CONNACK return code of a refused connection (mqtt.js rejects with it as `code`). */
async function refusalCode(username: string | undefined, password: string | undefined, clientId?: string): Promise<number> {
  const opts = { reconnectPeriod: 0, connectTimeout: 5000, ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}), ...(clientId ? { clientId } : {}) }
  try {
    const c = await mqtt.connectAsync(h.url, opts)
    await c.endAsync(true)
  } catch (err) {
    return (err as { code: number }).code
  }
  throw new Error('connection was accepted')
}

const HOUR = 3_600_000

/** The SUBACK code for one subscription; mqtt.js rejects a refused one with the SUBACK packet attached. */
async function grantedCode(c: MqttClient, topic: string): Promise<number> {
  try {
    const granted = await c.subscribeAsync(topic, { qos: 1 })
    return granted[0]!.qos
  } catch (err) {
    const granted = (err as { packet?: { granted?: number[] } }).packet?.granted
    if (!granted) throw err
    return granted[0]!
  }
}

describe('device authentication', () => {
  it('accepts a device with its id and secret and counts it connected', async () => {
    const c = await h.connect('EL-1', secret)
    expect(c.connected).toBe(true)
    expect(await h.metric('mqttConnected')).toBe(1)
  })

  it.each([
    ['a wrong secret', 'EL-1', 'not-the-secret', 4, 'bad-secret'],
    ['an unknown device', 'EL-404', 'whatever', 4, 'unknown-device'],
    ['another device\'s secret', 'EL-1', null, 4, 'bad-secret'],
    ['no password', 'EL-1', undefined, 4, 'missing-credentials'],
    ['no credentials at all', undefined, undefined, 4, 'missing-credentials'],
  ] as const)('refuses %s with CONNACK %i, counted as %s', async (_what, user, pw, code, reason) => {
    const password = pw === null ? otherSecret : pw
    expect(await refusalCode(user, password)).toBe(code)
    expect(await h.metric('mqttAuthRefused', { reason })).toBe(1)
    expect(await h.metric('mqttConnected')).toBe(0)
  })

  it('accepts the previous secret during the rotation grace period and refuses it after', async () => {
    const entry = h.directory.get('EL-1')!
    const next = h.secrets.generate()
    h.directory.upsert({ ...entry, secretHash: h.secrets.hash(next), previousSecretHash: entry.secretHash, previousValidUntil: h.clock.now() + HOUR })

    const old = await h.connect('EL-1', secret)
    expect(old.connected).toBe(true)
    await old.endAsync()
    const fresh = await h.connect('EL-1', next)
    expect(fresh.connected).toBe(true)
    await fresh.endAsync()

    await h.clock.advance(HOUR)
    expect(await refusalCode('EL-1', secret)).toBe(4)
    expect((await h.connect('EL-1', next)).connected).toBe(true)
  })

  it('refuses a client id that another device is connected with (5) and keeps the first connection', async () => {
    const first = await h.connect('EL-1', secret, { clientId: 'shared-id' })
    expect(await refusalCode('FD-1', otherSecret, 'shared-id')).toBe(5)
    expect(await h.metric('mqttAuthRefused', { reason: 'client-id-in-use' })).toBe(1)
    expect(first.connected).toBe(true)
    await first.publishAsync(h.topic('EL-1', 'telemetry'), JSON.stringify({ floor: 2 }), { qos: 1 })
    expect(h.liveState.get('EL-1')?.state.floor).toBe(2)
  })

  it('lets the same device take its own client id over on reconnect', async () => {
    await h.connect('EL-1', secret, { clientId: 'el-1' })
    const again = await h.connect('EL-1', secret, { clientId: 'el-1' })
    expect(again.connected).toBe(true)
  })
})

describe('topic ACL', () => {
  it('refuses a publish to another device\'s topic, counts it, drops the connection and stores nothing', async () => {
    const c = await h.connect('EL-1', secret)
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()))
    c.publish(h.topic('FD-1', 'telemetry'), JSON.stringify({ position: 'open' }), { qos: 1 })
    await closed
    expect(await h.metric('mqttAclRefused', { kind: 'publish' })).toBe(1)
    expect(h.liveState.get('FD-1')?.state).toEqual({})
    await h.ingest.drain()
    expect(h.rules.calls).toHaveLength(0)
  })

  it.each([
    ['its own cmd topic with the wrong type', 'bldg/S1/pump/EL-1/telemetry'],
    ['its cmd topic (Vigil to device only)', 'bldg/S1/elevator/EL-1/cmd'],
    ['another site', 'bldg/S2/elevator/EL-1/telemetry'],
    ['a topic outside bldg/', 'foo/bar'],
    ['$SYS', '$SYS/broker/x'],
  ])('refuses a publish to %s', async (_what, topic) => {
    const c = await h.connect('EL-1', secret)
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()))
    c.publish(topic, '{}', { qos: 1 })
    await closed
    expect(await h.metric('mqttAclRefused', { kind: 'publish' })).toBe(1)
  })

  it('answers 128 to a subscription outside the device\'s own cmd topic and counts it', async () => {
    const c = await h.connect('EL-1', secret)
    const codes: number[] = []
    for (const topic of [h.topic('FD-1', 'cmd'), 'bldg/#', h.topic('EL-1', 'telemetry'), h.topic('EL-1', 'cmd')]) {
      codes.push(await grantedCode(c, topic))
    }
    expect(codes).toEqual([128, 128, 128, 1])
    expect(await h.metric('mqttAclRefused', { kind: 'subscribe' })).toBe(3)
  })

  it('delivers a command to the device subscribed to its own cmd topic', async () => {
    const c = await h.connect('EL-1', secret)
    await c.subscribeAsync(h.topic('EL-1', 'cmd'), { qos: 1 })
    const got = new Promise<{ topic: string; payload: string }>((resolve) => c.once('message', (topic, payload) => resolve({ topic, payload: payload.toString() })))
    await h.broker.publishCommand(h.directory.device('EL-1')!, { command: 'ping' })
    expect(await got).toEqual({ topic: 'bldg/S1/elevator/EL-1/cmd', payload: '{"command":"ping"}' })
  })
})

describe('connections and online state', () => {
  it('marks the device offline when its connection ends, and announces it', async () => {
    const c = await h.connect('EL-1', secret)
    await c.publishAsync(h.topic('EL-1', 'telemetry'), JSON.stringify({ floor: 1 }), { qos: 1 })
    expect(h.liveState.get('EL-1')?.online).toBe(true)
    const offline = new Promise<void>((resolve) => h.events.on('DeviceChanged', (d) => d.deviceId === 'EL-1' && !d.online && resolve()))
    c.stream.destroy()
    await offline
    expect(h.liveState.get('EL-1')?.online).toBe(false)
    expect(await h.metric('mqttConnected')).toBe(0)
    expect(await h.metric('devicesOnline')).toBe(0)
  })

  it('keeps a device online while another of its connections is still up', async () => {
    const a = await h.connect('EL-1', secret)
    const b = await h.connect('EL-1', secret)
    await a.publishAsync(h.topic('EL-1', 'telemetry'), JSON.stringify({ floor: 1 }), { qos: 1 })
    await a.endAsync()
    await b.publishAsync(h.topic('EL-1', 'telemetry'), JSON.stringify({ floor: 2 }), { qos: 1 })
    expect(h.liveState.get('EL-1')?.online).toBe(true)
    expect(await h.metric('mqttConnected')).toBe(1)
  })

  it('takes the will {"online": false} of a device that vanished as its status', async () => {
    const c = await h.connect('EL-1', secret, { will: { topic: h.topic('EL-1', 'status'), payload: Buffer.from('{"online":false}'), qos: 1, retain: true } })
    await c.publishAsync(h.topic('EL-1', 'status'), JSON.stringify({ online: true }), { qos: 1 })
    const offline = new Promise<void>((resolve) => h.events.on('DeviceChanged', (d) => d.deviceId === 'EL-1' && !d.online && resolve()))
    c.stream.destroy()
    await offline
    await h.ingest.drain()
    const statuses = h.rules.calls.filter((x) => x.msg.kind === 'status').map((x) => x.msg.fields.online)
    expect(statuses).toEqual([true, false])
  })
})
