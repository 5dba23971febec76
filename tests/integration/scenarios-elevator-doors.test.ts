// DOMAIN.md §8 acceptance scenarios 1-4 and 10-12 (elevators, fire doors, access doors) played
// through MQTT into a whole Vigil, with the test driving Vigil's clock and checking the REST API
// and the wall display (socket.io). The work-order and emergency parts of these scenarios belong
// to issue #4 and are not checked here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import type { Alarm } from '../../services/core/model.js'
import type { ClientToServerEvents, ServerToClientEvents } from '../../services/realtime/socket-events.js'
import { connectDevice, ensureSite, waitFor, type TestDevice } from '../helpers/devices.js'
import { bringOnSite } from '../helpers/on-site.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

type Wall = Socket<ServerToClientEvents, ClientToServerEvents>

let v: TestVigil
let clock: ManualClock
let token: string
const devices: TestDevice[] = []
const walls: Wall[] = []

beforeAll(async () => {
  clock = createManualClock(Date.UTC(2026, 10, 26, 8))
  v = await startTestVigil({ clock })
  token = await v.login()
  for (const site of ['S1', 'S10', 'S11', 'S12']) await ensureSite(v, token, site)
})
afterAll(async () => {
  for (const w of walls) w.disconnect()
  for (const d of devices) await d.client.endAsync()
  await v?.stop()
})

async function device(d: Parameters<typeof connectDevice>[2]): Promise<TestDevice> {
  const dev = await connectDevice(v, token, d)
  devices.push(dev)
  return dev
}

/** A wall display: a socket.io client subscribed to one site. */
async function wallDisplay(siteId: string): Promise<Wall> {
  const s: Wall = io(v.http, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true })
  walls.push(s)
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve())
    s.once('connect_error', reject)
  })
  await s.timeout(5000).emitWithAck('subscribe', { siteIds: [siteId] })
  return s
}

function shown(wall: Wall, pred: (a: Alarm) => boolean): Promise<Alarm> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the wall display got no matching alarm within 5 s')), 5000)
    const on = (a: Alarm): void => {
      if (!pred(a)) return
      clearTimeout(timer)
      wall.off('alarm', on)
      resolve(a)
    }
    wall.on('alarm', on)
  })
}

async function alarmsOf(deviceId: string, ruleId?: string): Promise<Alarm[]> {
  const r = await v.api('GET', `/api/v1/alarms?state=all&deviceId=${deviceId}`, { token })
  expect(r.status).toBe(200)
  return (r.json as { items: Alarm[] }).items.filter((a) => ruleId === undefined || a.ruleId === ruleId)
}

const alarmOf = (deviceId: string, ruleId: string, pred: (a: Alarm) => boolean = () => true): Promise<Alarm> =>
  waitFor(`${ruleId} on ${deviceId}`, async () => (await alarmsOf(deviceId, ruleId)).find(pred))

/** Lets alarm writes started by the last timer reach the database before asserting that nothing happened. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 150))

/**
 * Moves Vigil's clock by `seconds`, one second at a time; every `beatSec` seconds each device in
 * `talking` sends its heartbeat (or the given telemetry), as real devices keep reporting while time
 * passes (otherwise the offline rules would take over, DOMAIN.md §2).
 */
async function pass(seconds: number, talking: Array<TestDevice | [TestDevice, object]> = [], beatSec = 1): Promise<void> {
  for (let s = 1; s <= seconds; s++) {
    await clock.advance(1000)
    if (s % beatSec !== 0 && s !== seconds) continue
    for (const t of talking) {
      if (Array.isArray(t)) await t[0].send('telemetry', t[1])
      else await t.send('status', { online: true })
    }
  }
}

// DOMAIN.md §8 scenario 1.
const trapped = { serviceMode: 1, carStatus: 0, direction: 0, floor: 7, doorZone: false, doorClosed: true, occupied: true, loadPct: 35 }

describe('scenarios 1 and 3: trapped between floors, then latching and end of alarm', () => {
  let lift: TestDevice
  let raised: Alarm

  it('1. raises EL-01 P1 unacked at 30 ± 1 s of trapped telemetry, shown on the wall display within 2 s', async () => {
    lift = await device({ id: 'EL-B3-1', siteId: 'S1', type: 'elevator', location: { building: 'B3', floor: 1 }, attributes: { ratedSpeed: 1.75, homeFloor: 1 } })
    const wall = await wallDisplay('S1')
    const t0 = clock.now()
    await lift.send('telemetry', trapped)
    await pass(29, [[lift, trapped]])
    await settle()
    expect(await alarmsOf(lift.id, 'EL-01')).toEqual([])

    const onWall = shown(wall, (a) => a.deviceId === lift.id && a.ruleId === 'EL-01')
    const firedAt = performance.now()
    await pass(1, [[lift, trapped]])
    const tile = await onWall
    expect(performance.now() - firedAt).toBeLessThan(2000)
    expect(tile).toMatchObject({ ruleId: 'EL-01', priority: 1, state: 'unacked', active: true, siteId: 'S1' })

    raised = await alarmOf(lift.id, 'EL-01')
    expect(raised).toMatchObject({ priority: 1, state: 'unacked', active: true, acked: false, occurrences: 1 })
    expect(Math.abs(Date.parse(raised.raisedAt) - (t0 + 30_000))).toBeLessThanOrEqual(1000)
  })

  it('3. latches once the doors open and the car is empty for 10 s; reset is refused until then, and ends it as normal', async () => {
    const free = { doorZone: true, doorClosed: false, occupied: false, loadPct: 0 }
    await lift.send('telemetry', free)
    await pass(5, [[lift, free]])
    const early = await v.api('POST', `/api/v1/alarms/${raised.id}/reset`, { token, body: { note: 'too soon' } })
    expect(early.status).toBe(409)
    expect(early.json).toMatchObject({ error: { code: 'ALARM_CONDITION_ACTIVE' } })

    await pass(5, [[lift, free]])
    const latched = await alarmOf(lift.id, 'EL-01', (a) => a.state === 'latched')
    expect(latched).toMatchObject({ id: raised.id, active: false, state: 'latched' })
    const stillListed = await v.api('GET', '/api/v1/alarms?siteId=S1', { token })
    expect((stillListed.json as { items: Alarm[] }).items.map((a) => a.id)).toContain(raised.id)

    // DOMAIN.md §4.2 A8: a P1 ends only once its work order is on site (409 while it is not).
    const notOnSite = await v.api('POST', `/api/v1/alarms/${raised.id}/reset`, { token, body: { note: 'engineer not there yet' } })
    expect(notOnSite.status).toBe(409)
    expect(notOnSite.json).toMatchObject({ error: { code: 'ALARM_RESET_NEEDS_ON_SITE' } })
    await bringOnSite(v, token, raised.id)
    const reset = await v.api('POST', `/api/v1/alarms/${raised.id}/reset`, { token, body: { note: 'engineer on site, passenger released' } })
    expect(reset.status).toBe(200)
    expect(reset.json).toMatchObject({ id: raised.id, state: 'normal', acked: true })
    const detail = await v.api('GET', `/api/v1/alarms/${raised.id}`, { token })
    expect((detail.json as Alarm).history?.map((h) => h.to)).toEqual(['unacked', 'latched', 'normal'])
    expect((detail.json as Alarm).history?.at(-1)).toMatchObject({ actor: 'admin', action: 'reset', note: 'engineer on site, passenger released' })
  })
})

describe('scenario 2: no false trap', () => {
  it('raises nothing when the car moves again at 25 s, nor in inspection mode for 120 s', async () => {
    const lift = await device({ id: 'EL-B3-3', siteId: 'S1', type: 'elevator', location: { building: 'B3', floor: 1 }, attributes: { ratedSpeed: 1.75 } })
    await lift.send('telemetry', trapped)
    await pass(25, [[lift, trapped]])
    const moving = { carStatus: 1, speed: 1.0 }
    await lift.send('telemetry', moving)
    await pass(40, [[lift, moving]])
    await settle()
    expect(await alarmsOf(lift.id)).toEqual([])

    const inspection = { ...trapped, serviceMode: 2 }
    await lift.send('telemetry', inspection)
    await pass(120, [[lift, inspection]])
    await settle()
    expect(await alarmsOf(lift.id)).toEqual([])
  })
})

describe('offline mid-condition (issue #3 item 6, DOMAIN.md §2)', () => {
  it('freezes the trap timer while the elevator is silent and raises the offline rule instead; the timer resumes where it stopped', async () => {
    const lift = await device({ id: 'EL-B3-4', siteId: 'S1', type: 'elevator', location: { building: 'B3', floor: 1 } })
    await lift.send('telemetry', trapped)
    await pass(20, [[lift, trapped]])
    await lift.send('status', { online: false })
    // EL-10 "no message for 3×30 s = 90 s" (DOMAIN.md §3.1): the dropped connection alone raises nothing yet.
    await pass(89)
    await settle()
    expect(await alarmsOf(lift.id, 'EL-10')).toEqual([])
    await pass(1)
    const offline = await alarmOf(lift.id, 'EL-10')
    expect(offline).toMatchObject({ priority: 3, state: 'unacked', active: true })
    expect(await alarmsOf(lift.id, 'EL-01')).toEqual([])

    // Back after 90 s silent with the car still trapped: 10 s of the 30 s are left.
    await lift.send('telemetry', trapped)
    await pass(9, [[lift, trapped]])
    await settle()
    expect(await alarmsOf(lift.id, 'EL-01')).toEqual([])
    await pass(1, [[lift, trapped]])
    expect(await alarmOf(lift.id, 'EL-01')).toMatchObject({ priority: 1, state: 'unacked' })

    // EL-10 clears 60 s after the heartbeat is back (DOMAIN.md §3.1), unacked → rtn-unacked.
    await pass(49, [[lift, trapped]])
    await settle()
    expect((await alarmsOf(lift.id, 'EL-10'))[0]).toMatchObject({ state: 'unacked', active: true })
    await pass(1, [[lift, trapped]])
    expect(await alarmOf(lift.id, 'EL-10', (a) => a.state === 'rtn-unacked')).toMatchObject({ active: false })
  })
})

describe('scenario 4: alarm-call filtering', () => {
  it('logs a 1 s press with the doors open at a landing without an alarm; a 4 s press in a closed car raises EL-03 P1, ended with a voice-contact note', async () => {
    const lift = await device({ id: 'EL-B3-5', siteId: 'S1', type: 'elevator', location: { building: 'B3', floor: 1 } })
    const wall = await wallDisplay('S1')
    const openAtLevel = { serviceMode: 1, carStatus: 0, floor: 2, doorZone: true, doorClosed: false, occupied: true, loadPct: 20 }
    await lift.send('telemetry', { ...openAtLevel, alarmButton: true })
    await pass(1, [lift])
    await lift.send('telemetry', { alarmButton: false })
    await lift.send('event', { event: 'alarmCall', durationMs: 1000 })
    await pass(10, [lift])
    await settle()
    expect(await alarmsOf(lift.id)).toEqual([])
    const rejected = await v.api('GET', `/api/v1/ingest/rejections?deviceId=${lift.id}`, { token })
    expect((rejected.json as { items: unknown[] }).items).toEqual([])

    await lift.send('telemetry', { doorClosed: true, alarmButton: true })
    await pass(2, [lift])
    await settle()
    expect(await alarmsOf(lift.id, 'EL-03')).toEqual([])
    const onWall = shown(wall, (a) => a.deviceId === lift.id && a.ruleId === 'EL-03')
    const firedAt = performance.now()
    await pass(1, [lift])
    expect(await onWall).toMatchObject({ priority: 1, state: 'unacked' })
    expect(performance.now() - firedAt).toBeLessThan(2000)
    await pass(1, [lift])
    await lift.send('telemetry', { alarmButton: false, doorClosed: false })

    const call = await alarmOf(lift.id, 'EL-03', (a) => a.state === 'latched')
    const reset = await v.api('POST', `/api/v1/alarms/${call.id}/reset`, { token, body: { note: 'voice contact: no entrapment' } })
    expect(reset.status).toBe(200)
    expect(reset.json).toMatchObject({ state: 'normal', acked: true })
    expect(await alarmsOf(lift.id)).toHaveLength(1)
  })
})

describe('elevator events on the real path', () => {
  it('raises EL-03 at once on an alarmCall event of 4.2 s from a closed car, and EL-01 at once on the trapped fault code 11', async () => {
    const lift = await device({ id: 'EL-B3-6', siteId: 'S1', type: 'elevator', location: { building: 'B3', floor: 1 } })
    await lift.send('telemetry', { serviceMode: 1, carStatus: 0, floor: 3, doorZone: true, doorClosed: true, occupied: true, loadPct: 20 })
    await lift.send('event', { event: 'alarmCall', durationMs: 4200 })
    expect(await alarmOf(lift.id, 'EL-03')).toMatchObject({ priority: 1, state: 'unacked' })
    await lift.send('event', { event: 'fault', gbCode: '11', active: true, vendorCode: 'E35' })
    expect(await alarmOf(lift.id, 'EL-01')).toMatchObject({ priority: 1, state: 'unacked' })
  })
})

describe('scenario 10: NC fire door propped open', () => {
  it('raises FD-01 P4 at 10 s and FD-02 P3 at 60 s, and both return to normal unacknowledged when it closes', async () => {
    const door = await device({ id: 'FD-S2-5', siteId: 'S10', type: 'fire-door', location: { building: 'B2', floor: 2, zone: 'Z2' }, attributes: { doorType: 'NC' } })
    await door.send('telemetry', { doorType: 'NC', position: 'open' })
    await pass(9, [door])
    await settle()
    expect(await alarmsOf(door.id)).toEqual([])
    await pass(1, [door])
    expect(await alarmOf(door.id, 'FD-01')).toMatchObject({ priority: 4, state: 'unacked' })

    await pass(49, [door])
    await settle()
    expect(await alarmsOf(door.id, 'FD-02')).toEqual([])
    await pass(1, [door])
    expect(await alarmOf(door.id, 'FD-02')).toMatchObject({ priority: 3, state: 'unacked', active: true })

    await door.send('event', { event: 'position', position: 'closed' })
    await pass(4, [door])
    await settle()
    expect((await alarmsOf(door.id, 'FD-02'))[0]?.state).toBe('unacked')
    await pass(1, [door])
    await waitFor('both back to normal, unacknowledged', async () => {
      const all = await alarmsOf(door.id)
      return all.length === 2 && all.every((a) => a.state === 'rtn-unacked' && !a.active)
    })
  })
})

describe('scenario 11: fire linkage', () => {
  it('raises FD-05 only for the door that stayed open, AC-06 for the locked evacuation door, EL-08 for the car not recalled, and suppresses FD-01/02 in the zone', async () => {
    const z3 = { building: 'B3', floor: 1, zone: 'Z3' }
    const panel = await device({ id: 'FACP-1', siteId: 'S11', type: 'fire-panel', location: { building: 'B3', floor: 1 } })
    const doorClosing = await device({ id: 'FD-Z3-1', siteId: 'S11', type: 'fire-door', location: z3, attributes: { doorType: 'NO' } })
    const doorStuck = await device({ id: 'FD-Z3-2', siteId: 'S11', type: 'fire-door', location: z3, attributes: { doorType: 'NO' } })
    const propped = await device({ id: 'FD-Z3-3', siteId: 'S11', type: 'fire-door', location: z3, attributes: { doorType: 'NC' } })
    const otherZone = await device({ id: 'FD-Z4-1', siteId: 'S11', type: 'fire-door', location: { ...z3, zone: 'Z4' }, attributes: { doorType: 'NC' } })
    const lift = await device({ id: 'EL-B3-1F', siteId: 'S11', type: 'elevator', location: { building: 'B3', floor: 1 }, attributes: { homeFloor: 1 } })
    const evac = await device({ id: 'AC-L1-E', siteId: 'S11', type: 'access-door', location: z3, attributes: { evacuationRoute: true, requiredLevel: 1 } })
    const all = [panel, doorClosing, doorStuck, propped, otherZone, lift, evac]

    for (const d of [doorClosing, doorStuck]) await d.send('telemetry', { doorType: 'NO', position: 'open', holder: 'energized' })
    await propped.send('telemetry', { doorType: 'NC', position: 'open' })
    await lift.send('telemetry', { serviceMode: 1, carStatus: 0, floor: 5, doorZone: true, doorClosed: true, occupied: false, loadPct: 0 })
    await evac.send('telemetry', { lockState: 'locked', doorState: 'closed', mains: true })
    await panel.send('telemetry', { mains: true, fault: false })
    // The NC door has been propped open for 70 s before the fire: FD-01 and FD-02 are up.
    await pass(40, all, 5)
    await otherZone.send('telemetry', { doorType: 'NC', position: 'open' })
    await pass(30, all, 5)
    await alarmOf(propped.id, 'FD-02')

    await panel.send('event', { event: 'fire', zone: 'Z3', state: 'active' })
    await evac.send('event', { event: 'fire_unlock', lockState: 'locked' })
    await waitFor('FD-01 and FD-02 suppressed by design in Z3', async () => {
      const list = await alarmsOf(propped.id)
      return list.length === 2 && list.every((a) => a.state === 'suppressed')
    })
    const active = await v.api('GET', '/api/v1/alarms?siteId=S11', { token })
    expect((active.json as { items: Alarm[] }).items.filter((a) => a.deviceId === propped.id)).toEqual([])

    await pass(9, all, 5)
    await settle()
    expect(await alarmsOf(evac.id, 'AC-06')).toEqual([])
    await pass(1, all)
    expect(await alarmOf(evac.id, 'AC-06')).toMatchObject({ priority: 1, state: 'unacked' })

    await pass(10, all, 5)
    await doorClosing.send('telemetry', { position: 'closed', holder: 'released' })
    await propped.send('telemetry', { position: 'closed' })
    await pass(39, all, 5)
    await settle()
    expect(await alarmsOf(doorStuck.id, 'FD-05')).toEqual([])
    await pass(1, all)
    expect(await alarmOf(doorStuck.id, 'FD-05')).toMatchObject({ priority: 1, state: 'unacked' })
    await settle()
    for (const d of [doorClosing, propped]) expect(await alarmsOf(d.id, 'FD-05')).toEqual([])

    await pass(59, all, 5)
    await settle()
    expect(await alarmsOf(lift.id, 'EL-08')).toEqual([])
    await pass(1, all)
    expect(await alarmOf(lift.id, 'EL-08')).toMatchObject({ priority: 1, state: 'unacked' })

    // The fire in Z3 never touched the door in Z4: its propped-door alarms are annunciated as usual.
    expect((await alarmsOf(otherZone.id)).map((a) => [a.ruleId, a.state]).sort()).toEqual([['FD-01', 'unacked'], ['FD-02', 'unacked']])
  })
})

describe('scenario 12: access alarms', () => {
  it('raises AC-01 P2 within 2 s for a forced plant-room door (level 3)', async () => {
    const door = await device({ id: 'AC-PR-1', siteId: 'S12', type: 'access-door', location: { building: 'B1', floor: -1, zone: 'Z1' }, attributes: { requiredLevel: 3 } })
    const sent = performance.now()
    await door.send('event', { event: 'forced_open', requiredLevel: 3, doorState: 'open' })
    const alarm = await waitFor('AC-01', async () => (await alarmsOf(door.id, 'AC-01'))[0], 2000)
    expect(performance.now() - sent).toBeLessThan(2000)
    expect(alarm).toMatchObject({ priority: 2, state: 'unacked', active: true })
  })

  it('raises AC-02 P4 for a lobby door held open 30 s and escalates it to P3 at 120 s', async () => {
    const door = await device({ id: 'AC-LB-1', siteId: 'S12', type: 'access-door', location: { building: 'B1', floor: 1, zone: 'Z1' }, attributes: { requiredLevel: 1 } })
    await door.send('telemetry', { doorState: 'open', lockState: 'unlocked' })
    await pass(29, [door])
    await settle()
    expect(await alarmsOf(door.id)).toEqual([])
    await pass(1, [door])
    const p4 = await alarmOf(door.id, 'AC-02')
    expect(p4).toMatchObject({ priority: 4, state: 'unacked' })
    expect((await v.api('POST', `/api/v1/alarms/${p4.id}/ack`, { token, body: {} })).status).toBe(200)

    await pass(89, [door])
    await settle()
    expect((await alarmsOf(door.id, 'AC-02'))[0]).toMatchObject({ priority: 4, state: 'acked' })
    await pass(1, [door])
    // A higher stage re-annunciates the same alarm (one alarm per condition).
    const p3 = await alarmOf(door.id, 'AC-02', (a) => a.priority === 3)
    expect(p3).toMatchObject({ id: p4.id, state: 'unacked', occurrences: 1 })
  })

  it('raises AC-03 P3 on the 5th denial at one reader within 60 s, not on the 4th', async () => {
    const reader = await device({ id: 'AC-RD-1', siteId: 'S12', type: 'access-door', location: { building: 'B1', floor: 1, zone: 'Z1' }, attributes: { requiredLevel: 2 } })
    const denied = { event: 'denied', reason: 'no_permission', credential: { token: 'c0ffee', type: 'card' } }
    for (let i = 0; i < 4; i++) {
      await reader.send('event', denied)
      await pass(10, [reader])
    }
    await settle()
    expect(await alarmsOf(reader.id)).toEqual([])
    await reader.send('event', denied)
    expect(await alarmOf(reader.id, 'AC-03')).toMatchObject({ priority: 3, state: 'unacked' })
  })
})
