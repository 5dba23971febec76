// Emergencies (DOMAIN.md §6; CONTRACT.md §3, §4 `emergency`) on the real path: MQTT → rule → alarm →
// emergency, with the manual clock driving the E3 → E2 → E1 clocks (DOMAIN.md §8 scenarios 1, 7, 9).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io, type Socket } from 'socket.io-client'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import type { Emergency } from '../../services/core/emergencies/emergency.js'
import type { Alarm } from '../../services/core/model.js'
import type { ClientToServerEvents, ServerToClientEvents } from '../../services/realtime/socket-events.js'
import { connectDevice, ensureSite, waitFor, type TestDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

let v: TestVigil
let clock: ManualClock
const tok: Record<string, string> = {}
const tk = (who: string): string => {
  const t = tok[who]
  if (t === undefined) throw new Error(`no token for ${who}`)
  return t
}
const devices: TestDevice[] = []
let socket: Socket<ServerToClientEvents, ClientToServerEvents>
const seen: Emergency[] = []

async function person(username: string, role: string, skills: string[] = []): Promise<void> {
  await v.api('POST', '/api/v1/users', { token: tk('admin'), body: { username, password: `${username}-password-1`, role, displayName: username, skills } })
  tok[username] = await v.login(username, `${username}-password-1`)
}
const alarmsOf = async (deviceId: string): Promise<Alarm[]> => (await v.api('GET', `/api/v1/alarms?state=all&deviceId=${deviceId}`, { token: tk('op') })).json.items as Alarm[]
const getEm = async (id: string): Promise<Emergency> => (await v.api('GET', `/api/v1/emergencies/${id}`, { token: tk('op') })).json as Emergency
async function hold(dev: TestDevice, ms: number, payload: object): Promise<void> {
  for (let left = ms; left > 0; left -= 5000) {
    await clock.advance(Math.min(5000, left))
    await dev.send('telemetry', payload)
  }
}

beforeAll(async () => {
  clock = createManualClock(Date.UTC(2026, 10, 26, 8))
  v = await startTestVigil({ clock })
  tok.admin = await v.login()
  await ensureSite(v, tk('admin'), 'S1')
  await ensureSite(v, tk('admin'), 'S2')
  await person('op', 'operator')
  await person('li', 'engineer', ['ELEVATOR'])
  await person('sup', 'supervisor')
  await person('boss', 'manager')
  await v.api('POST', '/api/v1/shifts/start', { token: tk('li'), body: {} })
  socket = io(v.http, { auth: { token: tk('op') }, transports: ['websocket'], reconnection: false, forceNew: true })
  await new Promise<void>((resolve, reject) => { socket.once('connect', () => resolve()); socket.once('connect_error', reject) })
  await socket.timeout(5000).emitWithAck('subscribe', { siteIds: ['S1', 'S2'] })
  socket.on('emergency', (e) => seen.push(e))
})
afterAll(async () => {
  socket?.close()
  for (const d of devices) await d.client.endAsync().catch(() => undefined)
  await v?.stop()
})

describe('emergencies (DOMAIN.md §6)', () => {
  it('scenario 1: EL-01 opens an E3 emergency with its work order, announced on the socket; the alarm carries its id', async () => {
    const lift = await connectDevice(v, tk('admin'), { id: 'EL-B3-1', siteId: 'S1', type: 'elevator', location: { building: 'B3', floor: 1 } })
    devices.push(lift)
    const trapped = { serviceMode: 1, carStatus: 0, direction: 0, floor: 7, doorZone: false, doorClosed: true, occupied: true, loadPct: 35 }
    await lift.send('telemetry', trapped)
    await hold(lift, 31_000, trapped)
    const alarm = await waitFor('EL-01 linked', async () => (await alarmsOf('EL-B3-1')).find((a) => a.ruleId === 'EL-01' && a.emergencyId !== null && a.workOrderIds.length === 1))
    const em = await waitFor('work order on the emergency', async () => { const e = await getEm(alarm.emergencyId!); return e.workOrderIds.length === 1 ? e : undefined })
    expect(em).toMatchObject({ siteId: 'S1', building: 'B3', level: 'E3', stage: 'activate', alarmIds: [alarm.id], workOrderIds: alarm.workOrderIds, contained: false, drill: false })
    expect(em.history?.[0]).toMatchObject({ action: 'open', actor: 'system', level: 'E3' })
    await waitFor('socket emergency', () => seen.find((e) => e.id === em.id && e.level === 'E3'))
  })

  it('close is refused before contained and residents notified, needs a supervisor, and then closes with the review', async () => {
    const [alarm] = (await alarmsOf('EL-B3-1')).filter((a) => a.ruleId === 'EL-01')
    const id = alarm!.emergencyId!
    expect((await v.api('POST', `/api/v1/emergencies/${id}/close`, { token: tk('sup'), body: { review: 'x' } })).json.error.code).toBe('EMERGENCY_TRANSITION_NOT_ALLOWED')
    expect((await v.api('POST', `/api/v1/emergencies/${id}/contain`, { token: tk('op'), body: { note: 'guard at the car' } })).json).toMatchObject({ contained: true, stage: 'execute' })
    expect((await v.api('POST', `/api/v1/emergencies/${id}/contain`, { token: tk('op'), body: {} })).status).toBe(409)
    expect((await v.api('POST', `/api/v1/emergencies/${id}/notify-residents`, { token: tk('op'), body: {} })).json).toMatchObject({ residentsNotified: true, stage: 'close-out' })
    expect((await v.api('POST', `/api/v1/emergencies/${id}/close`, { token: tk('op'), body: { review: 'x' } })).status).toBe(403)
    const closed = await v.api('POST', `/api/v1/emergencies/${id}/close`, { token: tk('sup'), body: { review: 'B3 lift 1, floor 7: power dip; released in 12 min; controller replaced' } })
    expect(closed.json).toMatchObject({ stage: 'closed', closedBy: 'sup', review: expect.stringContaining('power dip') })
    expect(closed.json.history.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(['open', 'contain', 'notify-residents', 'close']))
    await waitFor('socket close', () => seen.find((e) => e.id === id && e.stage === 'closed'))
    expect((await v.api('GET', '/api/v1/emergencies', { token: tk('op') })).json.items.map((e: Emergency) => e.id)).not.toContain(id)
  })

  // Site S2: S1 still has the trapped lift's P1, and a second concurrent P1 would mean E2 at once.
  it('scenario 7: SU-02 opens E3; at 30 min not contained it becomes E2 and the supervisor is notified', async () => {
    const sump = await connectDevice(v, tk('admin'), { id: 'SP-B2', siteId: 'S2', type: 'pump', location: { building: 'B2', floor: -2 } })
    devices.push(sump)
    const flood = { system: 'sump', levelPct: 96, floodWet: true }
    await sump.send('telemetry', flood)
    await hold(sump, 11_000, flood)
    const alarm = await waitFor('SU-02 with emergency', async () => (await alarmsOf('SP-B2')).find((a) => a.ruleId === 'SU-02' && a.emergencyId !== null))
    const em = await getEm(alarm.emergencyId!)
    expect(em.level).toBe('E3')
    await hold(sump, 29 * 60_000, flood)
    expect((await getEm(em.id)).level).toBe('E3')
    await hold(sump, 65_000, flood)
    const e2 = await waitFor('E2', async () => { const e = await getEm(em.id); return e.level === 'E2' ? e : undefined })
    expect(e2.history?.at(-1)).toMatchObject({ action: 'escalate', note: expect.stringContaining('not contained within 30 min') })
    const notes = (await v.api('GET', '/api/v1/notifications', { token: tk('sup') })).json.items as Array<{ kind: string; subject: string }>
    expect(notes.some((n) => n.kind === 'emergency' && n.subject.includes('E2'))).toBe(true)
    await waitFor('socket escalation', () => seen.find((e) => e.id === em.id && e.level === 'E2'))
  })

  it('a second concurrent P1 on the site raises its emergency to E2 (DOMAIN.md §6)', async () => {
    const lift2 = await connectDevice(v, tk('admin'), { id: 'EL-B3-2', siteId: 'S1', type: 'elevator', location: { building: 'B3', floor: 1 } })
    devices.push(lift2)
    await lift2.send('telemetry', { serviceMode: 1, carStatus: 1, speed: 1.0, doorClosed: false, occupied: true })
    await hold(lift2, 5000, { serviceMode: 1, carStatus: 1, speed: 1.0, doorClosed: false, occupied: true })
    const alarm = await waitFor('EL-04 P1 with emergency', async () => (await alarmsOf('EL-B3-2')).find((a) => a.ruleId === 'EL-04' && a.emergencyId !== null))
    expect(alarm.priority).toBe(1)
    const em = await getEm(alarm.emergencyId!)
    expect(em.level).toBe('E2')
    expect(em.history?.some((h) => h.note?.includes('concurrent priority-1'))).toBe(true)
  })

  it('scenario 9: FP-02 opens at E2 at once and reaches E1 at 5 min; injury escalates straight to E1', async () => {
    const fp = await connectDevice(v, tk('admin'), { id: 'FP-B1', siteId: 'S1', type: 'pump', location: { building: 'B9', floor: -1 } })
    devices.push(fp)
    const demand = { system: 'fire', ctrlMode: 'auto', fireDemand: true, pumps: [{ id: 'FP1', role: 'duty', running: false }] }
    await fp.send('telemetry', demand)
    await hold(fp, 121_000, demand)
    const alarm = await waitFor('FP-02 with emergency', async () => (await alarmsOf('FP-B1')).find((a) => a.ruleId === 'FP-02' && a.emergencyId !== null))
    const em = await getEm(alarm.emergencyId!)
    expect(em).toMatchObject({ level: 'E2', building: 'B9' })
    await hold(fp, 4 * 60_000 + 50_000, demand)
    expect((await getEm(em.id)).level).toBe('E2')
    await hold(fp, 15_000, demand)
    await waitFor('E1', async () => ((await getEm(em.id)).level === 'E1' ? true : undefined))
    const managerNotes = (await v.api('GET', '/api/v1/notifications', { token: tk('boss') })).json.items as Array<{ kind: string }>
    expect(managerNotes.some((n) => n.kind === 'emergency')).toBe(true)
    expect((await v.api('POST', `/api/v1/emergencies/${em.id}/escalate`, { token: tk('op'), body: { reason: 'injury' } })).status).toBe(409)
  })
})
