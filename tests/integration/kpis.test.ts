// Alarm flood and the KPI report through MQTT, socket.io and REST (DOMAIN.md §4.3, §4.4; §8
// scenario 16), with Vigil's clock driven by the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import type { Alarm, FloodStatus } from '../../services/core/model.js'
import type { ClientToServerEvents, ServerToClientEvents } from '../../services/realtime/socket-events.js'
import { userToken } from '../helpers/api-users.js'
import { connectDevice, ensureSite, waitFor, type TestDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

type Client = Socket<ServerToClientEvents, ClientToServerEvents>
const S = 1000
const MIN = 60 * S
const T0 = Date.UTC(2026, 10, 2, 0)
let v: TestVigil
let clock: ManualClock
let admin: string
let socket: Client
const devices: TestDevice[] = []
const floods: FloodStatus[] = []

beforeAll(async () => {
  clock = createManualClock(T0)
  v = await startTestVigil({ clock })
  admin = await v.login()
  for (const site of ['FL', 'K1', 'K2']) await ensureSite(v, admin, site)
  socket = io(v.http, { auth: { token: admin }, transports: ['websocket'], reconnection: false, forceNew: true })
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('connect_error', reject) })
  await socket.timeout(5000).emitWithAck('subscribe', { siteIds: ['FL'] })
  socket.on('flood', (f) => floods.push(f))
})
afterAll(async () => {
  socket?.disconnect()
  for (const d of devices) await d.client.endAsync().catch(() => undefined)
  await v?.stop()
})

async function lobbyDoors(siteId: string, count: number): Promise<TestDevice[]> {
  const out: TestDevice[] = []
  for (let i = 1; i <= count; i++) out.push(await connectDevice(v, admin, { id: `${siteId}-door-${i}`, siteId, type: 'access-door', attributes: { requiredLevel: 1 } }))
  devices.push(...out)
  return out
}

/** Time passes while every door keeps its heartbeat (access doors are offline after 3 × 20 s). */
async function pass(ms: number, alive: TestDevice[], step = 15 * S): Promise<void> {
  for (let left = ms; left > 0; left -= step) {
    await clock.advance(Math.min(step, left))
    for (const d of alive) await d.send('status', { online: true })
  }
}

/** AC-01 P3: forced open, then closed again at once (so no held-open rule joins in). */
async function force(door: TestDevice, extra: Record<string, unknown> = {}): Promise<Alarm> {
  await door.send('event', { event: 'forced_open', ...extra })
  const alarm = await waitFor(`AC-01 on ${door.id}`, async () => {
    const r = await v.api('GET', `/api/v1/alarms?state=all&deviceId=${door.id}`, { token: admin })
    return (r.json as { items: Alarm[] }).items.find((a) => a.ruleId === 'AC-01' && a.active)
  })
  await door.send('event', { event: 'door_closed', ...extra })
  return alarm
}

const floodOf = async (siteId: string): Promise<FloodStatus> =>
  ((await v.api('GET', `/api/v1/alarms/flood?siteId=${siteId}`, { token: admin })).json as { items: FloodStatus[] }).items[0]!

describe('alarm flood (DOMAIN.md §8 scenario 16)', () => {
  it('12 new P3 alarms within 8 min start a flood at the 11th; under 5 in 10 min end it; the KPIs show one flood period', async () => {
    const doors = await lobbyDoors('FL', 12)
    const start = clock.now()
    for (const [i, door] of doors.entries()) {
      if (i > 0) await pass(40 * S, doors, 20 * S)
      await force(door)
      if (i === 9) {
        expect(await floodOf('FL')).toMatchObject({ active: false, count: 10 })
        expect(floods).toEqual([])
      }
      if (i === 10) {
        const on = await waitFor('flood event', () => floods[0])
        expect(on).toEqual({ siteId: 'FL', active: true, since: new Date(clock.now()).toISOString(), count: 11 })
      }
    }
    expect(await floodOf('FL')).toMatchObject({ active: true, count: 12 })
    expect(await floodOf('K1')).toEqual({ siteId: 'K1', active: false, since: null, count: 0 })

    // The 12 alarms came at 0, 40, ..., 440 s; once the 8th (280 s) is 10 min old only 4 remain.
    await pass(280 * S + 10 * MIN - (clock.now() - start) - S, doors)
    expect((await floodOf('FL')).active).toBe(true)
    await pass(2 * S, doors, S)
    const offEvent = await waitFor('flood cleared', () => floods[1])
    expect(offEvent).toMatchObject({ siteId: 'FL', active: false, since: floods[0]!.since, count: 4 })
    expect(await floodOf('FL')).toMatchObject({ active: false, count: 4 })

    const r = await v.api('GET', `/api/v1/reports/kpis?siteId=FL&from=${start}&to=${clock.now() + MIN}`, { token: admin })
    expect(r.status).toBe(200)
    expect(r.json.flood.periods).toEqual([{ siteId: 'FL', startedAt: floods[0]!.since, endedAt: new Date(start + 280 * S + 10 * MIN).toISOString(), peakCount: 12 }])
    expect(r.json.alarmLoad.annunciated).toBe(12)
    expect(r.json.priorityMix.find((p: { priority: number }) => p.priority === 3)).toEqual({ priority: 3, count: 12, pct: 100 })
    expect(r.json.flood.periodsInFlood).toBeGreaterThan(0)
  })
})

describe('KPI report (DOMAIN.md §4.4)', () => {
  it('MTTA from the acknowledgements, bad actors, chattering count; drills excluded; site scoping', async () => {
    const [a, b] = await lobbyDoors('K1', 2)
    const from = clock.now()
    const first = await force(a!)
    await pass(90 * S, [a!, b!])
    expect((await v.api('POST', `/api/v1/alarms/${first.id}/ack`, { token: admin, body: {} })).status).toBe(200)
    await pass(MIN, [a!, b!])
    await force(a!) // a new alarm: the first ended when acknowledged after the door closed
    await pass(30 * S, [a!, b!])
    await force(b!, { drill: true })
    const drill = await waitFor('drill alarm', async () =>
      ((await v.api('GET', `/api/v1/alarms?state=all&deviceId=${b!.id}`, { token: admin })).json as { items: Alarm[] }).items[0])
    expect(drill.drill).toBe(true)

    const report = await v.api('GET', `/api/v1/reports/kpis?siteId=K1&from=${new Date(from).toISOString()}&to=${new Date(clock.now() + MIN).toISOString()}`, { token: admin })
    expect(report.status).toBe(200)
    expect(report.json).toMatchObject({
      siteId: 'K1',
      alarmLoad: { annunciated: 2 },
      mtta: { count: 1, medianSec: 90, meanSec: 90 },
      mttr: { count: 1, medianSec: 90 },
      flood: { periods: [], periodsInFlood: 0 },
      chattering: { alarms: 0 },
      badActors: { items: [{ deviceId: a!.id, ruleId: 'AC-01', count: 2, share: 100 }] },
    })

    const viewerK2 = await userToken(v, admin, 'viewer-k2', 'viewer', ['K2'])
    expect((await v.api('GET', '/api/v1/reports/kpis?siteId=K1', { token: viewerK2 })).status).toBe(404)
    const own = await v.api('GET', '/api/v1/reports/kpis', { token: viewerK2 })
    expect(own.status).toBe(200)
    expect(own.json.alarmLoad.annunciated).toBe(0)
    expect((await v.api('GET', '/api/v1/reports/kpis?from=2026-01-02&to=2026-01-01', { token: admin })).status).toBe(400)
    expect((await v.api('GET', '/api/v1/reports/kpis?from=yesterday', { token: admin })).status).toBe(400)
  })
})
