// Issue #9: Vigil as separate processes on PostgreSQL and Redis, started from the built CLI: two
// clustered brokers, two API processes and two workers. Devices on both brokers; alarms, work
// orders and socket.io events must arrive once and only once, also after the worker running a
// site is killed (SIGKILL) and the standby takes the site over with what was queued meanwhile.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { io, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alarm } from '../../services/core/model.js'
import type { WorkOrder } from '../../services/core/work-orders/work-order.js'
import type { ClientToServerEvents, ServerToClientEvents } from '../../services/realtime/socket-events.js'
import { assertBuiltCli, createClusterEnv, type ClusterEnv } from '../helpers/cluster-env.js'
import { waitFor } from '../helpers/devices.js'
import { spawnVigil, type SpawnedVigil } from '../helpers/spawn-vigil.js'

type Client = Socket<ServerToClientEvents, ClientToServerEvents>
const ADMIN_PASSWORD = 'Cluster-admin-pass-1'
const LEASE_MS = 3000

let env: ClusterEnv
const dirs: string[] = []
const procs: SpawnedVigil[] = []
const sockets: Client[] = []
const mqttClients: MqttClient[] = []
let api1: SpawnedVigil, api2: SpawnedVigil, broker1: SpawnedVigil, broker2: SpawnedVigil, workerN: SpawnedVigil, workerS: SpawnedVigil
let token = ''

async function start(name: string, args: string[], extra: Record<string, string> = {}): Promise<SpawnedVigil> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `vigil-cluster-${name}-`))
  dirs.push(dataDir)
  const p = await spawnVigil({
    VIGIL_DATABASE_URL: env.databaseUrl, VIGIL_REDIS_URL: env.redisUrl, VIGIL_REDIS_PREFIX: env.redisPrefix,
    VIGIL_SECRET_KEY: env.secretKey, VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD, VIGIL_DATA_DIR: dataDir,
    VIGIL_SITE_LEASE_MS: String(LEASE_MS), VIGIL_LOG_LEVEL: process.env.VIGIL_TEST_LOG ?? 'warn', ...extra,
  }, 30_000, { args, built: true })
  procs.push(p)
  return p
}

async function api(base: SpawnedVigil, method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(base.http + url, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : undefined }
}

const leaseHolder = (site: string): Promise<string | null> => env.redis.get(`${env.redisPrefix}:lease:site:${site}`)

interface Watch { alarms: Alarm[]; workOrders: WorkOrder[] }
async function watch(base: SpawnedVigil): Promise<Watch> {
  const s: Client = io(base.http, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true })
  sockets.push(s)
  await new Promise<void>((resolve, reject) => { s.once('connect', () => resolve()); s.once('connect_error', reject) })
  const got: Watch = { alarms: [], workOrders: [] }
  s.on('alarm', (a) => got.alarms.push(a))
  s.on('workorder', (wo) => got.workOrders.push(wo))
  await s.timeout(5000).emitWithAck('subscribe', { siteIds: ['north', 'south'] })
  return got
}

async function device(id: string, siteId: string, broker: SpawnedVigil): Promise<{ send(suffix: string, payload: object): Promise<void> }> {
  const r = await api(api1, 'POST', '/api/v1/devices', {
    id, siteId, type: 'access-door', name: `Door ${id}`, location: { building: 'B1', floor: 1, zone: 'Z1' },
  })
  if (r.status !== 201) throw new Error(`device ${id}: ${r.status} ${JSON.stringify(r.json)}`)
  // Registered through API 1; broker 2 learns of it through the relay (or re-reads on the first CONNECT).
  const client = await mqtt.connectAsync(broker.mqttUrl, { username: id, password: r.json.secret as string, reconnectPeriod: 0, connectTimeout: 5000 })
    .catch((err: unknown) => { throw new Error(`${id} cannot connect: ${String(err)}\n${broker.output()}`) })
  mqttClients.push(client)
  return { send: async (suffix, payload) => { await client.publishAsync(`bldg/${siteId}/access-door/${id}/${suffix}`, JSON.stringify(payload), { qos: 1 }) } }
}

const allAlarms = async (): Promise<Alarm[]> => (await api(api2, 'GET', '/api/v1/alarms?state=all&limit=1000')).json.items as Alarm[]
const allWorkOrders = async (): Promise<WorkOrder[]> => (await api(api1, 'GET', '/api/v1/work-orders?limit=1000')).json.items as WorkOrder[]

/** Every distinct event a screen got, with how often; "once and only once" means every count is 1. */
function repeats<T>(events: T[]): string[] {
  const seen = new Map<string, number>()
  for (const e of events) seen.set(JSON.stringify(e), (seen.get(JSON.stringify(e)) ?? 0) + 1)
  return [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${n}x ${k.slice(0, 160)}`)
}

let w1: Watch, w2: Watch
let doorN: Awaited<ReturnType<typeof device>>, doorS: Awaited<ReturnType<typeof device>>

beforeAll(async () => {
  assertBuiltCli()
  env = await createClusterEnv()
  // One at a time, so the migrations and the admin user are made once.
  api1 = await start('api1', ['api'])
  broker1 = await start('broker1', ['broker'])
  broker2 = await start('broker2', ['broker'])
  api2 = await start('api2', ['api'])
  const brokers = { VIGIL_BROKER_URL: `${broker1.mqttUrl},${broker2.mqttUrl}` }
  workerN = await start('worker-n', ['worker', '--sites', 'north'], brokers)
  await waitFor('worker N to take site north', async () => (await leaseHolder('north')) === workerN.listening.id, 10_000)
  // The second worker runs south and stands by for north.
  workerS = await start('worker-s', ['worker', '--sites', 'south,north'], brokers)
  await waitFor('worker S to take site south', async () => (await leaseHolder('south')) === workerS.listening.id, 10_000)
  const login = await api(api1, 'POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })
  expect(login.status).toBe(200)
  token = login.json.token as string
  for (const id of ['north', 'south']) expect((await api(api2, 'POST', '/api/v1/sites', { id, name: `Site ${id}` })).status).toBe(201)
  w1 = await watch(api1)
  w2 = await watch(api2)
  doorN = await device('door-n', 'north', broker1)
  doorS = await device('door-s', 'south', broker2)
}, 120_000)

afterAll(async () => {
  for (const s of sockets) s.close()
  await Promise.all(mqttClients.map((c) => c.endAsync().catch(() => undefined)))
  await Promise.all(procs.map((p) => p.kill('SIGTERM')))
  await env?.dispose()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
}, 60_000)

describe('two brokers, two API processes, two workers', () => {
  it('raises one alarm and one work order per forced door, announced once on every screen', async () => {
    await doorN.send('event', { event: 'forced_open', requiredLevel: 3, doorState: 'open' })
    await doorS.send('event', { event: 'forced_open', requiredLevel: 3, doorState: 'open' })
    const alarms = await waitFor('both alarms', async () => { const a = await allAlarms(); return a.length >= 2 && a }, 15_000)
    expect(alarms.map((a) => `${a.deviceId}/${a.ruleId}`).sort()).toEqual(['door-n/AC-01', 'door-s/AC-01'])
    const wos = await waitFor('both work orders', async () => { const w = await allWorkOrders(); return w.length >= 2 && w }, 15_000)
    expect(wos.map((w) => w.alarmId).sort()).toEqual(alarms.map((a) => a.id).sort())
    for (const screen of [w1, w2]) {
      await waitFor('alarm events on both screens', () => alarms.every((a) => screen.alarms.some((e) => e.id === a.id)), 10_000)
      await waitFor('work-order events on both screens', () => wos.every((w) => screen.workOrders.some((e) => e.id === w.id)), 10_000)
    }
  })

  it('an acknowledgement through one API process reaches the screens of both once', async () => {
    const alarm = (await allAlarms()).find((a) => a.deviceId === 'door-s')!
    const r = await api(api2, 'POST', `/api/v1/alarms/${alarm.id}/ack`, { note: 'seen on camera' })
    expect(r.status).toBe(200)
    for (const screen of [w1, w2]) {
      await waitFor('the acked alarm on the screen', () => screen.alarms.some((e) => e.id === alarm.id && e.state === 'acked'), 10_000)
    }
  })

  it('after the worker of site north is killed, the standby takes it over with the message sent meanwhile', async () => {
    await workerN.kill('SIGKILL')
    // Sent while nobody runs north: broker 1 keeps it in the site's persistent session (Redis).
    await doorN.send('telemetry', { tamper: true })
    await waitFor('worker S to take over north', async () => (await leaseHolder('north')) === workerS.listening.id, LEASE_MS * 4)
    const alarms = await waitFor('the tamper alarm', async () => { const a = await allAlarms(); return a.some((x) => x.ruleId === 'AC-04') && a }, 20_000)
    expect(alarms.map((a) => `${a.deviceId}/${a.ruleId}`).sort()).toEqual(['door-n/AC-01', 'door-n/AC-04', 'door-s/AC-01'])
    const tamper = alarms.find((a) => a.ruleId === 'AC-04')!
    // AC-04 needs two skills (DOMAIN.md §3.4): one work order each.
    const wos = await waitFor('its work orders', async () => { const w = await allWorkOrders(); return w.length >= 4 && w }, 15_000)
    expect(wos.filter((w) => w.alarmId === tamper.id).map((w) => w.skill).sort()).toEqual(['LOWVOLT', 'SECURITY'])
    expect(new Set(wos.map((w) => `${w.alarmId}/${w.skill}`)).size).toBe(4)
    for (const screen of [w1, w2]) {
      await waitFor('the tamper alarm on the screen', () => screen.alarms.some((e) => e.id === tamper.id), 10_000)
    }
    // The forced door keeps working on the new owner: its next event changes the same alarm, no new one.
    await doorN.send('event', { event: 'forced_open', requiredLevel: 3, doorState: 'open' })
    await new Promise((r) => setTimeout(r, 1500))
    expect((await allAlarms()).length).toBe(3)
    expect((await allWorkOrders()).length).toBe(4)
  })

  it('no screen received any event twice', () => {
    for (const screen of [w1, w2]) {
      expect(screen.alarms.length).toBeGreaterThan(0)
      expect(repeats(screen.alarms)).toEqual([])
      expect(repeats(screen.workOrders)).toEqual([])
    }
    // Both screens saw the same stream, whichever API process they are connected to.
    expect(w1.alarms.map((a) => JSON.stringify(a)).sort()).toEqual(w2.alarms.map((a) => JSON.stringify(a)).sort())
  })
})
