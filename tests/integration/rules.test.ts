// The first slice of rules on the real path: MQTT publish -> broker -> ingest -> rules -> alarm
// -> REST, with the manual clock standing in for time (DOMAIN.md §3, §8 scenarios 1, 2, 5, 10, 12).
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

beforeAll(async () => {
  clock = createManualClock(Date.UTC(2026, 10, 26, 8))
  v = await startTestVigil({ clock })
  token = await v.login()
  await ensureSite(v, token, 'S1')
})
afterAll(async () => {
  await v?.stop()
})

type Step = { send: ['telemetry' | 'event', object] } | { advance: number; every?: ['telemetry' | 'event', object] }
interface Case {
  name: string
  type: string
  ruleId: string
  attributes?: Record<string, unknown>
  steps: Step[]
  expected: { priority: number } | null
}

const trapped = { serviceMode: 1, carStatus: 0, direction: 0, floor: 7, doorZone: false, doorClosed: true, occupied: true, loadPct: 35 }
const lowPressure = { system: 'domestic', ctrlMode: 'auto', outletP: 0.34, setpointP: 0.45 }

const cases: Case[] = [
  { name: 'FD-02 raises P3 when an NC fire door stays open 60 s', type: 'fire-door', ruleId: 'FD-02', attributes: { doorType: 'NC' },
    steps: [{ send: ['telemetry', { doorType: 'NC', position: 'open' }] }, { advance: 60_500 }], expected: { priority: 3 } },
  { name: 'FD-02 does not raise at 59 s', type: 'fire-door', ruleId: 'FD-02', attributes: { doorType: 'NC' },
    steps: [{ send: ['telemetry', { doorType: 'NC', position: 'open' }] }, { advance: 59_000 }], expected: null },
  { name: 'FD-02 does not raise when the door closes after 30 s', type: 'fire-door', ruleId: 'FD-02', attributes: { doorType: 'NC' },
    steps: [{ send: ['telemetry', { doorType: 'NC', position: 'open' }] }, { advance: 30_000 }, { send: ['telemetry', { position: 'closed' }] }, { advance: 60_000 }], expected: null },
  { name: 'FD-02 ignores a normally-open door held open', type: 'fire-door', ruleId: 'FD-02', attributes: { doorType: 'NO' },
    steps: [{ send: ['telemetry', { doorType: 'NO', position: 'open', holder: 'energized' }] }, { advance: 61_000 }], expected: null },
  { name: 'EL-01 raises P1 after 30 s stopped between floors, doors closed, occupied', type: 'elevator', ruleId: 'EL-01',
    steps: [{ send: ['telemetry', trapped] }, { advance: 31_000, every: ['telemetry', trapped] }], expected: { priority: 1 } },
  { name: 'EL-01 does not raise when the car moves again at 25 s', type: 'elevator', ruleId: 'EL-01',
    steps: [{ send: ['telemetry', trapped] }, { advance: 25_000 }, { send: ['telemetry', { carStatus: 1, speed: 1.0 }] }, { advance: 30_000 }], expected: null },
  { name: 'EL-01 does not raise for a car at a landing (door zone)', type: 'elevator', ruleId: 'EL-01',
    steps: [{ send: ['telemetry', { ...trapped, doorZone: true }] }, { advance: 31_000 }], expected: null },
  { name: 'EL-01 does not raise in inspection mode', type: 'elevator', ruleId: 'EL-01',
    steps: [{ send: ['telemetry', { ...trapped, serviceMode: 2 }] }, { advance: 120_000, every: ['telemetry', { serviceMode: 2 }] }], expected: null },
  { name: 'PU-01 raises P2 after 60 s below 0.8 × setpoint in auto', type: 'pump', ruleId: 'PU-01',
    steps: [{ send: ['telemetry', lowPressure] }, { advance: 61_000, every: ['telemetry', lowPressure] }], expected: { priority: 2 } },
  { name: 'PU-01 does not raise at 0.85 × setpoint (inside the deadband)', type: 'pump', ruleId: 'PU-01',
    steps: [{ send: ['telemetry', { ...lowPressure, outletP: 0.3825 }] }, { advance: 90_000, every: ['telemetry', { outletP: 0.3825 }] }], expected: null },
  { name: 'PU-01 does not raise in manual mode', type: 'pump', ruleId: 'PU-01',
    steps: [{ send: ['telemetry', { ...lowPressure, ctrlMode: 'manual' }] }, { advance: 90_000, every: ['telemetry', { ctrlMode: 'manual' }] }], expected: null },
  { name: 'AC-01 raises P2 at once for a forced plant-room door (level 3)', type: 'access-door', ruleId: 'AC-01', attributes: { requiredLevel: 3 },
    steps: [{ send: ['event', { event: 'forced_open', requiredLevel: 3, doorState: 'open' }] }], expected: { priority: 2 } },
  { name: 'AC-01 raises P3 for a forced lobby door', type: 'access-door', ruleId: 'AC-01', attributes: { requiredLevel: 1, perimeter: false },
    steps: [{ send: ['event', { event: 'forced_open', requiredLevel: 1, doorState: 'open' }] }], expected: { priority: 3 } },
  { name: 'AC-01 raises P2 for a forced perimeter door', type: 'access-door', ruleId: 'AC-01', attributes: { requiredLevel: 1, perimeter: true },
    steps: [{ send: ['event', { event: 'forced_open', doorState: 'open' }] }], expected: { priority: 2 } },
  { name: 'AC-01 does not raise for a granted entry', type: 'access-door', ruleId: 'AC-01', attributes: { requiredLevel: 3 },
    steps: [{ send: ['event', { event: 'granted', credential: { token: 'a41b9c', type: 'card' }, requiredLevel: 3, doorState: 'open' }] }], expected: null },
]

async function alarmsOf(deviceId: string): Promise<Alarm[]> {
  const r = await v.api('GET', `/api/v1/alarms?state=all&deviceId=${deviceId}`, { token })
  expect(r.status).toBe(200)
  return (r.json as { items: Alarm[] }).items
}

async function run(dev: TestDevice, steps: Step[]): Promise<void> {
  for (const s of steps) {
    if ('send' in s) {
      await dev.send(s.send[0], s.send[1])
      continue
    }
    // Devices keep talking while time passes (heartbeats), or the offline rule would take over.
    for (let left = s.advance; left > 0; left -= 5000) {
      await clock.advance(Math.min(5000, left))
      if (s.every) await dev.send(s.every[0], s.every[1])
      else await dev.send('status', { online: true })
    }
  }
}

/** Lets the alarm writes started by the last timer reach the database. */
const settle = async (): Promise<void> => { await new Promise((r) => setTimeout(r, 150)) }

describe('the first rules on the real path', () => {
  it.each(cases)('$name', async (c) => {
    const dev = await connectDevice(v, token, { id: `dev-${++n}`, siteId: 'S1', type: c.type, ...(c.attributes ? { attributes: c.attributes } : {}) })
    try {
      await run(dev, c.steps)
      if (c.expected) {
        const [alarm] = await waitFor(`${c.ruleId} alarm`, async () => {
          const list = (await alarmsOf(dev.id)).filter((a) => a.ruleId === c.ruleId)
          return list.length > 0 ? list : null
        })
        expect(alarm).toMatchObject({ ruleId: c.ruleId, priority: c.expected.priority, state: 'unacked', active: true, deviceId: dev.id, siteId: 'S1', occurrences: 1 })
      } else {
        await settle()
        expect((await alarmsOf(dev.id)).filter((a) => a.ruleId === c.ruleId)).toEqual([])
      }
    } finally {
      await dev.client.endAsync()
    }
  })
})

describe('one alarm per device and rule while active', () => {
  it('repeats of a condition count occurrences on the same alarm, and ack/clear follow ISA-18.2', async () => {
    const dev = await connectDevice(v, token, { id: `dev-${++n}`, siteId: 'S1', type: 'access-door', attributes: { requiredLevel: 3 } })
    const forced = { event: 'forced_open', requiredLevel: 3, doorState: 'open' }
    await Promise.all(Array.from({ length: 10 }, () => dev.send('event', forced)))
    const [first] = await waitFor('AC-01 alarm', async () => ((await alarmsOf(dev.id)).length ? alarmsOf(dev.id) : null))
    await settle()
    expect(await alarmsOf(dev.id)).toHaveLength(1)

    const acked = await v.api('POST', `/api/v1/alarms/${first!.id}/ack`, { token, body: { note: 'guard sent' } })
    expect(acked.status).toBe(200)
    expect(acked.json).toMatchObject({ state: 'acked', acked: true, ackedBy: 'admin' })
    expect((await v.api('POST', `/api/v1/alarms/${first!.id}/ack`, { token, body: {} })).status).toBe(409)

    await dev.send('telemetry', { doorState: 'closed', lockState: 'locked' })
    const normal = await waitFor('alarm back to normal', async () => {
      const r = await v.api('GET', `/api/v1/alarms/${first!.id}`, { token })
      return (r.json as Alarm).state === 'normal' ? (r.json as Alarm) : null
    })
    expect(normal.history?.map((h) => h.to)).toEqual(['unacked', 'acked', 'normal'])
    expect(normal.history?.[1]).toMatchObject({ actor: 'admin', action: 'ack', note: 'guard sent' })

    await dev.send('event', forced)
    const again = await waitFor('a second alarm after the first ended', async () => {
      const list = await alarmsOf(dev.id)
      return list.length === 2 ? list : null
    })
    expect(again.filter((a) => a.state === 'unacked')).toHaveLength(1)
    await dev.client.endAsync()
  })

  it('a latched EL-01 waits for "end of alarm": reset refused while trapped, allowed after release', async () => {
    const dev = await connectDevice(v, token, { id: `dev-${++n}`, siteId: 'S1', type: 'elevator' })
    await run(dev, [{ send: ['telemetry', trapped] }, { advance: 31_000, every: ['telemetry', trapped] }])
    const alarm = await waitFor('EL-01', async () => (await alarmsOf(dev.id))[0])
    const early = await v.api('POST', `/api/v1/alarms/${alarm.id}/reset`, { token, body: { note: 'try' } })
    expect(early.status).toBe(409)
    expect((early.json as { error: { code: string } }).error.code).toBe('ALARM_CONDITION_ACTIVE')

    const released = { doorZone: true, doorClosed: false, occupied: false, loadPct: 0 }
    await run(dev, [{ send: ['telemetry', released] }, { advance: 11_000, every: ['telemetry', released] }])
    const latched = await waitFor('latched', async () => ((await alarmsOf(dev.id))[0]?.state === 'latched' ? (await alarmsOf(dev.id))[0] : null))
    expect(latched).toMatchObject({ active: false, acked: false })
    const notYet = await v.api('POST', `/api/v1/alarms/${alarm.id}/reset`, { token, body: { note: 'nobody on site yet' } })
    expect(notYet.json).toMatchObject({ error: { code: 'ALARM_RESET_NEEDS_ON_SITE' } })
    await bringOnSite(v, token, alarm.id)
    const reset = await v.api('POST', `/api/v1/alarms/${alarm.id}/reset`, { token, body: { note: 'engineer on site, passenger out' } })
    expect(reset.status).toBe(200)
    expect(reset.json).toMatchObject({ state: 'normal', acked: true })
    await dev.client.endAsync()
  })

  it('deleting a device ends its open alarms, which could otherwise never clear', async () => {
    const dev = await connectDevice(v, token, { id: `dev-${++n}`, siteId: 'S1', type: 'access-door', attributes: { requiredLevel: 3 } })
    await dev.send('event', { event: 'forced_open', requiredLevel: 3, doorState: 'open' })
    const alarm = await waitFor('AC-01', async () => (await alarmsOf(dev.id))[0])
    await dev.client.endAsync()
    expect((await v.api('DELETE', `/api/v1/devices/${dev.id}`, { token })).status).toBe(204)
    const ended = await waitFor('alarm ended', async () => {
      const r = await v.api('GET', `/api/v1/alarms/${alarm.id}`, { token })
      return (r.json as Alarm).state === 'normal' ? (r.json as Alarm) : null
    })
    expect(ended.history?.at(-1)).toMatchObject({ action: 'device-removed', to: 'normal', actor: 'system' })
    const active = await v.api('GET', '/api/v1/alarms?state=active&siteId=S1', { token })
    expect((active.json as { items: Alarm[] }).items.filter((a) => a.deviceId === dev.id)).toEqual([])
  })

  it('a site override of FD-02 takes effect without a restart', async () => {
    const patch = await v.api('PATCH', '/api/v1/sites/S1/rules/FD-02', { token, body: { params: { onDelaySec: 5 } } })
    expect(patch.status).toBe(200)
    const dev = await connectDevice(v, token, { id: `dev-${++n}`, siteId: 'S1', type: 'fire-door', attributes: { doorType: 'NC' } })
    await run(dev, [{ send: ['telemetry', { doorType: 'NC', position: 'open' }] }, { advance: 5000 }])
    await waitFor('FD-02 after 5 s', async () => (await alarmsOf(dev.id)).find((a) => a.ruleId === 'FD-02'))
    expect((await v.api('PATCH', '/api/v1/sites/S1/rules/FD-02', { token, body: { params: { onDelaySec: 60 } } })).status).toBe(200)
    expect((await v.api('PATCH', '/api/v1/sites/S1/rules/FD-99', { token, body: { params: {} } })).status).toBe(400)
    expect((await v.api('PATCH', '/api/v1/sites/S1/rules/FD-02', { token, body: { params: { nope: 1 } } })).status).toBe(400)
    await dev.client.endAsync()
  })
})
