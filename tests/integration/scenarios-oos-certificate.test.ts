// DOMAIN.md §8 scenario 8 (fire pump in manual: FP-01 + a FIRE work order, out of service under that
// work order, back to unacked when the work order ends with the pump still in manual) and scenario 20
// (EL-12 certificate expiry P4 → P2 with its work order; EL-10 offline after 90 s silent, clearing 60 s
// after the heartbeat is back), through MQTT and the REST API with the manual clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import type { Alarm } from '../../services/core/model.js'
import type { WorkOrder } from '../../services/core/work-orders/work-order.js'
import { userToken } from '../helpers/api-users.js'
import { connectDevice, ensureSite, waitFor, type TestDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 10, 26, 8)
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)])
const pump = (id: string, role: string): Record<string, unknown> => ({ id, role, running: false, fault: 'none' })
const FIRE = {
  system: 'fire', ctrlMode: 'auto', setpointP: 0.8, outletP: 0.8, levelPct: 90, fireDemand: false, vL1: 380, vL2: 380, vL3: 380,
  pumps: [pump('FP1', 'duty'), pump('FP2', 'standby'), pump('J1', 'jockey')],
}
const IDLE_LIFT = { serviceMode: 1, carStatus: 1, direction: 0, floor: 1, doorZone: true, doorClosed: true, occupied: false, loadPct: 0 }

let v: TestVigil
let clock: ManualClock
let admin: string
let op: string
let sup: string
let n = 0
const open: TestDevice[] = []

beforeAll(async () => {
  clock = createManualClock(T0)
  v = await startTestVigil({ clock })
  admin = await v.login()
  await ensureSite(v, admin, 'S1')
  op = await userToken(v, admin, 'op', 'operator')
  sup = await userToken(v, admin, 'sup', 'supervisor')
})
afterAll(async () => {
  for (const d of open) await d.client.endAsync().catch(() => undefined)
  await v?.stop()
})

const alarmsOf = async (deviceId: string): Promise<Alarm[]> => (await v.api('GET', `/api/v1/alarms?state=all&deviceId=${deviceId}`, { token: admin })).json.items as Alarm[]
const waitAlarm = (deviceId: string, ruleId: string, pred: (a: Alarm) => boolean = () => true): Promise<Alarm> =>
  waitFor(`${ruleId} on ${deviceId}`, async () => (await alarmsOf(deviceId)).find((a) => a.ruleId === ruleId && pred(a)))
const post = async (url: string, body: unknown, token = admin): Promise<any> => {
  const r = await v.api('POST', `/api/v1${url}`, { token, body })
  if (r.status !== 200 && r.status !== 201) throw new Error(`${url}: ${r.status} ${r.text}`)
  return r.json
}
const settle = async (): Promise<void> => { await new Promise((r) => setTimeout(r, 150)) }

/** `seconds` pass while the device reports `payload` every 5 s (or stays silent with none). */
async function pass(dev: TestDevice, seconds: number, payload?: object): Promise<void> {
  for (let left = seconds; left > 0; left -= 5) {
    await clock.advance(Math.min(5, left) * 1000)
    if (payload) await dev.send('telemetry', payload)
  }
}

/** The work order taken to `closed` through the API: on site, done with a photo, verified, visited. */
async function closeWorkOrder(id: string): Promise<void> {
  await post(`/work-orders/${id}/assign`, { assignee: 'fire-eng' })
  for (const a of ['accept', 'arrive', 'start']) await post(`/work-orders/${id}/${a}`, {})
  const form = new FormData()
  form.append('file', new Blob([PNG], { type: 'image/png' }), 'photo.png')
  expect((await fetch(`${v.http}/api/v1/work-orders/${id}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: form })).status).toBe(201)
  await post(`/work-orders/${id}/complete`, { result: 'controller switch repaired; left in manual for the test' })
  await post(`/work-orders/${id}/verify`, {}, sup)
  expect((await post(`/work-orders/${id}/return-visit`, { score: 8 }, sup)).status).toBe('closed')
}

describe('scenario 8: fire pump in manual, out of service under its work order', () => {
  beforeAll(async () => {
    await post('/users', { username: 'fire-eng', password: 'fire-eng-password', role: 'engineer', displayName: 'Fire engineer', skills: ['FIRE'] })
  })

  it.each([
    ['cancelled', async (id: string) => { await post(`/work-orders/${id}/cancel`, { reason: 'manual mode is planned for the pump test' }, sup) }],
    ['closed', closeWorkOrder],
  ] as const)('FP-01 P2 + WO FIRE; OOS under it is off the active list; the work order %s with the pump still manual → unacked again', async (_end, end) => {
    const dev = await connectDevice(v, admin, { id: `FP-S8-${++n}`, siteId: 'S1', type: 'pump', location: { building: 'B1', floor: -1 } })
    open.push(dev)
    await dev.send('telemetry', FIRE)
    await dev.send('telemetry', { ctrlMode: 'manual' })
    await pass(dev, 60, { ctrlMode: 'manual' })
    const alarm = await waitAlarm(dev.id, 'FP-01', (a) => a.workOrderIds.length === 1)
    expect(alarm).toMatchObject({ priority: 2, state: 'unacked', active: true })
    const wo = (await v.api('GET', `/api/v1/work-orders/${alarm.workOrderIds[0]}`, { token: op })).json as WorkOrder
    expect(wo).toMatchObject({ skill: 'FIRE', priority: 2, alarmId: alarm.id, source: 'rule' })

    const oos = await post(`/alarms/${alarm.id}/out-of-service`, { workOrderId: wo.id, reason: 'pump test under this work order' }, op)
    expect(oos).toMatchObject({ state: 'out-of-service', outOfServiceWorkOrderId: wo.id })
    const ids = async (filter: string): Promise<string[]> => ((await v.api('GET', `/api/v1/alarms?state=${filter}&siteId=S1`, { token: op })).json.items as Alarm[]).map((a) => a.id)
    expect(await ids('active')).not.toContain(alarm.id)
    expect(await ids('out-of-service')).toContain(alarm.id)

    await pass(dev, 60, { ctrlMode: 'manual' })
    expect((await alarmsOf(dev.id)).find((a) => a.id === alarm.id)?.state).toBe('out-of-service')

    await end(wo.id)
    const back = await waitAlarm(dev.id, 'FP-01', (a) => a.id === alarm.id && a.state === 'unacked')
    expect(back).toMatchObject({ active: true, acked: false })
    expect(await ids('active')).toContain(alarm.id)
  })

  it('taking an alarm out of service is refused to viewers', async () => {
    const [alarm] = (await alarmsOf(open[0]!.id)).filter((a) => a.ruleId === 'FP-01')
    const viewer = await userToken(v, admin, 'viewer8', 'viewer')
    expect((await v.api('POST', `/api/v1/alarms/${alarm!.id}/out-of-service`, { token: viewer, body: { workOrderId: alarm!.workOrderIds[0], reason: 'x' } })).status).toBe(403)
    expect((await alarmsOf(open[0]!.id)).find((a) => a.id === alarm!.id)?.state).toBe('unacked')
  })
})

describe('scenario 20: certificate expiry and offline', () => {
  let lift: TestDevice
  /** Certificate expiry is a calendar date (the device schema's format "date"). */
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

  it('EL-12: expiry today + 29 d raises P4 with an ELEVATOR work order; expiry yesterday makes it P2', async () => {
    lift = await connectDevice(v, admin, { id: 'EL-B3-2', siteId: 'S1', type: 'elevator', location: { building: 'B3', floor: 1 }, attributes: { certificateExpiry: day(clock.now() + 29 * DAY) } })
    open.push(lift)
    await lift.send('telemetry', IDLE_LIFT)
    const p4 = await waitAlarm(lift.id, 'EL-12', (a) => a.workOrderIds.length === 1)
    expect(p4).toMatchObject({ priority: 4, state: 'unacked', active: true })
    expect((await v.api('GET', `/api/v1/work-orders/${p4.workOrderIds[0]}`, { token: op })).json).toMatchObject({ skill: 'ELEVATOR', alarmId: p4.id })

    const patched = await v.api('PATCH', `/api/v1/devices/${lift.id}`, { token: admin, body: { attributes: { certificateExpiry: day(clock.now() - DAY) } } })
    expect(patched.status).toBe(200)
    await lift.send('telemetry', IDLE_LIFT)
    const p2 = await waitAlarm(lift.id, 'EL-12', (a) => a.priority === 2)
    expect(p2).toMatchObject({ id: p4.id, active: true })
  })

  it('EL-10: 90 s without a heartbeat raises P3 offline; back online it clears after 60 s, not 59 s', async () => {
    await settle()
    expect((await alarmsOf(lift.id)).filter((a) => a.ruleId === 'EL-10')).toEqual([])
    await pass(lift, 90)
    const offline = await waitAlarm(lift.id, 'EL-10', (a) => a.active)
    expect(offline).toMatchObject({ priority: 3, state: 'unacked' })
    const device = (await v.api('GET', `/api/v1/devices/${lift.id}`, { token: op })).json
    expect(device.online).toBe(false)

    await lift.send('telemetry', IDLE_LIFT)
    await pass(lift, 59, IDLE_LIFT)
    await settle()
    expect((await alarmsOf(lift.id)).find((a) => a.id === offline.id)).toMatchObject({ active: true })
    await pass(lift, 1, IDLE_LIFT)
    expect(await waitAlarm(lift.id, 'EL-10', (a) => a.id === offline.id && !a.active)).toMatchObject({ state: 'rtn-unacked' })
  })
})
