// SLA clocks and the escalation ladder on the injected clock (DOMAIN.md §6, §8 scenario 17):
// breaches recorded on the work order, L2 and L1 notified over socket.io, P1 re-notification every
// minute until acknowledged, and deadlines that survive a restart.
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
const M = 60_000
let v: TestVigil
let clock: ManualClock
const tok: Record<string, string> = {}
const tk = (who: string): string => {
  const t = tok[who]
  if (t === undefined) throw new Error(`no token for ${who}`)
  return t
}
const sockets: Client[] = []
const screens: Record<string, Notification[]> = {}

async function person(username: string, role: string, skills: string[] = []): Promise<void> {
  const password = `${username}-password-1`
  const r = await v.api('POST', '/api/v1/users', { token: tk('admin'), body: { username, password, role, displayName: username, skills } })
  if (r.status !== 201) throw new Error(`user ${username}: ${r.status} ${r.text}`)
  tok[username] = await v.login(username, password)
}
async function screen(username: string): Promise<Notification[]> {
  const s: Client = io(v.http, { auth: { token: tk(username) }, transports: ['websocket'], reconnection: false, forceNew: true })
  sockets.push(s)
  await new Promise<void>((resolve, reject) => { s.once('connect', () => resolve()); s.once('connect_error', reject) })
  const got: Notification[] = []
  s.on('notification', (n) => got.push(n))
  return (screens[username] = got)
}
const getWo = async (id: string): Promise<WorkOrder> => (await v.api('GET', `/api/v1/work-orders/${id}`, { token: tk('op') })).json as WorkOrder
const act = (id: string, action: string, token: string, body: unknown = {}) => v.api('POST', `/api/v1/work-orders/${id}/${action}`, { token, body })
/** Lets the writes started by the last timers reach the database and the sockets. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 100))

async function advance(dev: TestDevice | null, ms: number): Promise<void> {
  if (!dev) await clock.advance(ms)
  else for (let left = ms; left > 0; left -= 10_000) {
    await clock.advance(Math.min(10_000, left))
    if (dev) await dev.send('status', { online: true })
  }
  await settle()
}

async function start(dataDir?: string): Promise<void> {
  v = await startTestVigil({ clock, ...(dataDir ? { dataDir } : {}) })
  tok.admin = await v.login()
}

beforeAll(async () => {
  clock = createManualClock(Date.UTC(2026, 10, 26, 8))
  await start()
  await ensureSite(v, tk('admin'), 'S1')
  await person('op', 'operator')
  await person('wang', 'engineer', ['PLUMBING'])
  await person('li', 'engineer', ['ELEVATOR'])
  await person('sup', 'supervisor')
  await person('mgr', 'manager')
  for (const who of ['wang', 'li']) expect((await v.api('POST', '/api/v1/shifts/start', { token: tk(who), body: {} })).status).toBe(200)
  for (const who of ['sup', 'mgr', 'li']) await screen(who)
})
afterAll(async () => {
  for (const s of sockets) s.close()
  await v?.stop()
})

const lowPressure = { system: 'domestic', ctrlMode: 'auto', outletP: 0.34, setpointP: 0.45 }
/** Distinct escalation notices (P2 notices are sent again every 5 min until acknowledged: same id). */
const escalationsOf = (who: string, woId: string): Notification[] =>
  [...new Map((screens[who] ?? []).filter((n) => n.workOrderId === woId && n.kind === 'escalation').map((n) => [n.id, n])).values()]

/** The supervisor acknowledges what reached them (otherwise the notice itself escalates after 15 min). */
async function ackAll(who: string, woId: string): Promise<void> {
  for (const n of escalationsOf(who, woId)) expect((await v.api('POST', `/api/v1/notifications/${n.id}/ack`, { token: tk(who), body: {} })).status).toBe(200)
}

describe('scenario 17: escalation timers on a P2 low-pressure alarm', () => {
  it('unacked 5 min → L2; not accepted 15 → L2; not on site 30 → L2; unresolved 240 → L1', async () => {
    const pump = await connectDevice(v, tk('admin'), { id: 'PS-B1', siteId: 'S1', type: 'pump' })
    try {
      await pump.send('telemetry', lowPressure)
      for (let t = 0; t < 61_000; t += 5000) { await clock.advance(5000); await pump.send('telemetry', lowPressure) }
      const alarm = await waitFor('PU-01 and its work order', async () => {
        const items = (await v.api('GET', '/api/v1/alarms?deviceId=PS-B1', { token: tk('op') })).json.items as Alarm[]
        return items.find((a) => a.ruleId === 'PU-01' && a.workOrderIds.length === 1)
      })
      const woId = alarm.workOrderIds[0]!
      const raisedAt = Date.parse(alarm.raisedAt)
      const since = (): number => clock.now() - raisedAt
      // Dispatch follows the work order's creation (and its link to the alarm): wait for it to settle.
      expect(await waitFor('the work order dispatched', async () => { const w = await getWo(woId); return w.status === 'assigned' ? w : null }))
        .toMatchObject({ status: 'assigned', assignee: 'wang', escalationLevel: 0, breaches: [] })

      await advance(pump, 4 * M + 50_000 - since())
      expect((await getWo(woId)).breaches).toEqual([])
      await advance(pump, 5 * M - since())
      const afterAck = await getWo(woId)
      expect(afterAck).toMatchObject({ escalationLevel: 1, breaches: [{ kind: 'ack', level: 1, dueAt: new Date(raisedAt + 5 * M).toISOString() }] })
      expect(afterAck.history?.at(-1)).toMatchObject({ action: 'breach', actor: 'system' })
      expect(escalationsOf('sup', woId)).toHaveLength(1)
      expect(escalationsOf('sup', woId)[0]).toMatchObject({ to: 'sup', level: 1, subject: expect.stringContaining('alarm not acknowledged') })
      await ackAll('sup', woId)

      expect((await v.api('POST', `/api/v1/alarms/${alarm.id}/ack`, { token: tk('op'), body: {} })).status).toBe(200)
      const createdAt = Date.parse(afterAck.createdAt)
      await advance(pump, createdAt + 15 * M - clock.now())
      expect((await getWo(woId)).breaches.map((b) => b.kind)).toEqual(['ack', 'accept'])
      expect(escalationsOf('sup', woId)).toHaveLength(2)
      await ackAll('sup', woId)

      expect((await act(woId, 'accept', tk('wang'))).status).toBe(200)
      await advance(pump, createdAt + 30 * M - clock.now())
      expect((await getWo(woId)).breaches.map((b) => b.kind)).toEqual(['ack', 'accept', 'arrive'])
      expect(escalationsOf('sup', woId)).toHaveLength(3)
      expect(escalationsOf('mgr', woId)).toHaveLength(0)
      await ackAll('sup', woId)

      expect((await act(woId, 'arrive', tk('wang'))).status).toBe(200)
      expect((await act(woId, 'start', tk('wang'))).status).toBe(200)
      // The pump may fall silent now (its offline alarm does not touch this work order): no heartbeats.
      await advance(null, createdAt + 240 * M - 1000 - clock.now())
      expect((await getWo(woId)).escalationLevel).toBe(1)
      await advance(null, 1000)
      const late = await getWo(woId)
      expect(late).toMatchObject({ escalationLevel: 2 })
      expect(late.breaches.map((b) => [b.kind, b.level])).toEqual([['ack', 1], ['accept', 1], ['arrive', 1], ['resolve', 2]])
      expect(escalationsOf('mgr', woId)).toHaveLength(1)
      expect(escalationsOf('mgr', woId)[0]!.subject).toContain('escalated to L1')
    } finally {
      await pump.client.endAsync()
    }
  })
})

describe('an escalation notice must itself be acknowledged (DOMAIN.md §6, OUR)', () => {
  it('an L2 notice about a P2 work order unacknowledged for 15 min takes it to L1', async () => {
    const r = await v.api('POST', '/api/v1/work-orders', { token: tk('op'), body: { siteId: 'S1', title: 'Booster tripped', priority: 2, skill: 'PLUMBING', source: 'phone' } })
    const woId = r.json.id as string
    await advance(null, 15 * M)
    expect(await getWo(woId)).toMatchObject({ escalationLevel: 1, breaches: [{ kind: 'accept' }] })
    await advance(null, 15 * M - 1000)
    expect(escalationsOf('mgr', woId)).toHaveLength(0)
    await advance(null, 1000)
    // The timer's chain reads and writes the database: on PostgreSQL it finishes after advance() returns.
    const wo = await waitFor('escalated to L1', async () => { const w = await getWo(woId); return w.escalationLevel === 2 ? w : null })
    // The arrival deadline falls due at the same minute; the two entries may come in either order.
    expect(wo.history?.filter((h) => h.action === 'escalate').at(-1)).toMatchObject({ action: 'escalate', note: expect.stringContaining('not acknowledged') })
    await waitFor('the L1 notice', () => escalationsOf('mgr', woId).length > 0)
    expect(escalationsOf('mgr', woId)).toHaveLength(1)
    expect((await act(woId, 'cancel', tk('sup'), { reason: 'test done' })).status).toBe(200)
  })
})

describe('P1 re-notification (DOMAIN.md §6: every 1 min until acknowledged)', () => {
  it('sends the assignment again each minute with the same id, and stops at the acknowledgement', async () => {
    const r = await v.api('POST', '/api/v1/work-orders', { token: tk('op'), body: { siteId: 'S1', title: 'Lift stuck', priority: 1, skill: 'ELEVATOR', source: 'phone' } })
    expect(r.json).toMatchObject({ status: 'assigned', assignee: 'li' })
    const woId = r.json.id as string
    const first = await waitFor('assignment', () => screens.li!.find((n) => n.workOrderId === woId))
    const sends = (): Notification[] => screens.li!.filter((n) => n.id === first.id)
    expect(first).toMatchObject({ kind: 'assignment', sentCount: 1, priority: 1 })
    await advance(null, M)
    await advance(null, M)
    expect(sends().map((n) => n.sentCount)).toEqual([1, 2, 3])
    expect((await v.api('POST', `/api/v1/notifications/${first.id}/ack`, { token: tk('li'), body: {} })).status).toBe(200)
    await advance(null, 3 * M)
    expect(sends()).toHaveLength(3)
    const stored = (await v.api('GET', `/api/v1/notifications?workOrderId=${woId}`, { token: tk('li') })).json.items as Notification[]
    expect(stored.find((n) => n.id === first.id)).toMatchObject({ sentCount: 3, ackedBy: 'li' })
  })

  it('a P3 notification is sent once', async () => {
    const r = await v.api('POST', '/api/v1/work-orders', { token: tk('op'), body: { siteId: 'S1', title: 'Lift light out', priority: 3, skill: 'ELEVATOR', source: 'phone' } })
    await advance(null, 10 * M)
    expect(screens.li!.filter((n) => n.workOrderId === r.json.id)).toHaveLength(1)
  })
})

describe('deadlines survive a restart', () => {
  it('a deadline that passed while Vigil was down is recorded at start, with its original due time', async () => {
    const r = await v.api('POST', '/api/v1/work-orders', { token: tk('op'), body: { siteId: 'S1', title: 'Booster noisy', priority: 2, skill: 'PLUMBING', source: 'phone' } })
    const wo = r.json as WorkOrder
    expect(wo.assignee).toBe('wang')
    const dataDir = v.dataDir
    await v.stop({ keepData: true })
    clock.set(clock.now() + 20 * M)
    await start(dataDir)
    const after = await waitFor('accept breach after restart', async () => {
      const got = await getWo(wo.id)
      return got.breaches.length > 0 ? got : null
    })
    expect(after.breaches).toEqual([{ kind: 'accept', level: 1, dueAt: wo.dueAcceptBy, at: new Date(clock.now()).toISOString() }])
    // The next clock (arrival, +30 min from creation) is armed again, not restarted from zero.
    await advance(null, Date.parse(wo.dueArriveBy!) - clock.now())
    expect((await getWo(wo.id)).breaches.map((b) => b.kind)).toEqual(['accept', 'arrive'])
  })
})
