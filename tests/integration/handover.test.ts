// Shift handover 交接班 through MQTT and the REST API (DOMAIN.md §7.1; §8 scenario 19): the draft from
// live state lists a latched P1, a shelved P3 and their two open work orders; creating a handover is
// refused while a P1 is unacknowledged; the outgoing operator's handover stays pending (ownership
// unchanged) until the incoming operator signs; then it is immutable and ownership has moved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import type { Alarm } from '../../services/core/model.js'
import type { WorkOrder } from '../../services/core/work-orders/work-order.js'
import { userToken } from '../helpers/api-users.js'
import { connectDevice, ensureSite, waitFor, type TestDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

const MIN = 60_000
let v: TestVigil
let clock: ManualClock
let admin: string
const tok: Record<string, string> = {}
const tk = (who: string): string => tok[who] ?? (() => { throw new Error(`no token for ${who}`) })()
let lift: TestDevice
let door: TestDevice
const TRAPPED = { serviceMode: 1, carStatus: 0, direction: 0, floor: 7, doorZone: false, doorClosed: true, occupied: true, loadPct: 35 }
const RELEASED = { ...TRAPPED, doorZone: true, doorClosed: false, occupied: false, loadPct: 0 }
let liftState: object = TRAPPED

/** Time passes while both devices keep reporting (the lift its telemetry, the door its heartbeat). */
async function pass(ms: number, step = 5_000): Promise<void> {
  for (let left = ms; left > 0; left -= step) {
    await clock.advance(Math.min(step, left))
    await lift.send('telemetry', liftState)
    await door.send('status', { online: true })
  }
}
const alarmOf = (deviceId: string, ruleId: string, pred: (a: Alarm) => boolean = () => true): Promise<Alarm> =>
  waitFor(`${ruleId} on ${deviceId}`, async () => ((await v.api('GET', `/api/v1/alarms?state=all&deviceId=${deviceId}`, { token: admin })).json.items as Alarm[])
    .find((a) => a.ruleId === ruleId && pred(a)))
const workOrder = async (id: string): Promise<WorkOrder> => (await v.api('GET', `/api/v1/work-orders/${id}`, { token: admin })).json as WorkOrder
const handover = (who: string, body: unknown) => v.api('POST', '/api/v1/handovers', { token: tk(who), body })
const sign = (id: string, who: string) => v.api('POST', `/api/v1/handovers/${id}/sign`, { token: tk(who) })

let p1: Alarm
let p3: Alarm
let woIds: string[]

beforeAll(async () => {
  clock = createManualClock(Date.UTC(2026, 10, 26, 8))
  v = await startTestVigil({ clock })
  admin = await v.login()
  await ensureSite(v, admin, 'S1')
  for (const [u, role] of [['op', 'operator'], ['op2', 'operator'], ['op3', 'operator'], ['eng', 'engineer'], ['viewer', 'viewer']] as const) tok[u] = await userToken(v, admin, u, role)
  lift = await connectDevice(v, admin, { id: 'EL-H1', siteId: 'S1', type: 'elevator', location: { building: 'B3', floor: 1 } })
  door = await connectDevice(v, admin, { id: 'FD-H1', siteId: 'S1', type: 'fire-door', attributes: { doorType: 'NC' } })
  await door.send('telemetry', { doorType: 'NC', position: 'open' })
  await lift.send('telemetry', TRAPPED)
  await pass(61_000)
  p1 = await alarmOf('EL-H1', 'EL-01', (a) => a.workOrderIds.length > 0)
  p3 = await alarmOf('FD-H1', 'FD-02', (a) => a.workOrderIds.length > 0)
  woIds = [...p1.workOrderIds, ...p3.workOrderIds]
})
afterAll(async () => {
  for (const d of [lift, door]) await d?.client.endAsync().catch(() => undefined)
  await v?.stop()
})

describe('scenario 19: shift handover', () => {
  it('is refused (409) while a P1 is unacknowledged, naming the alarm', async () => {
    expect(p1).toMatchObject({ priority: 1, state: 'unacked' })
    const r = await handover('op', { incoming: 'op2', notes: 'quiet night' })
    expect(r.status).toBe(409)
    expect(r.json.error).toMatchObject({ code: 'HANDOVER_P1_UNACKED', details: { alarmIds: [p1.id] } })
    expect((await v.api('GET', '/api/v1/handovers', { token: tk('op') })).json.items).toEqual([])
  })

  it('the draft lists the latched P1, the shelved P3 and both open work orders', async () => {
    expect((await v.api('POST', `/api/v1/alarms/${p1.id}/ack`, { token: tk('op'), body: {} })).status).toBe(200)
    liftState = RELEASED
    await lift.send('telemetry', liftState)
    await pass(11_000)
    await alarmOf('EL-H1', 'EL-01', (a) => a.id === p1.id && a.state === 'latched')
    const shelved = await v.api('POST', `/api/v1/alarms/${p3.id}/shelve`, { token: tk('op'), body: { minutes: 120, reason: 'door wedged for a delivery' } })
    expect(shelved.status).toBe(200)

    const r = await v.api('GET', '/api/v1/handovers/draft', { token: tk('op') })
    expect(r.status).toBe(200)
    const d = r.json
    expect(d).toMatchObject({ outgoing: 'op', at: new Date(clock.now()).toISOString() })
    expect(d.alarms.latched).toEqual([expect.objectContaining({ id: p1.id, priority: 1, ruleId: 'EL-01', state: 'latched' })])
    expect(d.alarms.shelved).toEqual([expect.objectContaining({ id: p3.id, priority: 3, ruleId: 'FD-02', shelvedUntil: expect.any(String) })])
    // FD-01, the P4 indicator of the same open door, is the only one still unacked.
    expect(d.alarms.unacked.map((a: Alarm) => [a.ruleId, a.priority])).toEqual([['FD-01', 4]])
    expect(d.workOrders.map((w: { id: string }) => w.id).sort()).toEqual([...woIds].sort())
    expect(d.emergencies).toEqual([expect.objectContaining({ level: expect.stringMatching(/^E[123]$/) })])
  })

  it.each([['eng'], ['viewer']])('%s may not read the draft or hand over (403)', async (who) => {
    expect((await v.api('GET', '/api/v1/handovers/draft', { token: tk(who) })).status).toBe(403)
    expect((await handover(who, { incoming: 'op2', notes: '' })).status).toBe(403)
  })

  it.each([
    [{ incoming: 'op', notes: '' }, 'to oneself'], [{ incoming: 'eng', notes: '' }, 'to an engineer'], [{ incoming: 'nobody', notes: '' }, 'to nobody'], [{ notes: '' }, 'without incoming'],
  ] as Array<[Record<string, string>, string]>)('handing over %j (%s) is 400', async (body) => {
    expect((await handover('op', body)).status).toBe(400)
  })

  it('the outgoing handover is pending with ownership unchanged until the incoming operator signs; then immutable', async () => {
    const created = await handover('op', { incoming: 'op2', notes: 'lift B3 latched, door FD-H1 shelved for a delivery' })
    expect(created.status).toBe(201)
    const h = created.json
    expect(h).toMatchObject({ status: 'pending', outgoing: 'op', incoming: 'op2', outgoingSignedAt: expect.any(String), incomingSignedAt: null, transferred: null })
    expect(h.draft.alarms.latched.map((a: Alarm) => a.id)).toEqual([p1.id])
    for (const id of woIds) expect((await workOrder(id)).history?.some((e) => e.action === 'handover')).toBe(false)

    // Only the incoming operator signs.
    for (const who of ['op', 'op3']) {
      const r = await sign(h.id, who)
      expect(r.status).toBe(409)
      expect(r.json.error.code).toBe('HANDOVER_TRANSITION_NOT_ALLOWED')
    }
    expect((await v.api('GET', `/api/v1/handovers/${h.id}`, { token: tk('op') })).json).toMatchObject({ status: 'pending', incomingSignedAt: null })

    await clock.advance(MIN)
    const signed = await sign(h.id, 'op2')
    expect(signed.status).toBe(200)
    expect(signed.json).toMatchObject({ status: 'signed', incomingSignedAt: new Date(clock.now()).toISOString() })
    expect([...signed.json.transferred.workOrderIds].sort()).toEqual([...woIds].sort())
    expect(signed.json.transferred.alarmIds).toEqual(expect.arrayContaining([p1.id, p3.id]))
    for (const id of woIds) {
      expect((await workOrder(id)).history?.filter((e) => e.action === 'handover')).toEqual([
        expect.objectContaining({ actor: 'op2', note: expect.stringContaining('from op to op2') }),
      ])
    }

    // Immutable: a second signature is refused and changes nothing.
    const again = await sign(h.id, 'op2')
    expect(again.status).toBe(409)
    expect(again.json.error.code).toBe('HANDOVER_TRANSITION_NOT_ALLOWED')
    const stored = (await v.api('GET', `/api/v1/handovers/${h.id}`, { token: tk('op3') })).json
    expect(stored).toEqual(signed.json)
    for (const id of woIds) expect((await workOrder(id)).history?.filter((e) => e.action === 'handover')).toHaveLength(1)
  })

  it('GET /handovers lists them newest first; an unknown one is 404', async () => {
    const list = await v.api('GET', '/api/v1/handovers', { token: tk('op2') })
    expect(list.status).toBe(200)
    expect(list.json.items).toEqual([expect.objectContaining({ status: 'signed', outgoing: 'op', incoming: 'op2' })])
    const missing = await v.api('GET', '/api/v1/handovers/nope', { token: tk('op2') })
    expect(missing.status).toBe(404)
    expect(missing.json.error.code).toBe('HANDOVER_NOT_FOUND')
    expect((await v.api('GET', '/api/v1/handovers', { token: tk('viewer') })).status).toBe(403)
  })
})
