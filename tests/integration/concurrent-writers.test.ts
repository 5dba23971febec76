// Issue #9: several Vigil processes share one PostgreSQL database and stay atomic. Two `vigil all`
// processes (each with its own embedded broker on port 0 and its own data folder, the same
// VIGIL_DATABASE_URL and secret key) get the same alarm condition from the same doors at the same
// moment, then two operators acknowledge, and an engineer and a supervisor accept, the same
// alarms and work orders through the two processes at once. PostgreSQL only: SQLite is one
// process's file (the vitest `postgres` project runs it; it fails, never skips, without a server).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alarm } from '../../services/core/model.js'
import type { WorkOrder } from '../../services/core/work-orders/work-order.js'
import { waitFor } from '../helpers/devices.js'
import { spawnVigil, type SpawnedVigil } from '../helpers/spawn-vigil.js'
import { jsonApi } from '../helpers/start-test-vigil.js'
import { createPgDatabase } from '../helpers/test-database.js'

const ADMIN_PASSWORD = 'Concurrent-admin-1'
const DOORS = Array.from({ length: 8 }, (_, i) => `door-${i + 1}`)
const LIFTS = ['lift-1', 'lift-2']
const SITE = 'cw'

interface Api {
  (method: string, url: string, who: string, body?: unknown): Promise<{ status: number; json: any; text: string }>
}

function apiOf(base: string, tokens: Map<string, string>): Api {
  const api = jsonApi(base)
  return (method, url, who, body) => api(method, url, { token: tokens.get(who), body })
}

let drop: (() => Promise<void>) | null = null
const dirs: string[] = []
const processes: SpawnedVigil[] = []
const clients: MqttClient[] = []
const tokens = new Map<string, string>()
const secrets = new Map<string, string>()
let a: Api
let b: Api
let vigilA: SpawnedVigil
let vigilB: SpawnedVigil

async function must(r: Promise<{ status: number; json: any; text: string }>, what: string, ok = [200, 201]): Promise<any> {
  const got = await r
  if (!ok.includes(got.status)) throw new Error(`${what} → ${got.status} ${got.text}`)
  return got.json
}

beforeAll(async () => {
  const db = await createPgDatabase()
  drop = db.drop
  const common = { VIGIL_DATABASE_URL: db.url, VIGIL_SECRET_KEY: 'concurrent-writers-secret-key-0123456789', VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD }
  const dataDir = (): string => {
    const d = mkdtempSync(path.join(tmpdir(), 'vigil-cw-'))
    dirs.push(d)
    return d
  }
  vigilA = await spawnVigil({ ...common, VIGIL_DATA_DIR: dataDir() })
  processes.push(vigilA)
  a = apiOf(vigilA.http, tokens)
  const login = async (api: Api, username: string, password: string): Promise<void> => {
    tokens.set(username, (await must(api('POST', '/api/v1/auth/login', '', { username, password }), `login ${username}`)).token)
  }
  await login(a, 'admin', ADMIN_PASSWORD)
  await must(a('POST', '/api/v1/sites', 'admin', { id: SITE, name: 'Concurrent writers' }), 'site')
  for (const [username, role, skills] of [['op1', 'operator', []], ['op2', 'operator', []], ['sup', 'supervisor', []], ['sec', 'engineer', ['SECURITY']]] as const) {
    await must(a('POST', '/api/v1/users', 'admin', { username, password: `${username}-password-1`, role, displayName: username, skills, siteIds: [SITE] }), `user ${username}`)
    await login(a, username, `${username}-password-1`)
  }
  // On shift, so every work order is dispatched to `sec` at once.
  await must(a('POST', '/api/v1/shifts/start', 'sec', {}), 'shift')
  for (const id of DOORS) {
    const r = await must(a('POST', '/api/v1/devices', 'admin', { id, siteId: SITE, type: 'access-door', name: id, location: { building: 'B1', floor: 1 } }), `device ${id}`)
    secrets.set(id, r.secret as string)
  }
  for (const id of LIFTS) {
    const r = await must(a('POST', '/api/v1/devices', 'admin', { id, siteId: SITE, type: 'elevator', name: id, location: { building: 'B1', floor: 0 } }), `device ${id}`)
    secrets.set(id, r.secret as string)
  }
  // Started after the devices exist: each process keeps its own device directory (see the README).
  vigilB = await spawnVigil({ ...common, VIGIL_DATA_DIR: dataDir() })
  processes.push(vigilB)
  b = apiOf(vigilB.http, tokens)
}, 120_000)

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)))
  for (const p of processes) await p.kill('SIGTERM')
  await drop?.()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const alarmsOf = async (api: Api, deviceId: string): Promise<Alarm[]> => (await must(api('GET', `/api/v1/alarms?deviceId=${deviceId}`, 'op1'), 'alarms')).items
const workOrdersOfAlarm = async (api: Api, alarmId: string): Promise<WorkOrder[]> => (await must(api('GET', `/api/v1/work-orders?siteId=${SITE}&limit=1000`, 'sup'), 'work orders')).items.filter((w: WorkOrder) => w.alarmId === alarmId)

async function connectTo(url: string, id: string): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { username: id, password: secrets.get(id)!, reconnectPeriod: 0, connectTimeout: 5000 })
  clients.push(c)
  return c
}

describe('two Vigil processes on one PostgreSQL database', () => {
  it('the same forced door reported to both at the same moment raises one alarm and one work order', async () => {
    const pairs = await Promise.all(DOORS.map(async (id) => [id, await connectTo(vigilA.mqttUrl, id), await connectTo(vigilB.mqttUrl, id)] as const))
    // Both publishes of a door leave together; each process acknowledges after storing its copy.
    await Promise.all(pairs.flatMap(([id, viaA, viaB]) => [viaA, viaB].map((c) =>
      c.publishAsync(`bldg/${SITE}/access-door/${id}/event`, JSON.stringify({ event: 'forced_open', doorState: 'open' }), { qos: 1 }))))

    for (const id of DOORS) {
      const alarm = await waitFor(`${id}'s alarm with its work order`, async () => (await alarmsOf(a, id)).find((x) => x.workOrderIds.length > 0), 15_000)
      // Both processes have evaluated their copy once each has it stored and the other's alarm is visible to it.
      await waitFor(`${id}'s alarm seen through B`, async () => (await alarmsOf(b, id)).length > 0, 15_000)
      expect(await alarmsOf(a, id)).toHaveLength(1)
      expect(await alarmsOf(b, id)).toHaveLength(1)
      const full = await must(a('GET', `/api/v1/alarms/${alarm.id}`, 'op1'), 'alarm')
      expect(full.history.filter((h: { action: string }) => h.action === 'raised')).toHaveLength(1)
      const wos = await workOrdersOfAlarm(b, alarm.id)
      expect(wos).toHaveLength(1)
      expect(alarm.workOrderIds).toEqual([wos[0]!.id])
    }
  }, 90_000)

  it('two operators acknowledging the same alarm through the two processes: one succeeds, the other gets 409', async () => {
    for (const id of DOORS) {
      const [alarm] = await alarmsOf(a, id)
      const [viaA, viaB] = await Promise.all([
        a('POST', `/api/v1/alarms/${alarm!.id}/ack`, 'op1', { note: 'via A' }),
        b('POST', `/api/v1/alarms/${alarm!.id}/ack`, 'op2', { note: 'via B' }),
      ])
      expect([viaA.status, viaB.status].sort()).toEqual([200, 409])
      const winner = viaA.status === 200 ? 'op1' : 'op2'
      expect((viaA.status === 409 ? viaA : viaB).json.error.code).toBe('ALARM_TRANSITION_NOT_ALLOWED')
      const full = await must(b('GET', `/api/v1/alarms/${alarm!.id}`, 'op1'), 'alarm')
      expect(full).toMatchObject({ state: 'acked', ackedBy: winner })
      expect(full.history.filter((h: { action: string }) => h.action === 'ack').map((h: { actor: string }) => h.actor)).toEqual([winner])
    }
  }, 60_000)

  it('the engineer and a supervisor accepting the same work order through the two processes: one wins, the other gets 409', async () => {
    for (const id of DOORS) {
      const [alarm] = await alarmsOf(a, id)
      // Dispatch follows the work order's creation in the process that created it.
      const [wo] = await waitFor(`${id}'s work order dispatched`, async () => {
        const found = await workOrdersOfAlarm(a, alarm!.id)
        return found[0]?.status === 'assigned' ? found : null
      })
      expect(wo).toMatchObject({ status: 'assigned', assignee: 'sec' })
      const [viaA, viaB] = await Promise.all([
        a('POST', `/api/v1/work-orders/${wo!.id}/accept`, 'sec', {}),
        b('POST', `/api/v1/work-orders/${wo!.id}/accept`, 'sup', { note: 'on behalf of sec' }),
      ])
      expect([viaA.status, viaB.status].sort()).toEqual([200, 409])
      expect((viaA.status === 409 ? viaA : viaB).json.error.code).toBe('WORK_ORDER_TRANSITION_NOT_ALLOWED')
      const full = await must(b('GET', `/api/v1/work-orders/${wo!.id}`, 'sup'), 'work order')
      expect(full.status).toBe('accepted')
      expect(full.history.filter((h: { action: string }) => h.action === 'accept').map((h: { actor: string }) => h.actor)).toEqual([viaA.status === 200 ? 'sec' : 'sup'])
    }
  }, 60_000)

  it('racing transitions on one work order (arrive through A, cancel through B) leave one consistent history', async () => {
    for (const id of DOORS) {
      const [alarm] = await alarmsOf(a, id)
      const [wo] = await workOrdersOfAlarm(a, alarm!.id)
      const [arrive, cancel] = await Promise.all([
        a('POST', `/api/v1/work-orders/${wo!.id}/arrive`, 'sec', {}),
        b('POST', `/api/v1/work-orders/${wo!.id}/cancel`, 'sup', { reason: 'duplicate report' }),
      ])
      // Cancel is allowed from accepted and from on-site, so both may succeed, one after the other.
      expect(cancel.status).toBe(200)
      expect([200, 409]).toContain(arrive.status)
      const full = await must(a('GET', `/api/v1/work-orders/${wo!.id}`, 'sup'), 'work order')
      expect(full.status).toBe('cancelled')
      const path = full.history.map((h: { to: string }) => h.to)
      // Each entry starts where the previous one ended: nobody wrote over a change they did not see.
      for (let i = 1; i < full.history.length; i++) expect(full.history[i].from).toBe(full.history[i - 1].to)
      expect(path.at(-1)).toBe('cancelled')
      expect(path.filter((s: string) => s === 'on-site')).toHaveLength(arrive.status === 200 ? 1 : 0)
    }
  }, 60_000)

  it('two lifts of one building, each reporting to another process at the same moment, open one emergency that both alarms join', async () => {
    // EL-04 (door open while running) opens an E3 emergency one second after the condition starts.
    const running = { serviceMode: 1, carStatus: 1, speed: 1.0, doorClosed: false, occupied: true }
    const [viaA, viaB] = [await connectTo(vigilA.mqttUrl, LIFTS[0]!), await connectTo(vigilB.mqttUrl, LIFTS[1]!)]
    await Promise.all([viaA.publishAsync(`bldg/${SITE}/elevator/${LIFTS[0]}/telemetry`, JSON.stringify(running), { qos: 1 }),
      viaB.publishAsync(`bldg/${SITE}/elevator/${LIFTS[1]}/telemetry`, JSON.stringify(running), { qos: 1 })])
    const alarms = await waitFor('both EL-04 alarms in an emergency', async () => {
      const found = await Promise.all(LIFTS.map(async (id) => (await alarmsOf(a, id)).find((x) => x.ruleId === 'EL-04' && x.emergencyId !== null)))
      return found.every((x) => x !== undefined) ? (found as Alarm[]) : null
    }, 20_000)
    const open = (await must(a('GET', '/api/v1/emergencies?state=open', 'sup'), 'emergencies')).items as Array<{ id: string; alarmIds: string[] }>
    expect(open).toHaveLength(1)
    expect(alarms.map((x) => x.emergencyId)).toEqual([open[0]!.id, open[0]!.id])
    expect([...open[0]!.alarmIds].sort()).toEqual(alarms.map((x) => x.id).sort())
  }, 60_000)
})
