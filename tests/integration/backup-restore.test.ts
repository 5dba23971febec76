// Issue #10 item 5: `vigil backup` snapshots the embedded database from a separate process while
// Vigil runs under load, and `vigil restore` brings back every alarm and work order committed
// before the snapshot, with the server key (the devices' secrets keep working). Restore refuses
// while Vigil runs on the data folder, and nothing is deleted by it.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import mqtt from 'mqtt'
import { afterAll, describe, expect, it } from 'vitest'
import { runVigilCommand, spawnVigil, type SpawnedVigil } from '../helpers/spawn-vigil.js'
import { call, listAll, login } from '../helpers/spawned-api.js'
import { startQosLoad } from '../helpers/qos-load.js'

const root = mkdtempSync(path.join(tmpdir(), 'vigil-backup-'))
const dataDir = path.join(root, 'data')
const restoredDir = path.join(root, 'restored')
const backupFile = path.join(root, 'vigil-backup.db')
const password = 'Backup-test-pass-1'
const env = { VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: password }
const running: SpawnedVigil[] = []

afterAll(async () => {
  for (const v of running) await v.kill('SIGKILL')
  rmSync(root, { recursive: true, force: true })
})

const DOORS = 12

describe('vigil backup and restore', () => {
  it('restores a snapshot taken under load with every alarm and work order committed before it', async () => {
    const vigil = await spawnVigil(env)
    running.push(vigil)
    const token = await login(vigil.http, password)
    await call(vigil.http, 'POST', '/api/v1/sites', token, { id: 'b1', name: 'Backup test' })
    const lift = await call(vigil.http, 'POST', '/api/v1/devices', token, { id: 'lift-1', siteId: 'b1', type: 'elevator', name: 'Lift 1', location: { building: 'B1', floor: 0 } })
    const doors: Array<{ id: string; secret: string }> = []
    for (let i = 0; i < DOORS; i++) {
      const id = `door-${i}`
      const r = await call(vigil.http, 'POST', '/api/v1/devices', token, { id, siteId: 'b1', type: 'access-door', name: id, location: { building: 'B1', floor: 1 } })
      doors.push({ id, secret: r.secret })
    }

    // Load while the snapshot is taken: telemetry at QoS 1, doors forced open (an alarm each),
    // and operators opening work orders.
    const load = await startQosLoad({ mqttUrl: vigil.mqttUrl, username: 'lift-1', password: lift.secret, topic: 'bldg/b1/elevator/lift-1/telemetry', body: (s) => ({ trips: s, floor: s % 20, carStatus: 1 }) })
    let creating = true
    const createdWorkOrders: string[] = []
    const workOrderLoop = (async () => {
      for (let n = 0; creating; n++) {
        const wo = await call(vigil.http, 'POST', '/api/v1/work-orders', token, { siteId: 'b1', title: `Complaint ${n}`, priority: 3, skill: 'PLUMBING', source: 'phone' })
        createdWorkOrders.push(wo.id)
      }
    })()
    const forceOpen = async (d: { id: string; secret: string }): Promise<void> => {
      const c = await mqtt.connectAsync(vigil.mqttUrl, { username: d.id, password: d.secret, reconnectPeriod: 0 })
      await c.publishAsync(`bldg/b1/access-door/${d.id}/event`, JSON.stringify({ event: 'forced_open', doorState: 'open' }), { qos: 1 })
      await c.endAsync()
    }
    await Promise.all(doors.slice(0, DOORS / 2).map(forceOpen))
    await waitUntil(async () => (await listAll(vigil.http, token, '/api/v1/alarms?state=all')).length >= DOORS / 2 && createdWorkOrders.length >= 20)

    // What is committed at this point must be in the snapshot.
    const alarmsBefore = await listAll(vigil.http, token, '/api/v1/alarms?state=all')
    const workOrdersBefore = await listAll(vigil.http, token, '/api/v1/work-orders')
    const backup = await runVigilCommand(['backup', backupFile], env)
    expect(backup.stderr).toBe('')
    expect(backup.code).toBe(0)
    expect(JSON.parse(backup.stdout)).toMatchObject({ event: 'backup', kind: 'operational', file: backupFile })

    // More happens after the snapshot; it is not expected in the restore.
    await Promise.all(doors.slice(DOORS / 2).map(forceOpen))
    creating = false
    await workOrderLoop
    await load.stop()
    expect(load.acked.size).toBeGreaterThan(0)

    // A second backup never overwrites the first, and a restore refuses while Vigil runs.
    expect((await runVigilCommand(['backup', backupFile], env)).stderr).toMatch(/already exists/)
    const refused = await runVigilCommand(['restore', backupFile], env)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(new RegExp(`Vigil is running on ${dataDir.replace(/[/\\]/g, '.')} \\(pid ${vigil.child.pid}\\)`))

    // Disaster recovery onto an empty data folder (another machine): everything comes back.
    const restore = await runVigilCommand(['restore', backupFile], { ...env, VIGIL_DATA_DIR: restoredDir })
    expect(restore.stderr).toBe('')
    expect(JSON.parse(restore.stdout)).toMatchObject({ event: 'restored', kind: 'operational', previous: null })
    const restored = await spawnVigil({ ...env, VIGIL_DATA_DIR: restoredDir })
    running.push(restored)
    const token2 = await login(restored.http, password)
    const restoredAlarms = await listAll(restored.http, token2, '/api/v1/alarms?state=all')
    const alarmsAfter = new Set(restoredAlarms.map((a) => a.id))
    const workOrdersAfter = new Set((await listAll(restored.http, token2, '/api/v1/work-orders')).map((w) => w.id))
    expect(alarmsBefore.length).toBeGreaterThanOrEqual(DOORS / 2)
    expect(alarmsBefore.filter((a) => !alarmsAfter.has(a.id))).toEqual([])
    expect(workOrdersBefore.filter((w) => !workOrdersAfter.has(w.id))).toEqual([])
    // Nothing committed after the snapshot leaks in: the snapshot is one consistent moment.
    const lateDoors = new Set(doors.slice(DOORS / 2).map((d) => d.id))
    expect(restoredAlarms.filter((a) => lateDoors.has(a.deviceId))).toEqual([])
    console.info(`Backup under load: ${alarmsBefore.length} alarms and ${workOrdersBefore.length} work orders committed before the snapshot, ${alarmsBefore.filter((a) => alarmsAfter.has(a.id)).length} and ${workOrdersBefore.filter((w) => workOrdersAfter.has(w.id)).length} restored; ${restoredAlarms.filter((a) => lateDoors.has(a.deviceId)).length} alarms from after the snapshot leaked in; ${load.acked.size} telemetry messages acknowledged meanwhile`)

    // The server key came with the backup: a door's secret issued before still connects.
    const door = await mqtt.connectAsync(restored.mqttUrl, { username: doors[0]!.id, password: doors[0]!.secret, reconnectPeriod: 0 })
    await door.endAsync()
  }, 120_000)

  it('keeps the database it replaces, and refuses files that are not Vigil backups', async () => {
    for (const v of running.splice(0)) await v.kill('SIGTERM')
    const again = await runVigilCommand(['restore', backupFile], env)
    expect(again.stderr).toBe('')
    const previous = JSON.parse(again.stdout).previous as string
    expect(previous).toMatch(/vigil\.db\.before-restore-/)
    expect(existsSync(previous)).toBe(true)
    expect(readdirSync(dataDir).filter((f) => f.includes('.before-restore-')).length).toBeGreaterThanOrEqual(1)

    const junk = path.join(root, 'junk.db')
    writeFileSync(junk, 'not a database at all')
    const bad = await runVigilCommand(['restore', junk], env)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/not a SQLite database|cannot open backup file/)
    const missing = await runVigilCommand(['restore', path.join(root, 'nope.db')], env)
    expect(missing.stderr).toMatch(/does not exist/)
    const usage = await runVigilCommand(['backup'], env)
    expect(usage.stderr).toMatch(/takes one file name/)
    const pg = await runVigilCommand(['backup', path.join(root, 'x.db')], { ...env, VIGIL_DATABASE_URL: 'postgres://localhost/vigil' })
    expect(pg.stderr).toMatch(/pg_dump/)
  }, 60_000)
})

async function waitUntil(fn: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
