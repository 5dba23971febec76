// DOMAIN.md §7.2: alarm history, work orders and fire-door / elevator fault records are kept at
// least 3 (4) years, access-control events exactly 180 days. Records written four years ago on
// Vigil's clock survive a restart four years later, when every retention job runs (the access-event
// job runs at start and deletes the old access event, which shows it did run), and the telemetry
// retention, also run at start, deletes the old readings but never the event records.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { createManualClock } from '../../services/adapters/clock.js'
import { connectDevice, ensureSite, waitFor } from '../helpers/devices.js'
import { startTestVigil } from '../helpers/start-test-vigil.js'

const YEAR = 365 * 86_400_000
const dataDir = mkdtempSync(path.join(tmpdir(), 'vigil-retention-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('retention never prunes the records kept for years', () => {
  it('keeps 4-year-old alarms, work orders, audit and fault records; deletes the 4-year-old access event', async () => {
    const now = Date.now()
    const past = await startTestVigil({ clock: createManualClock(now - 4 * YEAR), dataDir })
    const token = await past.login()
    await ensureSite(past, token, 'r1')
    const door = await connectDevice(past, token, { id: 'acc-1', siteId: 'r1', type: 'access-door' })
    const fireDoor = await connectDevice(past, token, { id: 'fd-1', siteId: 'r1', type: 'fire-door' })
    const lift = await connectDevice(past, token, { id: 'lift-1', siteId: 'r1', type: 'elevator' })
    await door.send('event', { event: 'granted', doorState: 'open', credential: { type: 'card', token: 'A1B2C3D4' } })
    await door.send('event', { event: 'forced_open', doorState: 'open' })
    await fireDoor.send('event', { event: 'fault', fault: 'wiring_open' })
    await fireDoor.send('event', { event: 'release', cause: 'manual_button' })
    await lift.send('telemetry', { floor: 3, carStatus: 1 })
    const wo = await past.api('POST', '/api/v1/work-orders', { token, body: { siteId: 'r1', title: 'Leak in B1', priority: 3, skill: 'PLUMBING', source: 'phone' } })
    expect(wo.status).toBe(201)
    const alarms = await waitFor('the forced-door alarm', async () => {
      const r = await past.api('GET', '/api/v1/alarms?state=all', { token })
      return r.json.items.length > 0 ? r.json.items as Array<{ id: string }> : null
    })
    await waitFor('the two access events', async () => (await past.services.repos.accessEvents.list({}, { limit: 10 })).items.length === 2)
    const auditBefore = (await past.api('GET', `/api/v1/audit?from=0&to=${now}`, { token })).json.items.length
    expect(auditBefore).toBeGreaterThan(0)
    for (const c of [door, fireDoor, lift]) await c.client.endAsync()
    await past.stop({ keepData: true })

    // Four years later: the start runs the access-event retention on the new clock.
    const later = await startTestVigil({ clock: createManualClock(now), dataDir })
    try {
      const token2 = await later.login()
      await waitFor('the 180-day access-event retention', async () => (await later.services.repos.accessEvents.list({}, { limit: 10 })).items.length === 0)
      const alarmsLater = (await later.api('GET', '/api/v1/alarms?state=all', { token: token2 })).json.items as Array<{ id: string }>
      expect(alarmsLater.map((a) => a.id)).toEqual(expect.arrayContaining(alarms.map((a) => a.id)))
      const woLater = await later.api('GET', `/api/v1/work-orders/${wo.json.id}`, { token: token2 })
      expect(woLater.status).toBe(200)
      expect(woLater.json.history.length).toBeGreaterThan(0)
      expect((await later.api('GET', `/api/v1/audit?from=0&to=${now}`, { token: token2 })).json.items.length).toBeGreaterThanOrEqual(auditBefore)
    } finally {
      await later.stop({ keepData: true })
    }

    // The telemetry retention (90 days raw, 3 years of 1-minute rollups), run at that start, took
    // the old readings and left every event record.
    const telemetry = new SqliteDatabase(path.join(dataDir, 'telemetry.db'), { readonly: true })
    try {
      const kindsNow = () => telemetry.prepare(`SELECT device_id AS deviceId, kind, json_extract(fields, '$.event') AS event FROM messages ORDER BY rowid`).all() as Array<{ kind: string }>
      await waitFor('the telemetry retention', async () => kindsNow().every((k) => k.kind === 'event'))
      expect(kindsNow()).toEqual(expect.arrayContaining([
        { deviceId: 'fd-1', kind: 'event', event: 'fault' },
        { deviceId: 'fd-1', kind: 'event', event: 'release' },
        { deviceId: 'acc-1', kind: 'event', event: 'forced_open' },
      ]))
      expect(telemetry.prepare('SELECT COUNT(*) AS n FROM minute_rollups').get()).toEqual({ n: 0 })
    } finally {
      telemetry.close()
    }
  }, 60_000)
})
