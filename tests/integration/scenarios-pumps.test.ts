// DOMAIN.md §8 scenarios 5, 6, 7, 8 (first half) and 9 played through MQTT into a whole Vigil (real
// broker, ingest, rules, alarms, SQLite, REST) with the manual clock standing in for time. Devices
// keep reporting every 5 s while time passes, as a station does (DOMAIN.md §2 heartbeat 10 s), so
// the offline supervision never takes over unless a test means it to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import type { Alarm } from '../../services/core/model.js'
import { connectDevice, ensureSite, waitFor, type TestDevice } from '../helpers/devices.js'
import { bringOnSite } from '../helpers/on-site.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

let v: TestVigil
let clock: ManualClock
let token: string
let n = 0
const open: TestDevice[] = []

beforeAll(async () => {
  clock = createManualClock(Date.UTC(2026, 10, 26, 8))
  v = await startTestVigil({ clock })
  token = await v.login()
  await ensureSite(v, token, 'S1')
})
afterAll(async () => {
  await Promise.all(open.map((d) => d.client.endAsync()))
  await v?.stop()
})

type Payload = Record<string, unknown>
const pump = (id: string, role: string, running: boolean, fault = 'none'): Payload => ({ id, role, running, fault })
const domestic: Payload = { system: 'domestic', ctrlMode: 'auto', setpointP: 0.45, outletP: 0.45, levelPct: 70, pumps: [pump('P1', 'duty', true), pump('P2', 'standby', false)] }
const sump: Payload = { system: 'sump', ctrlMode: 'auto', levelPct: 40, floodWet: false, pumps: [pump('SP1', 'duty', false), pump('SP2', 'standby', false)] }
const fire: Payload = {
  system: 'fire', ctrlMode: 'auto', setpointP: 0.8, outletP: 0.8, levelPct: 90, fireDemand: false, vL1: 380, vL2: 380, vL3: 380,
  pumps: [pump('FP1', 'duty', false), pump('FP2', 'standby', false), pump('J1', 'jockey', false)],
}

/** A pump station registered through the API, connected over MQTT, and reporting `initial`. */
async function station(name: string, initial: Payload): Promise<TestDevice> {
  const dev = await connectDevice(v, token, { id: `${name}-${++n}`, siteId: 'S1', type: 'pump', location: { building: 'B1', floor: -1, zone: 'Z1' } })
  open.push(dev)
  await dev.send('telemetry', initial)
  return dev
}

/** Lets `seconds` of Vigil's clock pass while the station keeps reporting `payload` every 5 s. */
async function hold(dev: TestDevice, seconds: number, payload: Payload = {}): Promise<void> {
  for (let left = seconds; left > 0; left -= 5) {
    await clock.advance(Math.min(5, left) * 1000)
    await dev.send('telemetry', payload)
  }
}

async function alarmsOf(deviceId: string): Promise<Alarm[]> {
  const r = await v.api('GET', `/api/v1/alarms?state=all&deviceId=${deviceId}`, { token })
  expect(r.status).toBe(200)
  return (r.json as { items: Alarm[] }).items
}
const alarm = async (dev: TestDevice, ruleId: string): Promise<Alarm | undefined> => (await alarmsOf(dev.id)).find((a) => a.ruleId === ruleId)
const waitAlarm = (dev: TestDevice, ruleId: string, pred: (a: Alarm) => boolean = () => true): Promise<Alarm> =>
  waitFor(`${ruleId} on ${dev.id}`, async () => {
    const a = await alarm(dev, ruleId)
    return a && pred(a) ? a : undefined
  })
/** Lets alarm writes started by the last timer or message reach the database before asserting absence. */
const settle = async (): Promise<void> => { await new Promise((r) => setTimeout(r, 150)) }
const rules = async (dev: TestDevice): Promise<string[]> => { await settle(); return (await alarmsOf(dev.id)).map((a) => a.ruleId).sort() }
const post = (path: string, body: unknown) => v.api('POST', `/api/v1${path}`, { token, body })

describe('scenario 5: low pressure and hysteresis (PU-01)', () => {
  it.each([
    ['left unacknowledged returns to rtn-unacked', false, 'rtn-unacked', ['unacked', 'rtn-unacked']],
    ['acknowledged returns to normal', true, 'normal', ['unacked', 'acked', 'normal']],
  ] as const)('PS-B1 at 0.34 MPa raises P2 at 60 s, not 59 s; stays active at 0.38; %s after 60 s at 0.42', async (_t, ack, endState, path) => {
    const dev = await station('PS-B1', { ...domestic, outletP: 0.34 })
    await hold(dev, 59, { outletP: 0.34 })
    expect(await rules(dev)).toEqual([])

    await hold(dev, 1, { outletP: 0.34 })
    const raised = await waitAlarm(dev, 'PU-01')
    expect(raised).toMatchObject({ priority: 2, state: 'unacked', active: true, occurrences: 1, siteId: 'S1' })
    if (ack) expect((await post(`/alarms/${raised.id}/ack`, { note: 'wang informed' })).json).toMatchObject({ state: 'acked' })

    // 0.38 MPa is above the 0.36 alarm limit but below the 0.405 clear limit: the deadband holds it.
    await dev.send('telemetry', { outletP: 0.38 })
    await hold(dev, 120, { outletP: 0.38 })
    expect(await rules(dev)).toEqual(['PU-01'])
    expect(await alarm(dev, 'PU-01')).toMatchObject({ id: raised.id, active: true, state: ack ? 'acked' : 'unacked', occurrences: 1 })

    await dev.send('telemetry', { outletP: 0.42 })
    await hold(dev, 59, { outletP: 0.42 })
    await settle()
    expect(await alarm(dev, 'PU-01')).toMatchObject({ active: true })
    await hold(dev, 1, { outletP: 0.42 })
    const back = await waitAlarm(dev, 'PU-01', (a) => a.state === endState)
    expect(back.active).toBe(false)
    const detail = await v.api('GET', `/api/v1/alarms/${raised.id}`, { token })
    expect((detail.json as Alarm).history?.map((h) => h.to)).toEqual(path)
  })
})

describe('scenario 6: duty trip with and without standby (PU-05, PU-06)', () => {
  it('a duty trip with the standby running 8 s later raises only PU-05 P3', async () => {
    const dev = await station('PS-B1', domestic)
    await dev.send('telemetry', { outletP: 0.4, pumps: [pump('P1', 'duty', false, 'overload')] })
    await hold(dev, 8, { outletP: 0.4 })
    await dev.send('telemetry', { pumps: [pump('P2', 'standby', true)] })
    expect(await waitAlarm(dev, 'PU-05')).toMatchObject({ priority: 3, state: 'unacked', active: true })
    await hold(dev, 30, { outletP: 0.44 })
    expect(await rules(dev)).toEqual(['PU-05'])
  })

  it('a duty trip with the standby still stopped at 10 s and outletP 0.30 raises PU-06 P2, not at 9 s', async () => {
    const dev = await station('PS-B1', domestic)
    await dev.send('telemetry', { outletP: 0.3, pumps: [pump('P1', 'duty', false, 'overload')] })
    await hold(dev, 9, { outletP: 0.3 })
    expect(await rules(dev)).toEqual([])
    await hold(dev, 1, { outletP: 0.3 })
    expect(await waitAlarm(dev, 'PU-06')).toMatchObject({ priority: 2, state: 'unacked', active: true })
    expect(await rules(dev)).toEqual(['PU-06'])
  })
})

describe('scenario 7: pump-room flooding (SU-02)', () => {
  it('96 % with the floor wet raises P1 at 10 s; reset refused while wet; drying 5 min latches it; reset ends it', async () => {
    const dev = await station('SP-B2', sump)
    await dev.send('telemetry', { levelPct: 96, floodWet: true })
    await hold(dev, 9, { levelPct: 96, floodWet: true })
    expect(await rules(dev)).toEqual([])
    await hold(dev, 1, { levelPct: 96, floodWet: true })
    const raised = await waitAlarm(dev, 'SU-02')
    expect(raised).toMatchObject({ priority: 1, state: 'unacked', active: true })

    const early = await post(`/alarms/${raised.id}/reset`, { note: 'too early' })
    expect(early.status).toBe(409)
    expect((early.json as { error: { code: string } }).error.code).toBe('ALARM_CONDITION_ACTIVE')

    await dev.send('telemetry', { levelPct: 50, floodWet: false })
    await hold(dev, 299, { levelPct: 50, floodWet: false })
    await settle()
    expect(await alarm(dev, 'SU-02')).toMatchObject({ state: 'unacked', active: true })
    await hold(dev, 1, { levelPct: 50, floodWet: false })
    // A5: a latching rule goes to latched, never straight to rtn-unacked or normal.
    expect(await waitAlarm(dev, 'SU-02', (a) => !a.active)).toMatchObject({ state: 'latched', active: false })

    await bringOnSite(v, token, raised.id)
    const reset = await post(`/alarms/${raised.id}/reset`, { note: 'pit pumped out, power restored by electrician' })
    expect(reset.status).toBe(200)
    expect(reset.json).toMatchObject({ state: 'normal', acked: true })
  })
})

describe('scenario 8, first half: fire pump not in automatic (FP-01)', () => {
  it('a fire pump set in manual raises P2 at 60 s, not 59 s, and returns when back in auto', async () => {
    const dev = await station('FP-B1', fire)
    await dev.send('telemetry', { ctrlMode: 'manual' })
    await hold(dev, 59)
    expect(await rules(dev)).toEqual([])
    await hold(dev, 1)
    expect(await waitAlarm(dev, 'FP-01')).toMatchObject({ priority: 2, state: 'unacked', active: true })
    await dev.send('telemetry', { ctrlMode: 'auto' })
    expect(await waitAlarm(dev, 'FP-01', (a) => !a.active)).toMatchObject({ state: 'rtn-unacked' })
  })
})

describe('scenario 9: fire pump fails to start (FP-02) or stops during demand (FP-03)', () => {
  it('fire demand with no fire pump running raises FP-02 P1 at 120 s, not 119 s; it returns once a pump runs', async () => {
    const dev = await station('FP-B1', fire)
    // The jockey pump holding pressure is no fire pump (GB 50974).
    await dev.send('telemetry', { fireDemand: true, pumps: [pump('J1', 'jockey', true)] })
    await hold(dev, 119)
    expect(await rules(dev)).toEqual([])
    await hold(dev, 1)
    expect(await waitAlarm(dev, 'FP-02')).toMatchObject({ priority: 1, state: 'unacked', active: true })
    await dev.send('event', { event: 'pumpStart', pumpId: 'FP1', cause: 'auto' })
    expect(await waitAlarm(dev, 'FP-02', (a) => !a.active)).toMatchObject({ state: 'rtn-unacked' })
  })

  it('a running fire pump that stops on a fault during demand raises FP-03 P1 at once, latched after a restart', async () => {
    const dev = await station('FP-B1', fire)
    await dev.send('telemetry', { fireDemand: true, pumps: [pump('FP1', 'duty', true)] })
    await hold(dev, 30)
    await dev.send('event', { event: 'pumpStop', pumpId: 'FP1', cause: 'fault' })
    const raised = await waitAlarm(dev, 'FP-03')
    expect(raised).toMatchObject({ priority: 1, state: 'unacked', active: true })
    await dev.send('event', { event: 'pumpStart', pumpId: 'FP2', cause: 'auto' })
    expect(await waitAlarm(dev, 'FP-03', (a) => !a.active)).toMatchObject({ state: 'latched' })
    await bringOnSite(v, token, raised.id)
    expect((await post(`/alarms/${raised.id}/reset`, { note: 'FP1 isolated, FP2 on duty' })).json).toMatchObject({ state: 'normal' })
  })

  it('an authorised manual stop during demand raises no FP-03', async () => {
    const dev = await station('FP-B1', fire)
    await dev.send('telemetry', { fireDemand: true, pumps: [pump('FP1', 'duty', true)] })
    await hold(dev, 30)
    await dev.send('event', { event: 'pumpStop', pumpId: 'FP1', cause: 'manual' })
    await hold(dev, 5)
    expect(await rules(dev)).toEqual([])
  })
})

describe('a station that falls silent mid-condition (DOMAIN.md §2, issue #3 item 6)', () => {
  it('freezes the PU-01 delay while offline and resumes it when the station is back', async () => {
    const dev = await station('PS-B1', { ...domestic, outletP: 0.34 })
    await hold(dev, 30, { outletP: 0.34 })
    await dev.send('status', { online: false })
    await clock.advance(300_000)
    // "the timer freezes and the offline rule fires instead" (DOMAIN.md §2).
    expect(await rules(dev)).toEqual(['PU-13'])

    // 30 s of the 60 s delay ran before the station went silent; the other 30 s run now.
    await dev.send('status', { online: true })
    await dev.send('telemetry', { outletP: 0.34 })
    await hold(dev, 29, { outletP: 0.34 })
    expect(await rules(dev)).toEqual(['PU-13'])
    await hold(dev, 1, { outletP: 0.34 })
    expect(await waitAlarm(dev, 'PU-01')).toMatchObject({ priority: 2, state: 'unacked' })
  })
})
