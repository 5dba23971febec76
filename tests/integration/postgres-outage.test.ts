// Issue #10 item 2: Vigil on PostgreSQL (VIGIL_DATABASE_URL), PostgreSQL stopped and started again
// under load. A private cluster (tests/helpers/pg-server.ts), never the machine's shared one.
// While it is down Vigil keeps running: /readyz answers 503 naming the database, device messages
// are still stored (in the telemetry store) and acknowledged, the live state moves on and the
// rules still run. An alarm the live data raises meanwhile waits for the database and is recorded
// once it is back; the devices' last states are saved then too. Nothing acknowledged is lost.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, describe, expect, it } from 'vitest'
import { waitFor } from '../helpers/devices.js'
import { startPgServer, type PgServer } from '../helpers/pg-server.js'
import { spawnVigil, type SpawnedVigil } from '../helpers/spawn-vigil.js'
import { allValues, call, listAll, login } from '../helpers/spawned-api.js'

const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-pg-outage-'))
const password = 'Pg-outage-pass-1'
let pg: PgServer | null = null
let running: SpawnedVigil | null = null
const clients: MqttClient[] = []

afterAll(async () => {
  for (const c of clients) c.end(true)
  await running?.kill('SIGKILL')
  pg?.destroy()
  rmSync(dataDir, { recursive: true, force: true })
})

const readyz = async (base: string): Promise<{ status: number; body: any }> => {
  let res: Response
  try {
    res = await fetch(`${base}/readyz`)
  } catch (err) {
    throw new Error(`Vigil does not answer (${(err as Error).message}); its output:\n${running?.output().slice(-3000)}`, { cause: err })
  }
  return { status: res.status, body: await res.json() }
}

/** A device that keeps `window` QoS 1 publishes in flight and, like a real one, reconnects and resends. */
function publishForever(client: MqttClient, topic: string, acked: Set<number>, window = 20): () => void {
  let seq = 0
  let running = true
  const one = (): void => {
    if (!running) return
    const s = ++seq
    client.publish(topic, JSON.stringify({ seq: s, trips: s, floor: s % 20, carStatus: 1 }), { qos: 1 }, (err) => {
      if (!err) acked.add(s)
      setTimeout(one, err ? 200 : 0)
    })
  }
  for (let i = 0; i < window; i++) one()
  return () => { running = false }
}

describe('PostgreSQL stopped and started under load', () => {
  it('says so on /readyz, keeps taking live data, and records the alarm raised meanwhile when it is back', async () => {
    pg = await startPgServer()
    const env = { VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: password, VIGIL_DATABASE_URL: pg.url, VIGIL_DEVICE_RATE: '0' }
    running = await spawnVigil(env)
    const token = await login(running.http, password)
    await call(running.http, 'POST', '/api/v1/sites', token, { id: 'p1', name: 'PG outage' })
    const lift = await call(running.http, 'POST', '/api/v1/devices', token, { id: 'lift-1', siteId: 'p1', type: 'elevator', name: 'Lift', location: { building: 'B1', floor: 0 } })
    const door = await call(running.http, 'POST', '/api/v1/devices', token, { id: 'door-1', siteId: 'p1', type: 'access-door', name: 'Door', location: { building: 'B1', floor: 1 } })
    const connect = async (id: string, secret: string): Promise<MqttClient> => {
      const c = await mqtt.connectAsync(running!.mqttUrl, { username: id, password: secret, clientId: `pg-${id}`, reconnectPeriod: 300, connectTimeout: 5000 })
      c.on('error', () => undefined)
      clients.push(c)
      return c
    }
    const liftClient = await connect('lift-1', lift.secret)
    const doorClient = await connect('door-1', door.secret)
    const acked = new Set<number>()
    const stopLoad = publishForever(liftClient, 'bldg/p1/elevator/lift-1/telemetry', acked)
    await waitFor('load flowing', () => acked.size > 200, 20_000)
    expect((await readyz(running.http)).status).toBe(200)

    pg.stop()
    const down = await waitFor('/readyz to name the database', async () => {
      const r = await readyz(running!.http)
      return r.status === 503 && r.body.checks?.database?.ok === false ? r : null
    }, 20_000)
    expect(down.body.checks.broker.ok).toBe(true)
    // A door is forced open while the database is down.
    let doorAcked = false
    doorClient.publish('bldg/p1/access-door/door-1/event', JSON.stringify({ event: 'forced_open', doorState: 'open' }), { qos: 1 }, (err) => { if (!err) doorAcked = true })
    const ackedAtStop = acked.size
    await waitFor('live data acknowledged while the database is down', () => acked.size > ackedAtStop + 200 && doorAcked, 20_000)
    expect((await readyz(running.http)).body.checks.database.ok).toBe(false)
    const ackedWhileDown = acked.size

    const restartedAt = Date.now()
    pg.start()
    await waitFor('/readyz 200 again', async () => (await readyz(running!.http)).status === 200, 30_000)
    const recoveryMs = Date.now() - restartedAt
    await waitFor('the load acknowledged again', () => acked.size > ackedWhileDown + 200, 30_000)
    stopLoad()

    const alarms = await waitFor('the forced-door alarm', async () => {
      const items = await listAll(running!.http, token, '/api/v1/alarms?state=all&deviceId=door-1')
      return items.some((a) => a.ruleId === 'AC-01') ? items : null
    }, 20_000)
    expect(alarms.filter((a) => a.ruleId === 'AC-01')).toHaveLength(1)
    const stored = await allValues(running.http, token, 'lift-1', 'trips')
    expect([...acked].filter((s) => !stored.has(s))).toEqual([])
    expect(recoveryMs).toBeGreaterThan(0)
    const lost = [...acked].filter((s) => !stored.has(s)).length
    console.info(`PostgreSQL outage: ${acked.size} acknowledged (${ackedWhileDown - ackedAtStop} while PostgreSQL was down), ${acked.size - lost} stored, ${lost} lost; AC-01 expected 1, raised ${alarms.filter((a) => a.ruleId === 'AC-01').length}; /readyz 200 ${recoveryMs} ms after PostgreSQL restarted`)

    // The door spoke only during the outage: its last state was saved once the database was back,
    // so a restarted Vigil shows it.
    expect(await running.kill('SIGTERM')).toBe(0)
    running = await spawnVigil(env)
    const token2 = await login(running.http, password)
    const doorAfter = await call(running.http, 'GET', '/api/v1/devices/door-1', token2)
    expect(doorAfter.state).toMatchObject({ doorState: 'open' })
  }, 120_000)
})
