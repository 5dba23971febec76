// Shifts and auto-dispatch (DOMAIN.md §5; CONTRACT.md §3 duty), and work orders opened by alarms
// on the real path: MQTT publish -> rules -> alarm -> work order -> the engineer on shift, with the
// manual clock standing in for time and real socket.io clients watching (DOMAIN.md §8 scenarios 1, 5, 7).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import type { Alarm } from '../../services/core/model.js'
import type { Notification } from '../../services/core/work-orders/duty.js'
import type { WorkOrder } from '../../services/core/work-orders/work-order.js'
import type { ClientToServerEvents, ServerToClientEvents } from '../../services/realtime/socket-events.js'
import { connectDevice, ensureSite, waitFor, type TestDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

type Client = Socket<ServerToClientEvents, ClientToServerEvents>
let v: TestVigil
let clock: ManualClock
const tok: Record<string, string> = {}
const tk = (who: string): string => {
  const t = tok[who]
  if (t === undefined) throw new Error(`no token for ${who}`)
  return t
}
const sockets: Client[] = []
const devices: TestDevice[] = []

async function person(username: string, role: string, extra: { skills?: string[]; siteIds?: string[] } = {}): Promise<void> {
  const password = `${username}-password-1`
  const r = await v.api('POST', '/api/v1/users', { token: tk('admin'), body: { username, password, role, displayName: username, ...extra } })
  if (r.status !== 201) throw new Error(`user ${username}: ${r.status} ${r.text}`)
  tok[username] = await v.login(username, password)
}

async function watch(username: string): Promise<{ notifications: Notification[]; workOrders: WorkOrder[]; alarms: Array<{ at: number; alarm: Alarm }>; woAt: Array<{ at: number; wo: WorkOrder }> }> {
  const s: Client = io(v.http, { auth: { token: tk(username) }, transports: ['websocket'], reconnection: false, forceNew: true })
  sockets.push(s)
  await new Promise<void>((resolve, reject) => { s.once('connect', () => resolve()); s.once('connect_error', reject) })
  await s.timeout(5000).emitWithAck('subscribe', { siteIds: ['S1'] })
  const got = { notifications: [] as Notification[], workOrders: [] as WorkOrder[], alarms: [] as Array<{ at: number; alarm: Alarm }>, woAt: [] as Array<{ at: number; wo: WorkOrder }> }
  s.on('notification', (n) => got.notifications.push(n))
  s.on('workorder', (wo) => { got.workOrders.push(wo); got.woAt.push({ at: performance.now(), wo }) })
  s.on('alarm', (alarm) => got.alarms.push({ at: performance.now(), alarm }))
  return got
}

const create = async (body: Record<string, unknown> = {}): Promise<WorkOrder> => {
  const r = await v.api('POST', '/api/v1/work-orders', { token: tk('op'), body: { siteId: 'S1', title: 'Lift noisy', priority: 2, skill: 'ELEVATOR', source: 'phone', ...body } })
  if (r.status !== 201) throw new Error(`create: ${r.status} ${r.text}`)
  return r.json as WorkOrder
}
const getWo = async (id: string): Promise<WorkOrder> => (await v.api('GET', `/api/v1/work-orders/${id}`, { token: tk('op') })).json as WorkOrder
const shift = (who: string, what: 'start' | 'end') => v.api('POST', `/api/v1/shifts/${what}`, { token: tk(who), body: {} })
const workOrdersOf = async (deviceId: string): Promise<WorkOrder[]> =>
  ((await v.api('GET', '/api/v1/work-orders?siteId=S1&limit=1000', { token: tk('op') })).json.items as WorkOrder[]).filter((w) => w.deviceId === deviceId)
const alarmsOf = async (deviceId: string): Promise<Alarm[]> => (await v.api('GET', `/api/v1/alarms?state=all&deviceId=${deviceId}`, { token: tk('op') })).json.items as Alarm[]

/** Time passes in 5 s steps while the device keeps reporting (or the offline rule would take over). */
async function hold(dev: TestDevice, ms: number, payload?: object): Promise<void> {
  for (let left = ms; left > 0; left -= 5000) {
    await clock.advance(Math.min(5000, left))
    await (payload ? dev.send('telemetry', payload) : dev.send('status', { online: true }))
  }
}

beforeAll(async () => {
  clock = createManualClock(Date.UTC(2026, 10, 26, 8))
  v = await startTestVigil({ clock })
  tok.admin = await v.login()
  await ensureSite(v, tk('admin'), 'S1')
  await ensureSite(v, tk('admin'), 'S2')
  await person('op', 'operator')
  await person('li', 'engineer', { skills: ['ELEVATOR'] })
  await person('zhou', 'engineer', { skills: ['ELEVATOR'] })
  await person('far', 'engineer', { skills: ['ELEVATOR'], siteIds: ['S2'] })
  await person('wang', 'engineer', { skills: ['PLUMBING'] })
  await person('dian', 'engineer', { skills: ['ELECTRICAL'] })
  await person('zhao', 'engineer', { skills: ['SECURITY'] })
  await person('sup', 'supervisor')
  await person('viewer', 'viewer')
})
afterAll(async () => {
  for (const s of sockets) s.close()
  for (const d of devices) await d.client.endAsync().catch(() => undefined)
  await v?.stop()
})

describe('shifts (CONTRACT.md §3 duty)', () => {
  it('start, current, end; twice is 409; not on shift is 404; viewers have no shifts', async () => {
    expect((await v.api('GET', '/api/v1/shifts/current', { token: tk('zhao') })).status).toBe(404)
    const started = await shift('zhao', 'start')
    expect(started.status).toBe(200)
    expect(started.json).toMatchObject({ username: 'zhao', startedAt: new Date(clock.now()).toISOString(), endedAt: null })
    expect((await shift('zhao', 'start')).json.error.code).toBe('SHIFT_ALREADY_STARTED')
    expect((await v.api('GET', '/api/v1/shifts/current', { token: tk('zhao') })).json).toMatchObject({ id: started.json.id, endedAt: null })
    await clock.advance(60_000)
    const ended = await shift('zhao', 'end')
    expect(ended.json).toMatchObject({ id: started.json.id, endedAt: new Date(clock.now()).toISOString() })
    expect((await shift('zhao', 'end')).status).toBe(409)
    expect((await v.api('GET', '/api/v1/shifts/current', { token: tk('zhao') })).json.error.code).toBe('SHIFT_NOT_FOUND')
    expect((await shift('viewer', 'start')).status).toBe(403)
  })
})

describe('auto-dispatch (DOMAIN.md §5)', () => {
  it('picks on-shift people with the skill and the site, least open work first, never the rejecter; nobody left → L2 at once', async () => {
    const supScreen = await watch('sup')
    expect((await shift('li', 'start')).status).toBe(200)
    await clock.advance(1000)
    expect((await shift('zhou', 'start')).status).toBe(200)
    expect((await shift('far', 'start')).status).toBe(200)

    const a = await create()
    const b = await create()
    const c = await create()
    expect([a.assignee, b.assignee, c.assignee]).toEqual(['li', 'zhou', 'li'])
    expect(a).toMatchObject({ status: 'assigned', escalationLevel: 0 })

    expect((await v.api('POST', `/api/v1/work-orders/${c.id}/reject`, { token: tk('li'), body: { reason: 'busy on another lift' } })).status).toBe(200)
    expect(await getWo(c.id)).toMatchObject({ status: 'assigned', assignee: 'zhou', rejectedBy: ['li'] })

    expect((await v.api('POST', `/api/v1/work-orders/${c.id}/reject`, { token: tk('zhou'), body: { reason: 'no key' } })).status).toBe(200)
    const orphan = await getWo(c.id)
    expect(orphan).toMatchObject({ status: 'created', assignee: null, rejectedBy: ['li', 'zhou'], escalationLevel: 1 })
    expect(orphan.history?.at(-1)).toMatchObject({ action: 'escalate', actor: 'system' })
    const n = await waitFor('L2 notification', () => supScreen.notifications.find((x) => x.workOrderId === c.id && x.kind === 'unassigned'))
    expect(n).toMatchObject({ to: 'sup', level: 1, priority: 2, id: expect.any(String), subject: expect.stringContaining('nobody on shift') })
    for (const who of ['li', 'zhou', 'far']) expect((await shift(who, 'end')).status).toBe(200)
  })

  it('a shift start hands over what was waiting, and the assignee is notified', async () => {
    const wangScreen = await watch('wang')
    const wo = await create({ skill: 'PLUMBING', title: 'Tap dripping' })
    expect(wo).toMatchObject({ status: 'created', escalationLevel: 1 })
    expect((await shift('wang', 'start')).status).toBe(200)
    expect(await getWo(wo.id)).toMatchObject({ status: 'assigned', assignee: 'wang' })
    const n = await waitFor('assignment', () => wangScreen.notifications.find((x) => x.workOrderId === wo.id))
    expect(n).toMatchObject({ to: 'wang', kind: 'assignment' })
    const ack = await v.api('POST', `/api/v1/notifications/${n.id}/ack`, { token: tk('wang'), body: {} })
    expect(ack.json).toMatchObject({ id: n.id, ackedBy: 'wang', ackedAt: expect.any(String) })
    expect((await v.api('POST', `/api/v1/notifications/${n.id}/ack`, { token: tk('li'), body: {} })).status).toBe(404)
    expect(wangScreen.workOrders.some((w) => w.id === wo.id && w.status === 'assigned')).toBe(true)
  })
})

const lowPressure = { system: 'domestic', ctrlMode: 'auto', outletP: 0.34, setpointP: 0.45 }
const trapped = { serviceMode: 1, carStatus: 0, direction: 0, floor: 7, doorZone: false, doorClosed: true, occupied: true, loadPct: 35 }

describe('work orders from alarms (issue #4 item 2)', () => {
  it('PU-01 P2 opens one PLUMBING work order, linked both ways, assigned to the plumber on shift (scenario 5)', async () => {
    const pump = await connectDevice(v, tk('admin'), { id: 'PS-B1', siteId: 'S1', type: 'pump' })
    devices.push(pump)
    await pump.send('telemetry', lowPressure)
    await hold(pump, 61_000, lowPressure)
    const alarm = await waitFor('PU-01 with its work order', async () => (await alarmsOf('PS-B1')).find((a) => a.ruleId === 'PU-01' && a.workOrderIds.length === 1))
    // Dispatch follows the work order's creation (and its link to the alarm): wait for it to settle.
    const [wo] = await waitFor('the work order dispatched', async () => ((await workOrdersOf('PS-B1'))[0]?.status === 'assigned' ? workOrdersOf('PS-B1') : null))
    expect(wo).toMatchObject({
      id: alarm.workOrderIds[0], alarmId: alarm.id, ruleId: 'PU-01', source: 'rule', priority: 2, skill: 'PLUMBING', title: alarm.title,
      status: 'assigned', assignee: 'wang', createdBy: 'system',
    })
    await hold(pump, 30_000, lowPressure)
    expect(await workOrdersOf('PS-B1')).toHaveLength(1)
  })

  it('SU-02 pump-room flooding opens two work orders, one per trade (scenario 7)', async () => {
    const sump = await connectDevice(v, tk('admin'), { id: 'SP-B2', siteId: 'S1', type: 'pump' })
    devices.push(sump)
    const flood = { system: 'sump', levelPct: 96, floodWet: true }
    await sump.send('telemetry', flood)
    await hold(sump, 11_000, flood)
    const alarm = await waitFor('SU-02 with two work orders', async () => (await alarmsOf('SP-B2')).find((a) => a.ruleId === 'SU-02' && a.workOrderIds.length === 2))
    expect(alarm.priority).toBe(1)
    const wos = await waitFor('both work orders dispatched or escalated', async () => {
      const all = await workOrdersOf('SP-B2')
      return all.some((w) => w.status === 'assigned') && all.some((w) => w.escalationLevel === 1) ? all : null
    })
    expect(wos.map((w) => [w.skill, w.status, w.assignee]).sort()).toEqual([['ELECTRICAL', 'created', null], ['PLUMBING', 'assigned', 'wang']])
    expect(wos.find((w) => w.skill === 'ELECTRICAL')?.escalationLevel).toBe(1)
  })

  it('EL-01 P1 is assigned to the lift engineer on shift within 5 s of the alarm, with 15 and 30 min arrival clocks (scenario 1)', async () => {
    expect((await shift('li', 'start')).status).toBe(200)
    const screen = await watch('op')
    const lift = await connectDevice(v, tk('admin'), { id: 'EL-B3-1', siteId: 'S1', type: 'elevator', attributes: { ratedSpeed: 1.75 } })
    devices.push(lift)
    await lift.send('telemetry', trapped)
    await hold(lift, 31_000, trapped)
    const raised = await waitFor('EL-01 alarm event', () => screen.alarms.find((x) => x.alarm.ruleId === 'EL-01'))
    const assigned = await waitFor('assigned work order event', () => screen.woAt.find((x) => x.wo.deviceId === 'EL-B3-1' && x.wo.status === 'assigned'))
    expect(assigned.at - raised.at).toBeLessThan(5000)
    const created = Date.parse(assigned.wo.createdAt)
    expect(assigned.wo).toMatchObject({ priority: 1, skill: 'ELEVATOR', assignee: 'li', alarmId: raised.alarm.id })
    expect(Date.parse(assigned.wo.dueArriveBy!) - created).toBe(15 * 60_000)
    expect(Date.parse(assigned.wo.dueSpecialistArriveBy!) - created).toBe(30 * 60_000)
  })

  it('a rule without skills (FD-01 P4 indicator) opens none', async () => {
    const door = await connectDevice(v, tk('admin'), { id: 'FD-S2-5', siteId: 'S1', type: 'fire-door', attributes: { doorType: 'NC' } })
    devices.push(door)
    await door.send('telemetry', { doorType: 'NC', position: 'open' })
    await hold(door, 20_000)
    await waitFor('FD-01', async () => (await alarmsOf('FD-S2-5')).find((a) => a.ruleId === 'FD-01'))
    await new Promise((r) => setTimeout(r, 150))
    expect(await workOrdersOf('FD-S2-5')).toEqual([])
    await door.send('telemetry', { position: 'closed' })
  })

  it('a fault that returns while its work order is open links the new alarm to the same work order', async () => {
    const door = await connectDevice(v, tk('admin'), { id: 'AC-PR-1', siteId: 'S1', type: 'access-door', attributes: { requiredLevel: 3 } })
    devices.push(door)
    const forced = { event: 'forced_open', requiredLevel: 3, doorState: 'open' }
    await door.send('event', forced)
    const first = await waitFor('AC-01 with work order', async () => (await alarmsOf('AC-PR-1')).find((a) => a.workOrderIds.length === 1))
    expect((await v.api('POST', `/api/v1/alarms/${first.id}/ack`, { token: tk('op'), body: {} })).status).toBe(200)
    await door.send('telemetry', { doorState: 'closed', lockState: 'locked' })
    await waitFor('first alarm normal', async () => (await alarmsOf('AC-PR-1')).find((a) => a.id === first.id && a.state === 'normal'))
    await door.send('event', forced)
    const second = await waitFor('second alarm linked', async () => (await alarmsOf('AC-PR-1')).find((a) => a.id !== first.id && a.workOrderIds.length === 1))
    expect(second.workOrderIds).toEqual(first.workOrderIds)
    expect(await workOrdersOf('AC-PR-1')).toHaveLength(1)
  })

  it('an alarm out of service under a work order returns to service when the work order is cancelled (DOMAIN.md §4.2 A12)', async () => {
    const door = await connectDevice(v, tk('admin'), { id: 'AC-PR-2', siteId: 'S1', type: 'access-door', attributes: { requiredLevel: 3 } })
    devices.push(door)
    await door.send('event', { event: 'forced_open', requiredLevel: 3, doorState: 'open' })
    const alarm = await waitFor('AC-01 with work order', async () => (await alarmsOf('AC-PR-2')).find((a) => a.workOrderIds.length === 1))
    const woId = alarm.workOrderIds[0]!
    const oos = await v.api('POST', `/api/v1/alarms/${alarm.id}/out-of-service`, { token: tk('op'), body: { workOrderId: woId, reason: 'lock being replaced' } })
    expect(oos.status).toBe(200)
    expect(oos.json.state).toBe('out-of-service')
    expect((await v.api('POST', `/api/v1/work-orders/${woId}/cancel`, { token: tk('sup'), body: { reason: 'replaced under the maintenance contract' } })).status).toBe(200)
    const back = await waitFor('alarm back in service', async () => (await alarmsOf('AC-PR-2')).find((a) => a.id === alarm.id && a.state !== 'out-of-service'))
    // The door is still reported open: the condition holds, so the alarm annunciates again.
    expect(back.state).toBe('unacked')
  })
})
