// CONTRACT.md §2: a QoS 1 publish the embedded broker acknowledged is never lost, even when the
// process is killed right after the acknowledgement. And a restart shows the last known state,
// marked stale until the device speaks.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import mqtt from 'mqtt'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnVigil, type SpawnedVigil } from '../helpers/spawn-vigil.js'
import { dropTestDatabase } from '../helpers/test-database.js'
import { call } from '../helpers/spawned-api.js'

const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-kill-'))
const env = { VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: 'Kill-test-pass-1' }
let running: SpawnedVigil | null = null

afterAll(async () => {
  await running?.kill('SIGKILL')
  await dropTestDatabase(dataDir)
  rmSync(dataDir, { recursive: true, force: true })
})

describe('killed with SIGKILL right after acknowledgements', () => {
  it('finds every acknowledged QoS 1 message after the restart, and the last state marked stale', async () => {
    running = await spawnVigil(env)
    let token = (await call(running.http, 'POST', '/api/v1/auth/login', undefined, { username: 'admin', password: env.VIGIL_ADMIN_PASSWORD })).token
    await call(running.http, 'POST', '/api/v1/sites', token, { id: 'k1', name: 'Kill test' })
    const { secret } = await call(running.http, 'POST', '/api/v1/devices', token, { id: 'lift-1', siteId: 'k1', type: 'elevator', name: 'Lift 1', location: { building: 'B1', floor: 0 } })

    const device = await mqtt.connectAsync(running.mqttUrl, { username: 'lift-1', password: secret, reconnectPeriod: 0 })
    device.on('error', () => undefined)
    const acked = new Set<number>()
    const target = 400
    let seq = 0
    // Keep many publishes in flight, and kill the process the moment `target` of them are acknowledged.
    const killed = new Promise<void>((resolve) => {
      const publishOne = (): void => {
        const s = ++seq
        device.publish('bldg/k1/elevator/lift-1/telemetry', JSON.stringify({ seq: s, trips: s, floor: s % 20, carStatus: 1 }), { qos: 1 }, (err) => {
          if (err) return
          acked.add(s)
          if (acked.size === target) void running!.kill('SIGKILL').then(() => resolve())
          else if (acked.size < target) publishOne()
        })
      }
      for (let i = 0; i < 50; i++) publishOne()
    })
    await killed
    device.end(true)
    expect(acked.size).toBeGreaterThanOrEqual(target)

    const restartedAt = Date.now()
    running = await spawnVigil(env)
    const readyMs = Date.now() - restartedAt
    token = (await call(running.http, 'POST', '/api/v1/auth/login', undefined, { username: 'admin', password: env.VIGIL_ADMIN_PASSWORD })).token
    const history = await call(running.http, 'GET', `/api/v1/devices/lift-1/telemetry?field=trips&from=0&to=${Date.now() + 60_000}`, token)
    const stored = new Set<number>(history.points.map((p: { v: number }) => p.v))
    const lost = [...acked].filter((s) => !stored.has(s))
    expect(lost).toEqual([])
    // The figures issue #10 asks the note for; the assertions above are what the test checks.
    console.info(`SIGKILL: ${seq} sent, ${acked.size} acknowledged before the kill, ${acked.size - lost.length} of them stored after the restart, ${lost.length} lost; listening again ${readyMs} ms after the restart began`)

    const live = await call(running.http, 'GET', '/api/v1/devices/lift-1', token)
    expect(live.online).toBe(false)
    expect(live.state.trips).toBeGreaterThanOrEqual(Math.max(...acked))
    const state = await call(running.http, 'GET', '/api/v1/state?siteId=k1', token)
    expect(state.items[0]).toMatchObject({ deviceId: 'lift-1', stale: true, online: false })
  }, 90_000)
})
