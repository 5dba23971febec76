// Vigil's processes for a multi-process test (tests/cluster): started from the built CLI on one
// fresh database and Redis prefix, with the REST calls, socket.io screens and MQTT devices the
// tests drive them through. `close()` stops everything and drops the database.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { io, type Socket } from 'socket.io-client'
import type { Alarm } from '../../services/core/model.js'
import type { WorkOrder } from '../../services/core/work-orders/work-order.js'
import type { ClientToServerEvents, ServerToClientEvents } from '../../services/realtime/socket-events.js'
import { assertBuiltCli, createClusterEnv, type ClusterEnv } from './cluster-env.js'
import { spawnVigil, type SpawnedVigil } from './spawn-vigil.js'
import { waitFor } from './devices.js'

type Client = Socket<ServerToClientEvents, ClientToServerEvents>
export const ADMIN_PASSWORD = 'Cluster-admin-pass-1'

export interface Screen { alarms: Alarm[]; workOrders: WorkOrder[] }
export interface ClusterDevice { client: MqttClient; secret: string; send(suffix: string, payload: object, topicOf?: string): Promise<void> }

export interface ClusterHarness {
  env: ClusterEnv
  start(name: string, args: string[], extra?: Record<string, string>): Promise<SpawnedVigil>
  login(via: SpawnedVigil): Promise<void>
  api(via: SpawnedVigil, method: string, url: string, body?: unknown): Promise<{ status: number; json: any }>
  leaseHolder(site: string): Promise<string | null>
  /**
   * Worker N runs site north; worker S runs south and stands by for north. Then logs in through
   * `api`, creates both sites and returns the workers.
   */
  twoWorkers(api: SpawnedVigil, brokerUrls: string): Promise<{ workerN: SpawnedVigil; workerS: SpawnedVigil }>
  watch(via: SpawnedVigil, siteIds: string[]): Promise<Screen>
  /** Registers an access door through `via` and connects it to `brokerUrl`. */
  device(via: SpawnedVigil, id: string, siteId: string, brokerUrl: string): Promise<ClusterDevice>
  close(): Promise<void>
}

export async function createClusterHarness(leaseMs: number, opts: { redisUrl?: string } = {}): Promise<ClusterHarness> {
  assertBuiltCli()
  const env = await createClusterEnv(opts)
  const dirs: string[] = []
  const procs: SpawnedVigil[] = []
  const sockets: Client[] = []
  const clients: MqttClient[] = []
  let token = ''
  const leaseHolder = (site: string): Promise<string | null> => env.redis.get(`${env.redisPrefix}:lease:site:${site}`)

  const api: ClusterHarness['api'] = async (via, method, url, body) => {
    const res = await fetch(via.http + url, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const text = await res.text()
    return { status: res.status, json: text ? JSON.parse(text) : undefined }
  }

  const harness: ClusterHarness = {
    env,
    api,
    async start(name, args, extra = {}) {
      const dataDir = mkdtempSync(path.join(tmpdir(), `vigil-cluster-${name}-`))
      dirs.push(dataDir)
      const p = await spawnVigil({
        VIGIL_DATABASE_URL: env.databaseUrl, VIGIL_REDIS_URL: env.redisUrl, VIGIL_REDIS_PREFIX: env.redisPrefix,
        VIGIL_SECRET_KEY: env.secretKey, VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD, VIGIL_DATA_DIR: dataDir,
        VIGIL_SITE_LEASE_MS: String(leaseMs), VIGIL_LOG_LEVEL: process.env.VIGIL_TEST_LOG ?? 'warn', ...extra,
      }, 30_000, { args, built: true })
      procs.push(p)
      return p
    },
    async login(via) {
      const r = await api(via, 'POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })
      if (r.status !== 200) throw new Error(`login: ${r.status} ${JSON.stringify(r.json)}`)
      token = r.json.token as string
    },
    leaseHolder,
    async twoWorkers(via, brokerUrls) {
      const brokers = { VIGIL_BROKER_URL: brokerUrls }
      const workerN = await harness.start('worker-n', ['worker', '--sites', 'north'], brokers)
      await waitFor('worker N to take site north', async () => (await leaseHolder('north')) === workerN.listening.id, 10_000)
      const workerS = await harness.start('worker-s', ['worker', '--sites', 'south,north'], brokers)
      await waitFor('worker S to take site south', async () => (await leaseHolder('south')) === workerS.listening.id, 10_000)
      await harness.login(via)
      for (const id of ['north', 'south']) {
        const r = await api(via, 'POST', '/api/v1/sites', { id, name: `Site ${id}` })
        if (r.status !== 201) throw new Error(`site ${id}: ${r.status} ${JSON.stringify(r.json)}`)
      }
      return { workerN, workerS }
    },
    async watch(via, siteIds) {
      const s: Client = io(via.http, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true })
      sockets.push(s)
      await new Promise<void>((resolve, reject) => { s.once('connect', () => resolve()); s.once('connect_error', reject) })
      const got: Screen = { alarms: [], workOrders: [] }
      s.on('alarm', (a) => got.alarms.push(a))
      s.on('workorder', (wo) => got.workOrders.push(wo))
      await s.timeout(5000).emitWithAck('subscribe', { siteIds })
      return got
    },
    async device(via, id, siteId, brokerUrl) {
      const r = await api(via, 'POST', '/api/v1/devices', {
        id, siteId, type: 'access-door', name: `Door ${id}`, location: { building: 'B1', floor: 1, zone: 'Z1' },
      })
      if (r.status !== 201) throw new Error(`device ${id}: ${r.status} ${JSON.stringify(r.json)}`)
      const secret = r.json.secret as string
      const client = await mqtt.connectAsync(brokerUrl, { username: id, password: secret, reconnectPeriod: 0, connectTimeout: 5000 })
        .catch((err: unknown) => { throw new Error(`${id} cannot connect to ${brokerUrl}: ${String(err)}\n${procs.map((p) => p.output()).join('\n')}`) })
      clients.push(client)
      const own = `bldg/${siteId}/access-door/${id}`
      return {
        client, secret,
        async send(suffix, payload, topicOf = own) {
          await client.publishAsync(`${topicOf}/${suffix}`, JSON.stringify(payload), { qos: 1 })
        },
      }
    },
    async close() {
      for (const s of sockets) s.close()
      await Promise.all(clients.map((c) => c.endAsync().catch(() => undefined)))
      await Promise.all(procs.map((p) => p.kill('SIGTERM')))
      await env.dispose()
      for (const d of dirs) rmSync(d, { recursive: true, force: true })
    },
  }
  return harness
}

/** Every distinct event a screen got more than once; "once and only once" means none. */
export function repeats<T>(events: T[]): string[] {
  const seen = new Map<string, number>()
  for (const e of events) seen.set(JSON.stringify(e), (seen.get(JSON.stringify(e)) ?? 0) + 1)
  return [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${n}x ${k.slice(0, 160)}`)
}
