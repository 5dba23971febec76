// Sites, devices, live state, telemetry history and the dead-letter list through real HTTP and
// real MQTT devices against a whole Vigil (CONTRACT.md §3). Vigil runs on a manual clock so the
// one-hour grace period of a rotated secret is driven, not waited for.
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import { connectDevice, ensureSite, registerDevice, waitFor, type TestDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

let v: TestVigil
let clock: ManualClock
let admin: string
const devices: TestDevice[] = []
const call = (method: string, url: string, body?: unknown) => v.api(method, url, { token: admin, ...(body !== undefined ? { body } : {}) })
const newDevice = (id: string, extra: Record<string, unknown> = {}) => ({ id, siteId: 'S1', type: 'fire-door', name: `Door ${id}`, location: { building: 'B1', floor: 2, zone: 'Z3' }, ...extra })

/** Resolves true when the broker accepts the credentials, false when it refuses them. */
async function canConnect(username: string, password: string): Promise<boolean> {
  try {
    const c = await mqtt.connectAsync(v.mqttUrl, { username, password, reconnectPeriod: 0, connectTimeout: 5000 })
    await c.endAsync()
    return true
  } catch {
    return false
  }
}

beforeAll(async () => {
  clock = createManualClock(Date.now())
  v = await startTestVigil({ clock })
  admin = await v.login()
  await ensureSite(v, admin, 'S1')
  await ensureSite(v, admin, 'S2')
})
afterAll(async () => {
  for (const d of devices) await d.client.endAsync().catch(() => undefined)
  await v?.stop()
})

describe('sites', () => {
  it('creates a site (201), lists it and reads it', async () => {
    const r = await call('POST', '/api/v1/sites', { id: 'S3', name: 'Tower 3', timezone: 'Asia/Shanghai' })
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({ id: 'S3', name: 'Tower 3', timezone: 'Asia/Shanghai' })
    expect((await call('GET', '/api/v1/sites/S3')).json.name).toBe('Tower 3')
    expect((await call('GET', '/api/v1/sites')).json.items.map((s: { id: string }) => s.id)).toContain('S3')
  })

  it('defaults the time zone to UTC', async () => {
    expect((await call('POST', '/api/v1/sites', { id: 'S4', name: 'Four' })).json.timezone).toBe('UTC')
  })

  it('changes name and time zone with PATCH', async () => {
    const r = await call('PATCH', '/api/v1/sites/S3', { name: 'Tower Three', timezone: 'Europe/Paris', sla: { p1ArriveMin: 10 } })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ id: 'S3', name: 'Tower Three', timezone: 'Europe/Paris' })
  })

  it.each([
    ['POST', '/api/v1/sites', { id: 'S1', name: 'again' }, 409, 'SITE_EXISTS'],
    ['POST', '/api/v1/sites', { id: 'bad id!', name: 'x' }, 400, 'BAD_REQUEST'],
    ['POST', '/api/v1/sites', { id: 'S9', name: 'x', timezone: 'Mars/Olympus' }, 400, 'VALIDATION_FAILED'],
    ['POST', '/api/v1/sites', { id: 'S9', name: 'x', colour: 'red' }, 400, 'BAD_REQUEST'],
    ['GET', '/api/v1/sites/NOPE', undefined, 404, 'SITE_NOT_FOUND'],
    ['PATCH', '/api/v1/sites/NOPE', { name: 'x' }, 404, 'SITE_NOT_FOUND'],
    ['PATCH', '/api/v1/sites/S1', { name: '' }, 400, 'BAD_REQUEST'],
  ] as const)('%s %s %j → %i %s', async (method, url, body, status, code) => {
    const r = await call(method, url, body)
    expect(r.status).toBe(status)
    expect(r.json.error.code).toBe(code)
  })
})

describe('devices', () => {
  it('registers a device (201) with a secret that logs it in over MQTT, once', async () => {
    const r = await call('POST', '/api/v1/devices', newDevice('FD-1', { attributes: { doorType: 'NC', evacuationRoute: true, vendorTag: 'x-17' } }))
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({ id: 'FD-1', siteId: 'S1', type: 'fire-door', location: { building: 'B1', floor: 2, zone: 'Z3' } })
    expect(r.json.attributes).toEqual({ doorType: 'NC', evacuationRoute: true, vendorTag: 'x-17' })
    expect(r.json.secret).toMatch(/^[A-Za-z0-9_-]{27,}$/)
    expect(await canConnect('FD-1', r.json.secret)).toBe(true)
    expect(await canConnect('FD-1', 'wrong-secret')).toBe(false)
    const one = await call('GET', '/api/v1/devices/FD-1')
    expect(one.status).toBe(200)
    expect(one.json).not.toHaveProperty('secret')
    expect(one.json).toMatchObject({ online: false, lastSeen: null, state: {} })
  })

  it.each([
    ['a duplicate id', newDevice('FD-1'), 409, 'DEVICE_EXISTS'],
    ['an unknown site', newDevice('FD-X', { siteId: 'NOPE' }), 404, 'SITE_NOT_FOUND'],
    ['a bad id', newDevice('FD 1'), 400, 'BAD_REQUEST'],
    ['an unknown type', newDevice('FD-X', { type: 'toaster' }), 400, 'BAD_REQUEST'],
    ['a fractional floor', newDevice('FD-X', { location: { building: 'B1', floor: 2.5 } }), 400, 'BAD_REQUEST'],
    ['a bad doorType', newDevice('FD-X', { attributes: { doorType: 'AJAR' } }), 400, 'BAD_REQUEST'],
    ['no location', { id: 'FD-X', siteId: 'S1', type: 'fire-door', name: 'x' }, 400, 'BAD_REQUEST'],
  ])('refuses %s with %i %s', async (_what, body, status, code) => {
    const r = await call('POST', '/api/v1/devices', body)
    expect(r.status).toBe(status)
    expect(r.json.error.code).toBe(code)
  })

  it('refuses a body over 256 KiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const r = await call('POST', '/api/v1/devices', newDevice('FD-BIG', { attributes: { blob: 'x'.repeat(300 * 1024) } }))
    expect(r.status).toBe(413)
    expect(r.json.error.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('merges attributes on PATCH and removes a key set to null', async () => {
    const r = await call('PATCH', '/api/v1/devices/FD-1', { name: 'Stair door', attributes: { vendorTag: null, heldOpenSec: 45 } })
    expect(r.status).toBe(200)
    expect(r.json.name).toBe('Stair door')
    expect(r.json.attributes).toEqual({ doorType: 'NC', evacuationRoute: true, heldOpenSec: 45 })
    expect((await call('GET', '/api/v1/devices/FD-1')).json.name).toBe('Stair door')
  })

  it('shows online, lastSeen and the merged state once the device speaks', async () => {
    const d = await connectDevice(v, admin, { id: 'FD-LIVE', siteId: 'S1', type: 'fire-door', attributes: { doorType: 'NC' } })
    devices.push(d)
    await d.send('status', { online: true })
    await d.send('telemetry', { position: 'open', closer: 'ok' })
    const view = await waitFor('live state', async () => {
      const r = await call('GET', '/api/v1/devices/FD-LIVE')
      return r.json.state?.position === 'open' ? r.json : null
    })
    expect(view).toMatchObject({ online: true, state: { position: 'open', closer: 'ok' } })
    expect(Date.parse(view.lastSeen)).toBeGreaterThan(0)
    const state = await call('GET', '/api/v1/state?siteId=S1')
    expect(state.json.items.find((i: { deviceId: string }) => i.deviceId === 'FD-LIVE')).toMatchObject({ online: true, state: { position: 'open' } })
  })

  it.each([
    ['?siteId=S1&type=fire-door&online=true', ['FD-LIVE']],
    ['?siteId=S1&online=false', ['FD-1']],
    ['?type=elevator', []],
    ['?siteId=S2', []],
  ])('filters the list by %s', async (query, ids) => {
    const r = await call('GET', `/api/v1/devices${query}`)
    expect(r.status).toBe(200)
    expect(r.json.items.map((d: { id: string }) => d.id).filter((id: string) => id.startsWith('FD-'))).toEqual(ids)
  })

  it('pages with limit and cursor, and clamps a huge limit instead of refusing it', async () => {
    const first = await call('GET', '/api/v1/devices?siteId=S1&limit=1')
    expect(first.json.items).toHaveLength(1)
    expect(first.json.next).toEqual(expect.any(String))
    const second = await call('GET', `/api/v1/devices?siteId=S1&limit=1&cursor=${first.json.next}`)
    expect(second.json.items[0].id).not.toBe(first.json.items[0].id)
    expect((await call('GET', '/api/v1/devices?limit=5000')).status).toBe(200)
    expect((await call('GET', '/api/v1/devices?limit=0')).status).toBe(400)
  })

  it('rotates a secret: the new one works at once, the old one for one more hour', async () => {
    const secret = await registerDevice(v, admin, { id: 'FD-ROT', siteId: 'S1', type: 'fire-door' })
    const r = await call('POST', '/api/v1/devices/FD-ROT/rotate-secret')
    expect(r.status).toBe(200)
    expect(r.json.secret).not.toBe(secret)
    expect(Date.parse(r.json.previousValidUntil) - clock.now()).toBe(3_600_000)
    expect(await canConnect('FD-ROT', r.json.secret)).toBe(true)
    expect(await canConnect('FD-ROT', secret)).toBe(true)
    await clock.advance(3_600_001)
    expect(await canConnect('FD-ROT', secret)).toBe(false)
    expect(await canConnect('FD-ROT', r.json.secret)).toBe(true)
  })

  it('deletes a device (204): it is gone from the API and cannot log in', async () => {
    const secret = await registerDevice(v, admin, { id: 'FD-DEL', siteId: 'S1', type: 'fire-door' })
    const r = await call('DELETE', '/api/v1/devices/FD-DEL')
    expect(r.status).toBe(204)
    expect(r.text).toBe('')
    expect((await call('GET', '/api/v1/devices/FD-DEL')).status).toBe(404)
    expect(await canConnect('FD-DEL', secret)).toBe(false)
    expect((await call('GET', '/api/v1/state')).json.items.map((i: { deviceId: string }) => i.deviceId)).not.toContain('FD-DEL')
  })

  it.each([
    ['GET', '/api/v1/devices/NOPE'],
    ['PATCH', '/api/v1/devices/NOPE'],
    ['DELETE', '/api/v1/devices/NOPE'],
    ['POST', '/api/v1/devices/NOPE/rotate-secret'],
    ['GET', '/api/v1/devices/NOPE/telemetry?field=speed'],
  ])('%s %s → 404 DEVICE_NOT_FOUND', async (method, url) => {
    const r = await call(method, url, method === 'PATCH' ? { name: 'x' } : undefined)
    expect(r.status).toBe(404)
    expect(r.json.error.code).toBe('DEVICE_NOT_FOUND')
  })
})

describe('telemetry history and rejections', () => {
  let lift: TestDevice
  const base = Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000
  beforeAll(async () => {
    lift = await connectDevice(v, admin, { id: 'EL-1', siteId: 'S1', type: 'elevator' })
    devices.push(lift)
    for (const [dt, speed] of [[0, 1], [20_000, 2], [70_000, 4]] as const) await lift.send('telemetry', { ts: base + dt, speed })
    await lift.send('telemetry', { speed: 'fast' })
  })

  it('returns raw points oldest first', async () => {
    const r = await call('GET', `/api/v1/devices/EL-1/telemetry?field=speed&from=${base}&to=${new Date(base + 120_000).toISOString()}`)
    expect(r.status).toBe(200)
    expect(r.json).toEqual({ field: 'speed', points: [{ t: base, v: 1 }, { t: base + 20_000, v: 2 }, { t: base + 70_000, v: 4 }] })
  })

  it('aggregates into buckets with every and agg', async () => {
    const r = await call('GET', `/api/v1/devices/EL-1/telemetry?field=speed&from=${base}&to=${base + 120_000}&every=1m&agg=max`)
    expect(r.status).toBe(200)
    expect(r.json.points.map((p: { v: number }) => p.v)).toEqual([2, 4])
  })

  it.each([
    ['field=speed&from=later', 'VALIDATION_FAILED'],
    ['field=speed&from=2000&to=1000', 'VALIDATION_FAILED'],
    ['field=speed&every=fortnightly', 'VALIDATION_FAILED'],
    ['field=speed&agg=median&every=1m', 'BAD_REQUEST'],
    ['field=no%20spaces', 'BAD_REQUEST'],
    ['field=position', 'VALIDATION_FAILED'],
    ['from=1000', 'BAD_REQUEST'],
  ])('refuses %s with 400 %s', async (query, code) => {
    const r = await call('GET', `/api/v1/devices/EL-1/telemetry?${query}`)
    expect(r.status).toBe(400)
    expect(r.json.error.code).toBe(code)
  })

  it('lists the rejected message in the dead-letter list, newest first', async () => {
    const r = await waitFor('rejection', async () => {
      const res = await call('GET', '/api/v1/ingest/rejections?deviceId=EL-1')
      return res.json.items.length > 0 ? res.json : null
    })
    expect(r.items[0]).toMatchObject({ deviceId: 'EL-1', reason: 'wrong-type', topic: 'bldg/S1/elevator/EL-1/telemetry' })
    expect(r.next).toBeNull()
  })
})
