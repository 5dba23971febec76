// Issue #10 item 1: Vigil killed with SIGKILL under load and started again resumes its timers
// from the database, not from zero, and duplicates nothing: an on-delay in progress (a door held
// open), a shelving expiry, a work order's SLA clock and its escalation level. The clock runs 60×
// (VIGIL_CLOCK_SCALE, a minute each second) and carries on across the restart; every assertion is
// on Vigil's own clock: a timer that restarted from zero would fire only a full period after the
// restart, a resumed one fires at its stored time (or at once, when that passed while Vigil was down).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnVigil, type SpawnedVigil } from '../helpers/spawn-vigil.js'
import { allValues, call, listAll, login } from '../helpers/spawned-api.js'
import { startQosLoad } from '../helpers/qos-load.js'
import { waitFor } from '../helpers/devices.js'

const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-timers-'))
const password = 'Timers-test-pass-1'
// The load devices publish far above the per-device rate limit (whose refusals are acknowledged
// and dead-lettered by design), so the limit is off here.
const env = { VIGIL_DATA_DIR: dataDir, VIGIL_DEVICE_RATE: '0', VIGIL_ADMIN_PASSWORD: password, VIGIL_CLOCK_SCALE: '60' }
const MIN = 60_000
const HELD_OPEN_DELAY_SEC = 1200 // 20 Vigil minutes: 20 s of test time at 60×
const SHELVE_MIN = 15
let running: SpawnedVigil | null = null
const stops: Array<() => void> = []

afterAll(async () => {
  for (const s of stops) s()
  await running?.kill('SIGKILL')
  rmSync(dataDir, { recursive: true, force: true })
})

interface Door { id: string; secret: string; client: MqttClient | null }

/** Connects a door and keeps it talking (every 12 Vigil seconds, under its 20 s heartbeat) with its door open. */
async function keepOpen(vigil: SpawnedVigil, door: Door): Promise<void> {
  door.client = await mqtt.connectAsync(vigil.mqttUrl, { username: door.id, password: door.secret, reconnectPeriod: 0 })
  door.client.on('error', () => undefined)
  const client = door.client
  const timer = setInterval(() => { if (client.connected) client.publish(`bldg/t1/access-door/${door.id}/telemetry`, '{"doorState":"open"}', { qos: 1 }) }, 200)
  stops.push(() => clearInterval(timer))
  client.on('close', () => clearInterval(timer))
}

const lastSeen = async (base: string, token: string, id: string): Promise<number> => Date.parse((await call(base, 'GET', `/api/v1/devices/${id}`, token)).lastSeen)

describe('SIGKILL under load, then restart', () => {
  it('resumes an on-delay, a shelving expiry, an SLA clock and an escalation level from the database', async () => {
    running = await spawnVigil(env)
    let token = await login(running.http, password)
    await call(running.http, 'POST', '/api/v1/sites', token, { id: 't1', name: 'Timers' })
    const lift = await call(running.http, 'POST', '/api/v1/devices', token, { id: 'lift-1', siteId: 't1', type: 'elevator', name: 'Lift', location: { building: 'B1', floor: 0 } })
    const doors: Door[] = []
    for (const id of ['held', 'forced']) {
      const r = await call(running.http, 'POST', '/api/v1/devices', token, { id, siteId: 't1', type: 'access-door', name: id, location: { building: 'B1', floor: 1 } })
      doors.push({ id, secret: r.secret, client: null })
    }
    const [held, forced] = doors as [Door, Door]
    await call(running.http, 'PATCH', '/api/v1/devices/held/rules/AC-02', token, { params: { onDelaySec: HELD_OPEN_DELAY_SEC, stage2DelaySec: HELD_OPEN_DELAY_SEC } })
    await call(running.http, 'PATCH', '/api/v1/devices/forced/rules/AC-02', token, { enabled: false })
    const load = await startQosLoad({ mqttUrl: running.mqttUrl, username: 'lift-1', password: lift.secret, topic: 'bldg/t1/elevator/lift-1/telemetry', body: (s) => ({ trips: s, floor: s % 20, carStatus: 1 }) })

    // The door is held open: the on-delay starts now (T0) on Vigil's clock.
    await keepOpen(running, held)
    await held.client!.publishAsync('bldg/t1/access-door/held/telemetry', '{"doorState":"open"}', { qos: 1 })
    const t0 = await lastSeen(running.http, token, 'held')

    // A forced door's alarm, shelved for 15 minutes.
    await keepOpen(running, forced)
    await forced.client!.publishAsync('bldg/t1/access-door/forced/event', JSON.stringify({ event: 'forced_open', doorState: 'open' }), { qos: 1 })
    const forcedAlarm = await waitFor('the forced-door alarm', async () => (await listAll(running!.http, token, '/api/v1/alarms?state=all&deviceId=forced')).find((a) => a.ruleId === 'AC-01'))
    const shelved = await call(running.http, 'POST', `/api/v1/alarms/${forcedAlarm.id}/shelve`, token, { minutes: SHELVE_MIN, reason: 'contractor on site' })
    const shelvedUntil = Date.parse(shelved.shelvedUntil)

    // A P1 work order: accept within 5 minutes, on site within 15 (DOMAIN.md §2). Nobody is on
    // shift, so it goes to L2 at once, and L2's notice must be acknowledged within 5 minutes (§6).
    const wo = await call(running.http, 'POST', '/api/v1/work-orders', token, { siteId: 't1', title: 'Water on the floor', priority: 1, skill: 'PLUMBING', source: 'phone' })
    const atL2 = await waitFor('the escalation to L2', async () => {
      const w = await call(running!.http, 'GET', `/api/v1/work-orders/${wo.id}`, token)
      return w.escalationLevel === 1 ? w : null
    })
    const noticeAt = Date.parse(atL2.history.find((h: { action: string }) => h.action === 'escalate').at)

    // Power cut under load.
    await running.kill('SIGKILL')
    await load.stop()
    for (const d of doors) d.client?.end(true)
    const ackedBefore = new Set(load.acked)

    running = await spawnVigil(env)
    token = await login(running.http, password)
    await keepOpen(running, held)
    await keepOpen(running, forced)
    await held.client!.publishAsync('bldg/t1/access-door/held/telemetry', '{"doorState":"open"}', { qos: 1 })
    const tRestart = await lastSeen(running.http, token, 'held')
    expect(tRestart).toBeGreaterThan(t0)

    // Nothing acknowledged before the kill is lost.
    const trips = await allValues(running.http, token, 'lift-1', 'trips')
    expect([...ackedBefore].filter((s) => !trips.has(s))).toEqual([])
    expect(ackedBefore.size).toBeGreaterThan(0)

    // The escalation level survived; each SLA clock fires once, at its stored time (or at once if
    // it fell due while Vigil was down), never a full period after the restart.
    const afterRestart = await call(running.http, 'GET', `/api/v1/work-orders/${wo.id}`, token)
    expect(afterRestart.escalationLevel).toBeGreaterThanOrEqual(1)
    expect(afterRestart.dueArriveBy).toBe(wo.dueArriveBy)
    const final = await waitFor('the arrive breach', async () => {
      const w = await call(running!.http, 'GET', `/api/v1/work-orders/${wo.id}`, token)
      return w.breaches.some((b: { kind: string }) => b.kind === 'arrive') ? w : null
    }, 20_000)
    const at = (pick: (h: { action: string; note: string }) => boolean): number[] => final.history.filter(pick).map((h: { at: string }) => Date.parse(h.at))
    const [acceptBreach, ...moreAccept] = at((h) => h.action === 'breach' && h.note.startsWith('accept:'))
    const [arriveBreach, ...moreArrive] = at((h) => h.action === 'breach' && h.note.startsWith('arrive:'))
    const [toL1, ...moreL1] = at((h) => h.action === 'escalate' && h.note.includes('not acknowledged'))
    expect([moreAccept, moreArrive, moreL1]).toEqual([[], [], []])
    expect(acceptBreach).toBeGreaterThanOrEqual(Date.parse(wo.dueAcceptBy))
    expect(acceptBreach).toBeLessThan(tRestart + 5 * MIN)
    expect(toL1).toBeGreaterThanOrEqual(noticeAt + 5 * MIN)
    expect(toL1).toBeLessThan(tRestart + 5 * MIN)
    expect(arriveBreach).toBeGreaterThanOrEqual(Date.parse(wo.dueArriveBy))
    expect(arriveBreach).toBeLessThan(tRestart + 15 * MIN)
    expect(final.escalationLevel).toBe(2)

    // The shelf ends when it was due, not 15 minutes after the restart.
    const expired = await waitFor('the shelving expiry', async () => {
      const a = await call(running!.http, 'GET', `/api/v1/alarms/${forcedAlarm.id}`, token)
      return a.history.find((h: { action: string }) => h.action === 'shelve-expired')
    }, 20_000)
    expect(Date.parse(expired.at)).toBeGreaterThanOrEqual(shelvedUntil)
    expect(Date.parse(expired.at)).toBeLessThan(tRestart + SHELVE_MIN * MIN)

    // The held-open delay ran on from T0: the alarm comes 20 minutes after T0, not after the restart.
    const heldAlarm = await waitFor('the held-open alarm', async () => (await listAll(running!.http, token, '/api/v1/alarms?state=all&deviceId=held')).find((a) => a.ruleId === 'AC-02'), 30_000)
    expect(Date.parse(heldAlarm.raisedAt)).toBeGreaterThanOrEqual(t0 + HELD_OPEN_DELAY_SEC * 1000)
    expect(Date.parse(heldAlarm.raisedAt)).toBeLessThan(tRestart + HELD_OPEN_DELAY_SEC * 1000)

    // One alarm per device and rule, one work order: nothing duplicated, nothing lost. (The offline
    // supervision alarms, EL-10 and AC-05, are the outage's own: at 60× a device has one second of
    // test time to come back before its 3 missed heartbeats are up.)
    const alarms = await listAll(running.http, token, '/api/v1/alarms?state=all&siteId=t1')
    const keys = alarms.map((a) => `${a.deviceId}/${a.ruleId}`)
    expect(keys.length).toBe(new Set(keys).size)
    expect(keys.filter((k) => !/\/(EL-10|AC-05)$/.test(k)).sort()).toEqual(['forced/AC-01', 'held/AC-02'])
    expect((await listAll(running.http, token, '/api/v1/work-orders?siteId=t1')).filter((w) => w.source !== 'rule').map((w) => w.id)).toEqual([wo.id])
    const minutes = (ms: number): string => (ms / MIN).toFixed(1)
    console.info(`Timers across a SIGKILL (Vigil's clock at 60×): held-open alarm ${minutes(Date.parse(heldAlarm.raisedAt) - t0)} min after the door opened (delay ${HELD_OPEN_DELAY_SEC / 60} min); shelf ended ${minutes(Date.parse(expired.at) - shelvedUntil)} min after its due time; accept breach ${minutes(acceptBreach! - Date.parse(wo.dueAcceptBy))} min and arrival breach ${minutes(arriveBreach! - Date.parse(wo.dueArriveBy))} min after their deadlines; escalation level ${final.escalationLevel}; alarms ${keys.length} (each device and rule once), work orders 1`)
  }, 120_000)
})
