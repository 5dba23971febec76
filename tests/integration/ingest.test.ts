import { afterEach, describe, expect, it } from 'vitest'
import { offlineTimeoutMs, type DeviceType } from '../../services/core/device-types.js'
import type { AcceptedMessage, TelemetryStore } from '../../services/core/ports.js'
import { startBrokerHarness, type BrokerHarness, type HarnessOptions } from '../helpers/broker-harness.js'

const harnesses: BrokerHarness[] = []
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((x) => x.close()))
})

async function start(opts: HarnessOptions = {}): Promise<BrokerHarness> {
  const h = await startBrokerHarness(opts)
  harnesses.push(h)
  return h
}

async function withDevice(type: DeviceType = 'elevator', id = 'EL-1', opts: HarnessOptions = {}) {
  const h = await start(opts)
  const { secret } = await h.addDevice({ id, type })
  const c = await h.connect(id, secret)
  const publish = (suffix: 'telemetry' | 'event' | 'status', body: unknown) =>
    c.publishAsync(h.topic(id, suffix), typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body), { qos: 1 })
  return { h, c, secret, publish }
}

const history = (h: BrokerHarness, deviceId: string, field: string) =>
  h.telemetry.history({ deviceId, field, from: 0, to: Number.MAX_SAFE_INTEGER, limit: 100 })

describe('bad payloads are acknowledged, rejected, counted and kept in the dead-letter list', () => {
  it.each<[string, 'telemetry' | 'event' | 'status', string | Buffer, string]>([
    ['bad-json', 'telemetry', '{"floor": 3,', 'bad JSON'],
    ['too-large', 'telemetry', JSON.stringify({ floor: 3, pad: 'x'.repeat(17_000) }), 'over 16 KiB'],
    ['not-an-object', 'telemetry', '[1,2,3]', 'an array'],
    ['unknown-field', 'telemetry', JSON.stringify({ floor: 3, colour: 'red' }), 'unknown field'],
    ['wrong-type', 'telemetry', JSON.stringify({ floor: 'three' }), 'string floor'],
    ['out-of-range', 'telemetry', JSON.stringify({ floor: 999 }), 'floor 999'],
    ['unknown-event', 'event', JSON.stringify({ event: 'explode' }), 'unknown event'],
    ['missing-field', 'status', JSON.stringify({}), 'status without online'],
    ['bad-timestamp', 'telemetry', JSON.stringify({ floor: 3, ts: 'last tuesday' }), 'free-text ts'],
    ['personal-data', 'telemetry', JSON.stringify({ floor: 3, cardUid: '04A2B3C4D5E6' }), 'a raw card UID'],
  ])('%s (%s: %s)', async (reason, suffix, body) => {
    const { h, publish } = await withDevice()
    await publish(suffix, body) // resolves on PUBACK: acknowledged
    const { items } = await h.repos.rejections.list({ deviceId: 'EL-1' }, { limit: 10 })
    expect(items.map((r) => r.reason)).toEqual([reason])
    expect(items[0]!.topic).toBe(h.topic('EL-1', suffix))
    expect(items[0]!.payload.length).toBeLessThanOrEqual(2048)
    expect(await h.metric('ingestRejected', { reason })).toBe(1)
    expect(h.ingest.stats().rejected[reason as 'bad-json']).toBe(1)
    expect(h.liveState.get('EL-1')).toMatchObject({ online: false, state: {} })
    expect(h.rules.calls).toHaveLength(0)
    expect(await history(h, 'EL-1', 'floor')).toEqual([])
  })

  it.each([
    ['a card UID that parsed', JSON.stringify({ event: 'granted', cardUid: '04A2B3C4D5E6', doorState: 'open' })],
    ['a face image inside the credential', JSON.stringify({ event: 'granted', credential: { faceImage: '04A2B3C4D5E6' } })],
    ['a card UID in a payload that is not JSON', '{"event":"granted","cardUid":"04A2B3C4D5E6",'],
    ['a credential token in a payload rejected for another reason', JSON.stringify({ event: 'granted', credential: { token: '04A2B3C4D5E6' }, requiredLevel: 9 })],
  ])('keeps no personal data in the dead-letter copy: %s', async (_what, body) => {
    const { h, publish } = await withDevice('access-door', 'AC-1')
    await publish('event', body)
    const { items } = await h.repos.rejections.list({ deviceId: 'AC-1' }, { limit: 10 })
    expect(items).toHaveLength(1)
    expect(items[0]!.payload).not.toContain('04A2B3C4D5E6')
    expect(items[0]!.message).not.toContain('04A2B3C4D5E6')
    expect(items[0]!.payload).toContain('[redacted]')
  })

  it('keeps only the newest deadLetterMax rejections', async () => {
    const { h, publish } = await withDevice('elevator', 'EL-1', { ingestOptions: { deadLetterMax: 3 } })
    for (let i = 0; i < 5; i++) await publish('telemetry', JSON.stringify({ floor: 1000 + i }))
    const { items } = await h.repos.rejections.list({ deviceId: 'EL-1' }, { limit: 10 })
    expect(items).toHaveLength(3)
    expect(items.map((r) => r.payload)).toEqual(['{"floor":1004}', '{"floor":1003}', '{"floor":1002}'])
  })

  it('rejects topics and devices it cannot place (reachable only past the broker ACL)', async () => {
    const h = await start()
    await h.addDevice({ id: 'EL-1', type: 'elevator' })
    const payload = Buffer.from('{"floor":1}')
    await h.ingest.handle({ topic: 'bldg/S1/elevator/EL-9/telemetry', payload, deviceId: 'EL-9' })
    await h.ingest.handle({ topic: 'bldg/S1/pump/EL-1/telemetry', payload, deviceId: 'EL-1' })
    await h.ingest.handle({ topic: 'bldg/S1/elevator/EL-1/cmd', payload, deviceId: 'EL-1' })
    expect(h.ingest.stats().rejected).toEqual({ 'unknown-device': 1, 'bad-topic': 2 })
  })

  it('does not let one device\'s bad payloads affect another device', async () => {
    const { h, publish } = await withDevice()
    const { secret } = await h.addDevice({ id: 'EL-2', type: 'elevator' })
    const good = await h.connect('EL-2', secret)
    await Promise.all([
      publish('telemetry', '{{{'),
      good.publishAsync(h.topic('EL-2', 'telemetry'), JSON.stringify({ floor: 5 }), { qos: 1 }),
      publish('telemetry', JSON.stringify({ floor: -100 })),
    ])
    expect(h.liveState.get('EL-2')?.state.floor).toBe(5)
    expect(h.rules.calls.map((x) => x.msg.deviceId)).toEqual(['EL-2'])
  })
})

describe('seq handling', () => {
  it('drops a repeated seq as a duplicate and counts it', async () => {
    const { h, publish } = await withDevice()
    await publish('telemetry', { seq: 5, floor: 1 })
    await publish('telemetry', { seq: 5, floor: 1 })
    expect(await h.metric('ingestDuplicates')).toBe(1)
    expect(h.rules.calls).toHaveLength(1)
    expect(await history(h, 'EL-1', 'floor')).toHaveLength(1)
  })

  it('stores a lower seq without a reconnect but does not apply it to the live state', async () => {
    const { h, publish } = await withDevice()
    await publish('telemetry', { seq: 10, floor: 4 })
    await publish('telemetry', { seq: 9, floor: 3 })
    expect(h.liveState.get('EL-1')?.state.floor).toBe(4)
    expect(h.rules.calls.map((x) => x.msg.seq)).toEqual([10])
    expect((await history(h, 'EL-1', 'floor')).map((p) => p.v)).toEqual([4, 3])
  })

  it('takes a lower seq after a reconnect as a device restart: accepted, applied, the new baseline', async () => {
    const { h, c, secret, publish } = await withDevice()
    await publish('telemetry', { seq: 100, floor: 4 })
    await c.endAsync()
    const again = await h.connect('EL-1', secret)
    await again.publishAsync(h.topic('EL-1', 'telemetry'), JSON.stringify({ seq: 1, floor: 1 }), { qos: 1 })
    await again.publishAsync(h.topic('EL-1', 'telemetry'), JSON.stringify({ seq: 2, floor: 2 }), { qos: 1 })
    await again.publishAsync(h.topic('EL-1', 'telemetry'), JSON.stringify({ seq: 2, floor: 2 }), { qos: 1 })
    expect(h.liveState.get('EL-1')?.state.floor).toBe(2)
    expect(h.rules.calls.map((x) => x.msg.seq)).toEqual([100, 1, 2])
    expect(await h.metric('ingestDuplicates')).toBe(1)
  })
})

/** A real store whose appends wait until the test opens the gate. */
function gated(real: TelemetryStore) {
  let open!: () => void
  let entered!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  const reached = new Promise<void>((resolve) => (entered = resolve))
  const appended: AcceptedMessage[] = []
  const store: TelemetryStore = {
    ...real,
    history: (q) => real.history(q),
    health: () => real.health(),
    close: () => real.close(),
    async append(batch) {
      entered()
      await gate
      await real.append(batch)
      appended.push(...batch)
    },
  }
  return { store, open: () => open(), reached, appended }
}

describe('durability before acknowledgement', () => {
  it('sends the QoS 1 PUBACK only after the message is in the telemetry store', async () => {
    let g!: ReturnType<typeof gated>
    const { h, publish } = await withDevice('elevator', 'EL-1', { wrapTelemetry: (real) => (g = gated(real)).store })
    let acked = false
    const pub = publish('telemetry', { floor: 7 }).then(() => (acked = true))
    try {
      await g.reached
      // Proving an absence needs a bound: a PUBACK sent on receipt would have crossed loopback long before.
      await new Promise((r) => setTimeout(r, 50))
      expect(acked).toBe(false)
      expect(h.rules.calls).toHaveLength(0)
    } finally {
      g.open()
    }
    await pub
    expect(g.appended.map((m) => m.fields)).toEqual([{ floor: 7 }])
    expect((await history(h, 'EL-1', 'floor')).map((p) => p.v)).toEqual([7])
    expect(h.rules.calls).toHaveLength(1)
  })

  it('does not acknowledge a batch whose commit failed, and keeps going with the next', async () => {
    let fail = true
    const h = await start({
      wrapTelemetry: (real) => ({
        ...real,
        history: (q) => real.history(q),
        health: () => real.health(),
        close: () => real.close(),
        append: (batch) => (fail ? Promise.reject(new Error('disk full')) : real.append(batch)),
      }),
    })
    await h.addDevice({ id: 'EL-1', type: 'elevator' })
    const topic = h.topic('EL-1', 'telemetry')
    await expect(h.ingest.handle({ topic, payload: Buffer.from('{"seq":1,"floor":1}'), deviceId: 'EL-1' })).rejects.toThrow('disk full')
    expect(h.ingest.stats().failedCommits).toBe(1)
    fail = false
    // The resend is not a duplicate: the failed message was never stored.
    await h.ingest.handle({ topic, payload: Buffer.from('{"seq":1,"floor":1}'), deviceId: 'EL-1' })
    expect((await history(h, 'EL-1', 'floor')).map((p) => p.v)).toEqual([1])
    expect(h.ingest.stats().duplicates).toBe(0)
  })

  it('commits many concurrent publishes in few batches', async () => {
    const { h, publish } = await withDevice()
    await Promise.all(Array.from({ length: 200 }, (_, i) => publish('telemetry', { seq: i, floor: i % 50 })))
    expect(h.ingest.stats().accepted).toBe(200)
    expect(h.ingest.stats().commits).toBeLessThan(50)
  })
})

describe('live state', () => {
  it('merges telemetry (absent fields keep their value), reflects events, and announces the change', async () => {
    const { h, publish } = await withDevice()
    await publish('telemetry', { floor: 3, doorClosed: true, serviceMode: 1 })
    await publish('telemetry', { floor: 4 })
    await publish('event', { event: 'fault', gbCode: '11', active: true })
    const live = h.liveState.get('EL-1')!
    expect(live).toMatchObject({ online: true, stale: false, state: { floor: 4, doorClosed: true, serviceMode: 1, 'fault.11': true } })
    expect(live.lastSeen).toBe(new Date(h.clock.now()).toISOString())
    expect(h.changes.filter((d) => d.deviceId === 'EL-1').map((d) => d.state.floor)).toEqual([3, 4, 4])
    // The rules see each message with the live state as it was after that message.
    expect(h.rules.calls.map((x) => x.live.state.floor)).toEqual([3, 4, 4])
    expect(h.rules.calls[2]!.msg).toMatchObject({ kind: 'event', fields: { event: 'fault', gbCode: '11', active: true } })
  })

  it('gives every reader the version it was handed: later messages, even in the same batch, never change it', async () => {
    const { h, publish } = await withDevice()
    await publish('telemetry', { seq: 0, floor: 1, doorClosed: true })
    const before = h.liveState.get('EL-1')!
    const announced = h.changes.at(-1)!
    // One batch: the rules run after its commit, when the device's state is already the last message's.
    await Promise.all(Array.from({ length: 20 }, (_, i) => publish('telemetry', { seq: i + 1, floor: i + 2 })))
    expect(h.ingest.stats().commits).toBeLessThan(21)
    expect(h.rules.calls.map((x) => x.live.state.floor)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1))
    expect(h.rules.calls.every((x) => x.live.state.doorClosed === true)).toBe(true)
    expect(before.state).toEqual({ floor: 1, doorClosed: true })
    expect(announced.state.floor).toBe(1)
    expect(h.liveState.get('EL-1')!.state).toEqual({ floor: 21, doorClosed: true })
    // The state is shared, not copied, so the live state must make a new one for every change.
    expect(h.liveState.get('EL-1')!.state).not.toBe(before.state)
  })

  it('uses the device ts when given and the receive time otherwise', async () => {
    const { h, publish } = await withDevice()
    await publish('telemetry', { floor: 1, ts: '2025-03-01T08:00:00+08:00' })
    await publish('telemetry', { floor: 2 })
    expect(h.rules.calls.map((x) => x.msg.ts)).toEqual([Date.UTC(2025, 2, 1), h.clock.now()])
  })

  it.each<[DeviceType, string]>([
    ['elevator', 'EL-1'],
    ['pump', 'PU-1'],
    ['fire-door', 'FD-1'],
    ['access-door', 'AC-1'],
    ['fire-panel', 'FP-1'],
  ])('marks a silent %s offline within its timeout plus one second, not before', async (type, id) => {
    const { h, publish } = await withDevice(type, id)
    await publish('status', { online: true })
    expect(h.liveState.get(id)?.online).toBe(true)
    const timeout = offlineTimeoutMs(type)
    await h.clock.advance(timeout - 1)
    expect(h.liveState.get(id)?.online).toBe(true)
    await h.clock.advance(1001)
    expect(h.liveState.get(id)?.online).toBe(false)
    expect(h.changes.at(-1)).toMatchObject({ deviceId: id, online: false })
    expect(await h.metric('devicesOnline')).toBe(0)
  })

  it('keeps a device online while it keeps talking', async () => {
    const { h, publish } = await withDevice('pump', 'PU-1')
    for (let i = 0; i < 5; i++) {
      await publish('telemetry', { outletP: 0.4 })
      await h.clock.advance(20_000)
    }
    expect(h.liveState.get('PU-1')?.online).toBe(true)
  })

  it('marks a device offline on status {"online": false}', async () => {
    const { h, publish } = await withDevice()
    await publish('telemetry', { floor: 1 })
    await publish('status', { online: false })
    expect(h.liveState.get('EL-1')).toMatchObject({ online: false, state: { floor: 1 } })
    expect(h.changes.at(-1)).toMatchObject({ deviceId: 'EL-1', online: false })
  })

  it('shows the last known state after a restart, offline and stale until the device speaks', async () => {
    const first = await startBrokerHarness()
    const { secret } = await first.addDevice({ id: 'EL-1', type: 'elevator' })
    const c = await first.connect('EL-1', secret)
    await c.publishAsync(first.topic('EL-1', 'telemetry'), JSON.stringify({ floor: 9, doorClosed: true }), { qos: 1 })
    await first.close({ keepData: true })

    const h = await start({ dataDir: first.dataDir })
    expect(h.liveState.get('EL-1')).toMatchObject({ online: false, stale: true, state: { floor: 9, doorClosed: true } })
    expect(h.liveState.get('EL-1')?.lastSeen).not.toBeNull()
    const again = await h.connect('EL-1', secret)
    await again.publishAsync(h.topic('EL-1', 'telemetry'), JSON.stringify({ floor: 10 }), { qos: 1 })
    expect(h.liveState.get('EL-1')).toMatchObject({ online: true, stale: false, state: { floor: 10, doorClosed: true } })
  })
})
