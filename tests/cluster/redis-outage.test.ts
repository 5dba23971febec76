// Issue #10 item 2, Redis: one broker, one API process and one worker on PostgreSQL and a Redis
// of the test's own (append-only, tests/helpers/redis-server.ts), killed under QoS 1 load and
// started again on the same folder and port a few seconds later.
//
// What the topology allows during the outage: a device's publish reaches the worker only through
// Redis (mqemitter-redis carries it from the broker's routing back to the worker's site session),
// so nothing new reaches the worker and no alarm can be raised from data sent meanwhile. aedes
// acknowledges a QoS 1 publish on receipt and routes it afterwards; the routing waits in the
// broker's memory (ioredis queues while it reconnects) and reads from that device's connection
// pause until it is done, so a device sees its later publishes wait, not fail. Nothing
// acknowledged is lost. The worker keeps its site: the outage is shorter than the lease. The API process keeps serving what is in
// PostgreSQL (alarms, devices) and its /readyz answers 503 naming redis. When Redis is back every
// acknowledged message reaches the worker's store and the door forced during the outage raises one
// alarm.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, describe, expect, it } from 'vitest'
import { createClusterHarness, type ClusterHarness } from '../helpers/cluster-harness.js'
import { waitFor } from '../helpers/devices.js'
import { startQosLoad } from '../helpers/qos-load.js'
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js'
import type { SpawnedVigil } from '../helpers/spawn-vigil.js'

const LEASE_MS = 10_000
const OUTAGE_MS = 4000
const SITE = 'r1'
let redis: RedisServer | null = null
let h: ClusterHarness | null = null
const clients: MqttClient[] = []
const workerDir = mkdtempSync(path.join(tmpdir(), 'vigil-redis-outage-worker-'))

afterAll(async () => {
  for (const c of clients) c.end(true)
  await h?.close()
  await redis?.destroy()
  rmSync(workerDir, { recursive: true, force: true })
}, 60_000)

const readyz = async (api: SpawnedVigil): Promise<{ status: number; body: any }> => {
  const res = await fetch(`${api.http}/readyz`)
  return { status: res.status, body: await res.json() }
}

/** The seqs of a device stored in the worker's telemetry store (its SQLite file, read-only next to the running worker). */
function storedSeqs(deviceId: string): Set<number> {
  const db = new Database(path.join(workerDir, 'telemetry.db'), { readonly: true, fileMustExist: true })
  try {
    const rows = db.prepare('SELECT seq FROM messages WHERE device_id = ?').all(deviceId) as Array<{ seq: number | null }>
    return new Set(rows.map((r) => r.seq).filter((s): s is number => s !== null))
  } finally {
    db.close()
  }
}

describe('Redis killed and started again under load (broker, API and worker as separate processes)', () => {
  it('says so on /readyz, loses nothing acknowledged, and raises the alarm sent during the outage once', async () => {
    redis = await startRedisServer()
    h = await createClusterHarness(LEASE_MS, { redisUrl: redis.url })
    const harness = h
    const api = await harness.start('api', ['api'])
    const broker = await harness.start('broker', ['broker'])
    const worker = await harness.start('worker', ['worker', '--sites', SITE], { VIGIL_BROKER_URL: broker.mqttUrl, VIGIL_DATA_DIR: workerDir })
    await waitFor('the worker to take the site', async () => (await harness.leaseHolder(SITE)) === worker.listening.id, 10_000)
    await harness.login(api)
    expect((await harness.api(api, 'POST', '/api/v1/sites', { id: SITE, name: 'Redis outage' })).status).toBe(201)
    const register = async (id: string, type: string): Promise<string> => {
      const r = await harness.api(api, 'POST', '/api/v1/devices', { id, siteId: SITE, type, name: id, location: { building: 'B1', floor: 1, zone: 'Z1' } })
      if (r.status !== 201) throw new Error(`device ${id}: ${r.status} ${JSON.stringify(r.json)}`)
      return r.json.secret as string
    }
    const liftSecret = await register('lift-1', 'elevator')
    const door = await mqtt.connectAsync(broker.mqttUrl, { username: 'door-1', password: await register('door-1', 'access-door'), reconnectPeriod: 0, connectTimeout: 5000 })
    door.on('error', () => undefined)
    clients.push(door)
    // The lift keeps 10 QoS 1 publishes in flight, each with the next seq, throughout.
    const load = await startQosLoad({
      mqttUrl: broker.mqttUrl, username: 'lift-1', password: liftSecret, topic: `bldg/${SITE}/elevator/lift-1/telemetry`,
      body: (seq) => ({ trips: seq, floor: seq % 20, carStatus: 1 }), window: 10,
    })
    const acked = load.acked
    const procs = { api, broker, worker }
    /** A failed wait says where the load stood and what the processes logged. */
    const explain = (err: unknown): never => {
      let stored = 'no store yet'
      try { stored = String(storedSeqs('lift-1').size) } catch { /* reported as is */ }
      throw new Error(`${(err as Error).message}\n${acked.size} acknowledged, ${stored} stored\n${Object.entries(procs).map(([n, p]) => `--- ${n}:\n${p.output().slice(-1500)}`).join('\n')}`)
    }
    const allAlarms = async (): Promise<any[]> => (await harness.api(api, 'GET', '/api/v1/alarms?state=all&limit=1000')).json.items as any[]

    await waitFor('the load stored by the worker', () => acked.size > 300 && storedSeqs('lift-1').size > 300, 30_000).catch(explain)
    expect((await readyz(api)).status).toBe(200)

    await redis.kill()
    const killedAt = Date.now()
    const down = await waitFor('/readyz to name redis', async () => {
      const r = await readyz(api)
      return r.status === 503 && r.body.checks?.redis?.ok === false ? r : null
    }, 10_000).catch(explain)
    expect(down.body.down).toEqual(['redis'])
    expect(down.body.checks.database.ok).toBe(true)
    // A door forced open while Redis is down: the broker cannot route it yet.
    let doorAcked = false
    door.publish(`bldg/${SITE}/access-door/door-1/event`, JSON.stringify({ event: 'forced_open', doorState: 'open' }), { qos: 1 }, (err) => { if (!err) doorAcked = true })
    // The API keeps serving what is in PostgreSQL.
    expect((await harness.api(api, 'GET', '/api/v1/devices?limit=10')).status).toBe(200)
    const ackedInOutage = acked.size
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - killedAt))))
    expect((await allAlarms()).filter((a) => a.deviceId === 'door-1')).toEqual([])
    const ackedDuringOutage = acked.size - ackedInOutage

    const restartedAt = Date.now()
    await redis.start()
    await waitFor('/readyz 200 again', async () => (await readyz(api)).status === 200, 20_000).catch(explain)
    const readyAfterMs = Date.now() - restartedAt
    await waitFor('the load acknowledged again', () => acked.size > ackedInOutage + ackedDuringOutage + 300 && doorAcked, 30_000).catch(explain)
    await load.stop()
    const alarms = await waitFor('the forced-door alarm', async () => {
      const a = (await allAlarms()).filter((x) => x.deviceId === 'door-1')
      return a.length > 0 ? a : null
    }, 20_000).catch(explain)
    expect(alarms.map((a) => a.ruleId)).toEqual(['AC-01'])
    const stored = await waitFor('every acknowledged seq in the worker store', () => {
      const s = storedSeqs('lift-1')
      return [...acked].every((seq) => s.has(seq)) ? s : null
    }, 20_000).catch(() => storedSeqs('lift-1'))
    const lost = [...acked].filter((seq) => !stored.has(seq))
    console.info(`Redis outage: ${load.sent()} sent, ${acked.size} acknowledged (${ackedDuringOutage} while Redis was down), ${stored.size} stored, ${lost.length} lost; /readyz 200 ${readyAfterMs} ms after Redis restarted`)
    expect(lost, Object.entries(procs).map(([n, p]) => `--- ${n}:\n${p.output().slice(-3000)}`).join('\n')).toEqual([])
    // Still one alarm, and the worker kept its site throughout (the outage was shorter than the lease).
    await new Promise((r) => setTimeout(r, 1000))
    expect((await allAlarms()).filter((a) => a.deviceId === 'door-1')).toHaveLength(1)
    expect(await harness.leaseHolder(SITE)).toBe(worker.listening.id)
    for (const p of [api, broker, worker]) expect(p.child.exitCode, p.output().slice(-2000)).toBeNull()
  }, 90_000)
})
