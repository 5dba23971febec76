// DOMAIN.md §6 "raised to E1 on … fire confirmed by FACP", through MQTT and the REST API with the
// manual clock. Confirmed means fire signals in two zones of the building (fire-confirmation.ts):
// a fire door that fails to close on a one-zone fire opens an E2 emergency (FD-05) that stays E2; a
// second zone's signal raises it to E1 and the managers hear of it. Another building is untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import type { Emergency } from '../../services/core/emergencies/emergency.js'
import type { Alarm } from '../../services/core/model.js'
import { userToken } from '../helpers/api-users.js'
import { connectDevice, ensureSite, waitFor, type TestDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

let v: TestVigil
let clock: ManualClock
let admin: string
let boss: string
const devices: TestDevice[] = []

async function pass(ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 5_000) {
    await clock.advance(Math.min(5_000, left))
    for (const d of devices) await d.send('status', { online: true })
  }
}
const emergencyOf = (deviceId: string): Promise<Emergency> => waitFor(`the emergency of FD-05 on ${deviceId}`, async () => {
  const alarm = ((await v.api('GET', `/api/v1/alarms?state=all&deviceId=${deviceId}`, { token: admin })).json.items as Alarm[]).find((a) => a.ruleId === 'FD-05')
  return alarm?.emergencyId ? (await v.api('GET', `/api/v1/emergencies/${alarm.emergencyId}`, { token: admin })).json as Emergency : undefined
})
const level = async (id: string): Promise<string> => ((await v.api('GET', `/api/v1/emergencies/${id}`, { token: admin })).json as Emergency).level
const settle = async (): Promise<void> => { await new Promise((r) => setTimeout(r, 150)) }

let panel: TestDevice

beforeAll(async () => {
  clock = createManualClock(Date.UTC(2026, 10, 26, 8))
  v = await startTestVigil({ clock })
  admin = await v.login()
  boss = await userToken(v, admin, 'boss', 'manager')
  await ensureSite(v, admin, 'S1')
  panel = await connectDevice(v, admin, { id: 'FACP-B1', siteId: 'S1', type: 'fire-panel', location: { building: 'B1', floor: 1 } })
  devices.push(panel)
  for (const [id, building] of [['FD-B1-Z1', 'B1'], ['FD-B2-Z1', 'B2']] as const) {
    const door = await connectDevice(v, admin, { id, siteId: 'S1', type: 'fire-door', location: { building, floor: 1, zone: 'Z1' }, attributes: { doorType: 'NC' } })
    devices.push(door)
    await door.send('telemetry', { doorType: 'NC', position: 'open' })
  }
  const panelB2 = await connectDevice(v, admin, { id: 'FACP-B2', siteId: 'S1', type: 'fire-panel', location: { building: 'B2', floor: 1 } })
  devices.push(panelB2)
  await panelB2.send('event', { event: 'fire', zone: 'Z1', state: 'active' })
})
afterAll(async () => {
  for (const d of devices) await d.client.endAsync().catch(() => undefined)
  await v?.stop()
})

describe('fire confirmed by the fire alarm panel → E1', () => {
  let em: Emergency
  let other: Emergency

  it('a fire signal in one zone is not a confirmed fire: the linkage failure stays E2', async () => {
    await panel.send('event', { event: 'fire', zone: 'Z1', state: 'active' })
    await pass(61_000)
    em = await emergencyOf('FD-B1-Z1')
    other = await emergencyOf('FD-B2-Z1')
    expect(em).toMatchObject({ level: 'E2', building: 'B1' })
    expect(other).toMatchObject({ level: 'E2', building: 'B2' })
    await pass(10_000)
    await settle()
    expect(await level(em.id)).toBe('E2')
  })

  it("a second zone's fire signal in the building raises its emergency to E1 and tells the managers; the other building stays E2", async () => {
    await panel.send('event', { event: 'fire', zone: 'Z4', state: 'active' })
    const e1 = await waitFor('E1', async () => {
      const e = (await v.api('GET', `/api/v1/emergencies/${em.id}`, { token: admin })).json as Emergency
      return e.level === 'E1' ? e : undefined
    })
    expect(e1.history?.at(-1)).toMatchObject({ action: 'escalate', actor: 'system', level: 'E1', note: expect.stringContaining('fire confirmed by the fire alarm panel (zones Z1, Z4)') })
    const notes = (await v.api('GET', '/api/v1/notifications', { token: boss })).json.items as Array<{ kind: string; subject: string }>
    expect(notes.some((n) => n.kind === 'emergency' && n.subject.includes('E1') && n.subject.includes('B1'))).toBe(true)
    await settle()
    expect(await level(other.id)).toBe('E2')
  })

  it('an emergency opened while the fire is confirmed starts at E1', async () => {
    const late = await connectDevice(v, admin, { id: 'FD-B1-Z4', siteId: 'S1', type: 'fire-door', location: { building: 'B1', floor: 2, zone: 'Z4' }, attributes: { doorType: 'NC' } })
    devices.push(late)
    // The first emergency is closed, so the late door's FD-05 opens a new one.
    await v.api('POST', `/api/v1/emergencies/${em.id}/contain`, { token: admin, body: {} })
    await v.api('POST', `/api/v1/emergencies/${em.id}/notify-residents`, { token: admin, body: {} })
    const closed = await v.api('POST', `/api/v1/emergencies/${em.id}/close`, { token: admin, body: { review: 'B1 zones Z1 and Z4: fire brigade on site; doors forced shut' } })
    expect(closed.json.stage).toBe('closed')
    await late.send('telemetry', { doorType: 'NC', position: 'open' })
    await pass(61_000)
    const fresh = await waitFor('E1 for the late door', async () => {
      const e = await emergencyOf('FD-B1-Z4')
      return e.level === 'E1' ? e : undefined
    })
    expect(fresh.id).not.toBe(em.id)
  })
})
