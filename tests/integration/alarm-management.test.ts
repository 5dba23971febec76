// ISA-18.2 alarm management on the real path (DOMAIN.md §4.2 A9-A12, §4.3; §8 scenarios 14 and 15):
// MQTT devices -> broker -> ingest -> rules -> alarms -> REST, with Vigil's clock driven by the test.
import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import type { AlarmEngine } from '../../services/alarms/alarm.service.js'
import type { Alarm } from '../../services/core/model.js'
import { userToken } from '../helpers/api-users.js'
import { connectDevice, ensureSite, waitFor, type TestDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

const MIN = 60_000
let v: TestVigil
let clock: ManualClock
let admin: string
let operator: string
let supervisor: string
let viewer: string
let n = 0
const devices: TestDevice[] = []

beforeAll(async () => {
  clock = createManualClock(Date.UTC(2026, 10, 26, 8))
  v = await startTestVigil({ clock })
  admin = await v.login()
  await ensureSite(v, admin, 'S1')
  operator = await userToken(v, admin, 'op1', 'operator')
  supervisor = await userToken(v, admin, 'sup1', 'supervisor')
  viewer = await userToken(v, admin, 'view1', 'viewer')
})
afterAll(async () => {
  for (const d of devices) await d.client.endAsync().catch(() => undefined)
  await v?.stop()
  // The restart test hands its own data folder to the second start, which therefore keeps it.
  if (v) rmSync(v.dataDir, { recursive: true, force: true })
})

async function device(type: string, attributes: Record<string, unknown> = {}): Promise<TestDevice> {
  const d = await connectDevice(v, admin, { id: `am-${type}-${++n}`, siteId: 'S1', type, attributes })
  devices.push(d)
  return d
}

/** Time passes while the devices keep their heartbeats (else the offline rules would take over). */
async function pass(ms: number, alive: TestDevice[], step = 15_000): Promise<void> {
  for (let left = ms; left > 0; left -= step) {
    await clock.advance(Math.min(step, left))
    for (const d of alive) await d.send('status', { online: true })
  }
}

async function alarmOf(deviceId: string, ruleId: string, pred: (a: Alarm) => boolean = () => true): Promise<Alarm> {
  return waitFor(`${ruleId} on ${deviceId}`, async () => {
    const r = await v.api('GET', `/api/v1/alarms?state=all&deviceId=${deviceId}`, { token: admin })
    return (r.json as { items: Alarm[] }).items.find((a) => a.ruleId === ruleId && pred(a))
  })
}
const getAlarm = async (id: string): Promise<Alarm> => (await v.api('GET', `/api/v1/alarms/${id}`, { token: admin })).json as Alarm
const idsIn = async (state: string): Promise<string[]> =>
  ((await v.api('GET', `/api/v1/alarms?state=${state}&siteId=S1`, { token: admin })).json as { items: Alarm[] }).items.map((a) => a.id)

async function proppedDoor(): Promise<{ door: TestDevice; alarm: Alarm }> {
  const door = await device('fire-door', { doorType: 'NC' })
  await door.send('telemetry', { doorType: 'NC', position: 'open' })
  await pass(61_000, [door], 10_000)
  return { door, alarm: await alarmOf(door.id, 'FD-02') }
}

describe('shelving (DOMAIN.md §8 scenario 14)', () => {
  it('an operator shelves FD-02 for 2 h with a reason; it re-annunciates when the shelf expires with the door still open', async () => {
    const { door, alarm } = await proppedDoor()
    expect(alarm).toMatchObject({ priority: 3, state: 'unacked' })
    const post = (body: unknown, token = operator) => v.api('POST', `/api/v1/alarms/${alarm.id}/shelve`, { token, body })

    expect((await post({ minutes: 540, reason: 'too long' })).status).toBe(400)
    expect((await post({ minutes: 0, reason: 'too short' })).status).toBe(400)
    expect((await post({ minutes: 120 })).status).toBe(400)
    expect((await post({ minutes: 120, reason: 'x' }, viewer)).status).toBe(403)

    const shelvedAt = clock.now()
    const shelved = await post({ minutes: 120, reason: 'door wedged for a furniture delivery' })
    expect(shelved.status).toBe(200)
    expect(shelved.json).toMatchObject({ state: 'shelved', active: true, shelvedUntil: new Date(shelvedAt + 120 * MIN).toISOString() })
    expect(await idsIn('shelved')).toContain(alarm.id)
    expect(await idsIn('active')).not.toContain(alarm.id)
    expect((await post({ minutes: 60, reason: 'again' })).status).toBe(409)

    await pass(119 * MIN, [door], 60_000)
    expect((await getAlarm(alarm.id)).state).toBe('shelved')
    await pass(2 * MIN, [door], 60_000)
    const back = await waitFor('re-annunciated after the shelf', async () => {
      const a = await getAlarm(alarm.id)
      return a.state === 'unacked' ? a : null
    })
    expect(back).toMatchObject({ active: true, acked: false, shelvedUntil: null })
    expect(back.history?.slice(-2)).toMatchObject([
      { actor: 'op1', action: 'shelve', from: 'unacked', to: 'shelved', note: expect.stringContaining('door wedged for a furniture delivery') },
      { actor: 'system', action: 'shelve-expired', from: 'shelved', to: 'unacked', at: new Date(shelvedAt + 120 * MIN).toISOString() },
    ])
    expect(await idsIn('active')).toContain(alarm.id)
  })

  it('a door closed while shelved only clears `active`; unshelving then ends the alarm', async () => {
    const { door, alarm } = await proppedDoor()
    expect((await v.api('POST', `/api/v1/alarms/${alarm.id}/shelve`, { token: operator, body: { minutes: 30, reason: 'guard on the way' } })).status).toBe(200)
    await door.send('telemetry', { position: 'closed' })
    await pass(10_000, [door], 5000)
    const quiet = await waitFor('condition cleared while shelved', async () => {
      const a = await getAlarm(alarm.id)
      return a.active === false ? a : null
    })
    expect(quiet.state).toBe('shelved')
    const r = await v.api('POST', `/api/v1/alarms/${alarm.id}/unshelve`, { token: operator })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ state: 'normal', active: false })
    expect((await v.api('POST', `/api/v1/alarms/${alarm.id}/unshelve`, { token: operator })).status).toBe(409)
  })

  it('a priority-1 alarm is never shelved (409), even by an admin', async () => {
    const lift = await device('elevator')
    const trapped = { serviceMode: 1, carStatus: 0, direction: 0, floor: 7, doorZone: false, doorClosed: true, occupied: true, loadPct: 35 }
    await lift.send('telemetry', trapped)
    for (let i = 0; i < 7; i++) {
      await clock.advance(5000)
      await lift.send('telemetry', trapped)
    }
    const alarm = await alarmOf(lift.id, 'EL-01')
    expect(alarm.priority).toBe(1)
    const r = await v.api('POST', `/api/v1/alarms/${alarm.id}/shelve`, { token: admin, body: { minutes: 10, reason: 'test' } })
    expect(r.status).toBe(409)
    expect(r.json.error.code).toBe('ALARM_NOT_SHELVABLE')
  })

  it('a priority-2 alarm is shelved by a supervisor, not by an operator (403)', async () => {
    const plantRoom = await device('access-door', { requiredLevel: 3 })
    await plantRoom.send('event', { event: 'forced_open', requiredLevel: 3 })
    const alarm = await alarmOf(plantRoom.id, 'AC-01')
    expect(alarm.priority).toBe(2)
    const body = { minutes: 15, reason: 'contractor with a key' }
    const refused = await v.api('POST', `/api/v1/alarms/${alarm.id}/shelve`, { token: operator, body })
    expect(refused.status).toBe(403)
    expect((await getAlarm(alarm.id)).state).toBe('unacked')
    const ok = await v.api('POST', `/api/v1/alarms/${alarm.id}/shelve`, { token: supervisor, body })
    expect(ok.status).toBe(200)
    expect(ok.json).toMatchObject({ state: 'shelved' })
  })
})

/** A manual work order on the device (the permit an out-of-service alarm is tied to). */
async function workOrderFor(deviceId: string): Promise<string> {
  const r = await v.api('POST', '/api/v1/work-orders', { token: operator, body: { siteId: 'S1', deviceId, title: 'Replace the door closer', priority: 3, skill: 'FIRE', source: 'phone' } })
  expect(r.status).toBe(201)
  return (r.json as { id: string }).id
}

describe('out of service (A12)', () => {
  it('refuses a work order that does not exist', async () => {
    const { alarm } = await proppedDoor()
    const r = await v.api('POST', `/api/v1/alarms/${alarm.id}/out-of-service`, { token: operator, body: { workOrderId: 'WO-does-not-exist', reason: 'repair' } })
    expect(r.status).toBe(404)
    expect((r.json as { error: { code: string } }).error.code).toBe('WORK_ORDER_NOT_FOUND')
    expect((await getAlarm(alarm.id)).state).toBe('unacked')
  })

  it('an alarm out of service under a work order returns, re-annunciated, when the work order closes', async () => {
    const { door, alarm } = await proppedDoor()
    const WO = await workOrderFor(door.id)
    const body = { workOrderId: WO, reason: 'door closer being replaced' }
    expect((await v.api('POST', `/api/v1/alarms/${alarm.id}/out-of-service`, { token: viewer, body })).status).toBe(403)
    expect((await v.api('POST', `/api/v1/alarms/${alarm.id}/out-of-service`, { token: operator, body: { reason: 'no work order' } })).status).toBe(400)
    const oos = await v.api('POST', `/api/v1/alarms/${alarm.id}/out-of-service`, { token: operator, body })
    expect(oos.status).toBe(200)
    expect(oos.json).toMatchObject({ state: 'out-of-service', outOfServiceWorkOrderId: WO, workOrderIds: expect.arrayContaining([WO]) })
    expect(await idsIn('out-of-service')).toContain(alarm.id)
    expect(await idsIn('active')).not.toContain(alarm.id)

    await pass(MIN, [door])
    expect((await getAlarm(alarm.id)).state).toBe('out-of-service')
    const returned = await v.services.alarms.onWorkOrderClosed(WO)
    expect(returned.map((a) => a.id)).toEqual([alarm.id])
    const back = await getAlarm(alarm.id)
    expect(back).toMatchObject({ state: 'unacked', active: true, workOrderIds: expect.arrayContaining([WO]) })
    expect(back.outOfServiceWorkOrderId).toBeUndefined()
    expect(back.history?.at(-1)).toMatchObject({ actor: 'system', action: 'return-to-service', note: `work order ${WO} closed` })
    expect(await v.services.alarms.onWorkOrderClosed(WO)).toEqual([])
  })

  it('return-to-service by hand ends an alarm whose condition cleared meanwhile', async () => {
    const { door, alarm } = await proppedDoor()
    const oos = await v.api('POST', `/api/v1/alarms/${alarm.id}/out-of-service`, { token: operator, body: { workOrderId: await workOrderFor(door.id), reason: 'repair' } })
    expect(oos.status).toBe(200)
    await door.send('telemetry', { position: 'closed' })
    await pass(10_000, [door], 5000)
    await waitFor('cleared while out of service', async () => (await getAlarm(alarm.id)).active === false)
    const r = await v.api('POST', `/api/v1/alarms/${alarm.id}/return-to-service`, { token: operator, body: { note: 'closer works' } })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ state: 'normal' })
    expect((await v.api('POST', `/api/v1/alarms/${alarm.id}/return-to-service`, { token: operator, body: {} })).status).toBe(409)
  })
})

describe('suppression and escalation, as the rule engine calls them', () => {
  it('suppress hides the open alarm with the reason, unsuppress closes it; escalate raises the priority and re-annunciates', async () => {
    const engine = v.services.alarms as AlarmEngine
    const { alarm } = await proppedDoor()
    await v.api('POST', `/api/v1/alarms/${alarm.id}/ack`, { token: operator, body: {} })
    const escalated = await engine.escalate(alarm.deviceId, 'FD-02', 2)
    expect(escalated).toMatchObject({ priority: 2, state: 'unacked', acked: false })
    expect(await engine.escalate(alarm.deviceId, 'FD-02', 3)).toMatchObject({ priority: 2 })

    const suppressed = await engine.suppress(alarm.deviceId, 'FD-02', 'fire in zone Z1: FD-05 supersedes')
    expect(suppressed).toMatchObject({ state: 'suppressed', active: true })
    expect(await idsIn('suppressed')).toContain(alarm.id)
    const closed = await engine.unsuppress(alarm.deviceId, 'FD-02')
    expect(closed).toMatchObject({ state: 'normal' })
    expect((await getAlarm(alarm.id)).history?.map((h) => [h.action, h.to])).toEqual([
      ['raised', 'unacked'], ['ack', 'acked'], ['escalate', 'unacked'], ['suppress', 'suppressed'], ['unsuppress', 'normal'],
    ])
  })
})

describe('chattering (DOMAIN.md §8 scenario 15)', () => {
  it('a door toggling 3 times in 50 s is one alarm, flagged chattering, announced once; later toggles are counted silently', async () => {
    const door = await device('access-door', { requiredLevel: 1 })
    const chattering: Alarm[] = []
    const off = v.services.events.on('AlarmChattering', (a) => { if (a.deviceId === door.id) chattering.push(a) })
    try {
      const toggle = async (): Promise<void> => {
        await door.send('event', { event: 'forced_open' })
        await alarmOf(door.id, 'AC-01', (a) => a.active)
        await door.send('event', { event: 'door_closed' })
        await alarmOf(door.id, 'AC-01', (a) => !a.active)
      }
      await toggle()
      await clock.advance(25_000)
      await toggle()
      await clock.advance(25_000)
      await toggle()
      const flagged = await alarmOf(door.id, 'AC-01')
      expect(flagged).toMatchObject({ occurrences: 3, chattering: true })
      expect(chattering).toHaveLength(1)

      await pass(3 * MIN, [door])
      await toggle()
      const silent = await getAlarm(flagged.id)
      expect(silent).toMatchObject({ id: flagged.id, occurrences: 4, chattering: true })
      expect(silent.history?.filter((h) => h.to === 'unacked').map((h) => h.action)).toEqual(['raised', 'reactivated', 'reactivated-chattering', 'reactivated-chattering'])
      expect(chattering).toHaveLength(1)
      const list = ((await v.api('GET', `/api/v1/alarms?state=all&deviceId=${door.id}`, { token: admin })).json as { items: Alarm[] }).items
      expect(list.filter((a) => a.ruleId === 'AC-01')).toHaveLength(1)

      await pass(10 * MIN, [door], 60_000)
      const calm = await waitFor('chattering flag cleared', async () => {
        const a = await getAlarm(flagged.id)
        return a.chattering ? null : a
      })
      expect(calm.history?.at(-1)).toMatchObject({ action: 'chattering-cleared', actor: 'system' })
    } finally {
      off()
    }
  })
})

describe('restart', () => {
  it('a shelf survives a restart and still expires on time', async () => {
    const { alarm } = await proppedDoor()
    for (const d of devices.splice(0)) await d.client.endAsync()
    const shelvedAt = clock.now()
    expect((await v.api('POST', `/api/v1/alarms/${alarm.id}/shelve`, { token: operator, body: { minutes: 60, reason: 'restart test' } })).status).toBe(200)
    await v.stop({ keepData: true })
    const clock2 = createManualClock(shelvedAt + 30 * MIN)
    v = await startTestVigil({ clock: clock2, dataDir: v.dataDir })
    admin = await v.login()
    expect((await getAlarm(alarm.id)).state).toBe('shelved')
    await clock2.advance(31 * MIN)
    const back = await waitFor('expired after the restart', async () => {
      const a = await getAlarm(alarm.id)
      return a.state === 'unacked' ? a : null
    })
    expect(back.history?.at(-1)).toMatchObject({ action: 'shelve-expired', at: new Date(shelvedAt + 60 * MIN).toISOString() })
  })
})
