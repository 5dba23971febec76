// Drills (DOMAIN.md §1 #15, #33; issue #4 item 8) through MQTT and the REST API: a trapped-passenger
// message carrying `drill: true` (CONTRACT.md §2 envelope) runs the whole flow — alarm, E3 emergency,
// P1 work order, all marked as a drill — to the end, stays out of GET /reports/kpis and shows in
// GET /reports/drills. The same fault without the flag on another site is the control.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import type { Emergency } from '../../services/core/emergencies/emergency.js'
import type { Alarm } from '../../services/core/model.js'
import type { WorkOrder } from '../../services/core/work-orders/work-order.js'
import { userToken } from '../helpers/api-users.js'
import { connectDevice, ensureSite, waitFor, type TestDevice } from '../helpers/devices.js'
import { bringOnSite } from '../helpers/on-site.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

const T0 = Date.UTC(2026, 10, 26, 8)
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)])
const TRAPPED = { serviceMode: 1, carStatus: 0, direction: 0, floor: 7, doorZone: false, doorClosed: true, occupied: true, loadPct: 35 }
const RELEASED = { ...TRAPPED, doorZone: true, doorClosed: false, occupied: false, loadPct: 0 }

let v: TestVigil
let clock: ManualClock
let admin: string
let sup: string
const lifts: TestDevice[] = []

async function trap(lift: TestDevice, drill: boolean): Promise<Alarm> {
  const msg = { ...TRAPPED, ...(drill ? { drill: true } : {}) }
  await lift.send('telemetry', msg)
  for (let t = 0; t < 31_000; t += 5_000) {
    await clock.advance(5_000)
    await lift.send('telemetry', msg)
  }
  return waitFor(`EL-01 on ${lift.id} with its emergency and work order`, async () =>
    ((await v.api('GET', `/api/v1/alarms?state=all&deviceId=${lift.id}`, { token: admin })).json.items as Alarm[])
      .find((a) => a.ruleId === 'EL-01' && a.emergencyId !== null && a.workOrderIds.length > 0))
}
const get = async <T>(url: string): Promise<T> => (await v.api('GET', `/api/v1${url}`, { token: admin })).json as T
const post = async (url: string, body: unknown, token = admin): Promise<any> => {
  const r = await v.api('POST', `/api/v1${url}`, { token, body })
  if (r.status !== 200 && r.status !== 201) throw new Error(`${url}: ${r.status} ${r.text}`)
  return r.json
}

let drillAlarm: Alarm
let controlAlarm: Alarm

beforeAll(async () => {
  clock = createManualClock(T0)
  v = await startTestVigil({ clock })
  admin = await v.login()
  sup = await userToken(v, admin, 'sup', 'supervisor')
  for (const s of ['D1', 'D2']) await ensureSite(v, admin, s)
  lifts.push(await connectDevice(v, admin, { id: 'EL-DRILL', siteId: 'D1', type: 'elevator', location: { building: 'B1', floor: 1 } }))
  lifts.push(await connectDevice(v, admin, { id: 'EL-REAL', siteId: 'D2', type: 'elevator', location: { building: 'B1', floor: 1 } }))
  drillAlarm = await trap(lifts[0]!, true)
  controlAlarm = await trap(lifts[1]!, false)
})
afterAll(async () => {
  for (const d of lifts) await d.client.endAsync().catch(() => undefined)
  await v?.stop()
})

describe('a drill runs the whole flow, marked as a drill', () => {
  it('the alarm, its emergency and its work order are all drills; the control is not', async () => {
    expect(drillAlarm).toMatchObject({ priority: 1, state: 'unacked', drill: true })
    const em = await get<Emergency>(`/emergencies/${drillAlarm.emergencyId}`)
    expect(em).toMatchObject({ level: 'E3', drill: true, alarmIds: [drillAlarm.id] })
    for (const id of drillAlarm.workOrderIds) expect(await get<WorkOrder>(`/work-orders/${id}`)).toMatchObject({ priority: 1, skill: 'ELEVATOR', drill: true })

    expect(controlAlarm.drill).toBe(false)
    expect((await get<Emergency>(`/emergencies/${controlAlarm.emergencyId}`)).drill).toBe(false)
    expect((await get<WorkOrder>(`/work-orders/${controlAlarm.workOrderIds[0]}`)).drill).toBe(false)
  })

  it('is handled to the end: ack, contain, residents notified, reset on site, work order verified, emergency closed', async () => {
    await post(`/alarms/${drillAlarm.id}/ack`, { note: 'drill: acknowledged' })
    await post(`/emergencies/${drillAlarm.emergencyId}/contain`, { note: 'guard at the car' })
    await post(`/emergencies/${drillAlarm.emergencyId}/notify-residents`, {})
    await bringOnSite(v, admin, drillAlarm.id)
    const lift = lifts[0]!
    for (let t = 0; t < 15_000; t += 5_000) {
      await lift.send('telemetry', { ...RELEASED, drill: true })
      await clock.advance(5_000)
    }
    await lift.send('telemetry', { ...RELEASED, drill: true })
    await waitFor('latched', async () => (await get<Alarm>(`/alarms/${drillAlarm.id}`)).state === 'latched')
    expect((await post(`/alarms/${drillAlarm.id}/reset`, { note: 'drill over, passenger released' })).state).toBe('normal')

    const woId = drillAlarm.workOrderIds[0]!
    await post(`/work-orders/${woId}/start`, {})
    const form = new FormData()
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'photo.png')
    expect((await fetch(`${v.http}/api/v1/work-orders/${woId}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: form })).status).toBe(201)
    await post(`/work-orders/${woId}/complete`, { result: 'drill: released in 4 min' })
    expect((await post(`/work-orders/${woId}/verify`, {}, sup)).status).toBe('verified')
    const closed = await post(`/emergencies/${drillAlarm.emergencyId}/close`, { review: 'drill B1 lift: released in 4 min, procedure followed' }, sup)
    expect(closed).toMatchObject({ stage: 'closed', drill: true })
  })
})

describe('drills and the reports', () => {
  it('GET /reports/kpis leaves the drill out and counts the control', async () => {
    const drillSite = (await v.api('GET', `/api/v1/reports/kpis?siteId=D1&from=${T0}`, { token: admin })).json
    expect(drillSite.alarmLoad.annunciated).toBe(0)
    expect(drillSite.mtta.count).toBe(0)
    expect(drillSite.workOrders).toMatchObject({ created: 0, resolved: 0, mttr: { count: 0 } })
    const control = (await v.api('GET', `/api/v1/reports/kpis?siteId=D2&from=${T0}`, { token: admin })).json
    expect(control.alarmLoad.annunciated).toBe(1)
    expect(control.workOrders.created).toBe(1)
  })

  it('GET /reports/drills lists the drill emergency with its alarm and work order, and how far it got; not the control', async () => {
    const r = await v.api('GET', `/api/v1/reports/drills?from=${T0}`, { token: admin })
    expect(r.status).toBe(200)
    expect(r.json.emergencies).toEqual([expect.objectContaining({
      id: drillAlarm.emergencyId, siteId: 'D1', stage: 'closed', alarmIds: [drillAlarm.id], containedAt: expect.any(String),
      residentsNotifiedAt: expect.any(String), closedAt: expect.any(String), containSec: expect.any(Number),
    })])
    expect(r.json.workOrders).toEqual([expect.objectContaining({ id: drillAlarm.workOrderIds[0], siteId: 'D1', status: 'verified', completedAt: expect.any(String) })])
    const d2 = await v.api('GET', `/api/v1/reports/drills?siteId=D2&from=${T0}`, { token: admin })
    expect(d2.json).toMatchObject({ emergencies: [], workOrders: [] })
  })
})
