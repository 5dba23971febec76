// Issue #7 audit trail and personal data (DOMAIN.md §7.3): changes by people are audited with
// actor, time, address and before/after; access events are stored masked-for-display, revealed
// only with `reveal-personal-data` and a reason (audited), announced on socket.io, and deleted
// after exactly 180 days by the retention job on Vigil's clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import { createManualClock } from '../../services/adapters/clock.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'
import { connectDevice, ensureSite, waitFor, type TestDevice } from '../helpers/devices.js'
import { userToken } from '../helpers/api-users.js'

const DAY = 86_400_000
const START = Date.parse('2026-03-01T08:00:00Z')
const TOKEN_HEX = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e9f3c'
const clock = createManualClock(START)
let v: TestVigil
let admin: string
let door: TestDevice

beforeAll(async () => {
  v = await startTestVigil({ clock })
  admin = await v.login()
  await ensureSite(v, admin, 'pd1')
  await ensureSite(v, admin, 'pd2')
  door = await connectDevice(v, admin, { id: 'pd-door-1', siteId: 'pd1', type: 'access-door', attributes: { requiredLevel: 2 } })
})
afterAll(async () => {
  door?.client.end(true)
  await v?.stop()
})

async function createUser(username: string, role: string, extra: Record<string, unknown> = {}): Promise<string> {
  const password = `${username}-password`
  const r = await v.api('POST', '/api/v1/users', { token: admin, body: { username, password, role, displayName: username, ...extra } })
  expect(r.status).toBe(201)
  return v.login(username, password)
}

describe('access events', () => {
  let eventId: number

  it('stores a door event and lists it with the token masked to 4 hex digits and no subjectRef', async () => {
    const viewer = await userToken(v, admin, 'pd-viewer', 'viewer')
    const socket = io(v.http, { auth: { token: viewer }, transports: ['websocket'], reconnection: false, forceNew: true })
    await new Promise<void>((resolve, reject) => { socket.on('connect', () => resolve()); socket.on('connect_error', reject) })
    await socket.emitWithAck('subscribe', { siteIds: ['pd1'] })
    const announced = new Promise<any>((resolve) => socket.on('access', resolve))
    await door.send('event', { event: 'denied', credential: { type: 'card', token: TOKEN_HEX }, subjectRef: 'resident-4711', reason: 'time_window' })
    const live = await announced
    socket.close()
    expect(live).toEqual({ deviceId: 'pd-door-1', siteId: 'pd1', event: 'denied', at: expect.any(String), credential: { type: 'card', tokenSuffix: '9f3c' }, reason: 'time_window' })
    expect(JSON.stringify(live)).not.toContain('resident-4711')

    const r = await waitFor('the stored access event', async () => {
      const res = await v.api('GET', '/api/v1/access-events?siteId=pd1', { token: viewer })
      return res.json?.items?.length === 1 ? res : null
    })
    const item = r.json.items[0]
    eventId = item.id
    expect(item).toMatchObject({ deviceId: 'pd-door-1', event: 'denied', credential: { type: 'card', tokenSuffix: '9f3c' }, reason: 'time_window' })
    expect(r.text).not.toContain('resident-4711')
    expect(r.text).not.toContain(TOKEN_HEX.slice(0, 20))
  })

  it('a user of another site sees none of them', async () => {
    const other = await createUser('pd-other', 'operator', { siteIds: ['pd2'] })
    expect((await v.api('GET', '/api/v1/access-events', { token: other })).json.items).toEqual([])
    expect((await v.api('GET', '/api/v1/access-events?siteId=pd1', { token: other })).json.items).toEqual([])
  })

  it.each(['admin', 'manager', 'operator', 'viewer'])('reveal is 403 for a %s without the permission', async (role) => {
    const token = role === 'admin' ? admin : await createUser(`pd-no-${role}`, role)
    const r = await v.api('POST', `/api/v1/access-events/${eventId}/reveal`, { token, body: { reason: 'checking a complaint' } })
    expect(r.status).toBe(403)
    expect(r.text).not.toContain('resident-4711')
  })

  it('reveal with the permission answers subjectRef and the full token and audits the reason', async () => {
    const token = await createUser('pd-access-admin', 'operator', { permissions: ['reveal-personal-data'] })
    expect((await v.api('POST', `/api/v1/access-events/${eventId}/reveal`, { token, body: {} })).status).toBe(400)
    const r = await v.api('POST', `/api/v1/access-events/${eventId}/reveal`, { token, body: { reason: 'police request 2026-114' } })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ subjectRef: 'resident-4711', credential: { type: 'card', token: TOKEN_HEX, tokenSuffix: '9f3c' } })
    const audit = await v.api('GET', '/api/v1/audit?actor=pd-access-admin', { token: admin })
    const entry = audit.json.items.find((e: any) => e.action === 'access-events.reveal')
    expect(entry).toMatchObject({ actor: 'pd-access-admin', target: `access-event:${eventId}`, address: '127.0.0.1', after: { reason: 'police request 2026-114' } })
    expect(JSON.stringify(audit.json)).not.toContain('resident-4711')
  })

  it('reveal of an event of a site the user cannot see is 404', async () => {
    const token = await createUser('pd-access-other', 'operator', { permissions: ['reveal-personal-data'], siteIds: ['pd2'] })
    expect((await v.api('POST', `/api/v1/access-events/${eventId}/reveal`, { token, body: { reason: 'curious' } })).status).toBe(404)
  })

  it('the retention job deletes events older than 180 days and keeps younger ones (daily, on the clock)', async () => {
    const nextRun = clock.now() + DAY
    await v.services.repos.accessEvents.addMany([181, 179, 180.0001].map((days) => ({
      siteId: 'pd1', deviceId: 'pd-door-1', at: new Date(nextRun - days * DAY).toISOString(), event: 'granted',
      credentialType: 'card', credentialToken: `old-${days}`, subjectRef: null, reason: null,
    })))
    const tokens = async () => (await v.services.repos.accessEvents.list({ deviceId: 'pd-door-1' }, { limit: 100 })).items.map((e) => e.credentialToken)
    expect(await tokens()).toEqual(expect.arrayContaining(['old-181', 'old-179', 'old-180.0001']))
    await clock.advance(DAY)
    await waitFor('retention to run', async () => !(await tokens()).includes('old-181'))
    const left = await tokens()
    expect(left).toContain('old-179')
    expect(left).not.toContain('old-180.0001')
    expect(left).toContain(TOKEN_HEX)
  })
})

describe('audit', () => {
  it('records an alarm action with actor, time, address, before and after', async () => {
    await door.send('event', { event: 'forced_open' })
    const alarm = await waitFor('AC-01 alarm', async () => (await v.api('GET', '/api/v1/alarms?siteId=pd1', { token: admin })).json.items.find((a: any) => a.ruleId === 'AC-01'))
    const op = await createUser('pd-operator', 'operator')
    expect((await v.api('POST', `/api/v1/alarms/${alarm.id}/ack`, { token: op, body: { note: 'on it' } })).status).toBe(200)
    const audit = await v.api('GET', '/api/v1/audit?actor=pd-operator', { token: admin })
    expect(audit.json.items[0]).toMatchObject({ actor: 'pd-operator', action: 'alarms.ack', target: `alarms:${alarm.id}`, address: '127.0.0.1', before: { acked: false }, after: { acked: true, ackedBy: 'pd-operator' } })
    expect(Date.parse(audit.json.items[0].at)).toBe(clock.now())
  })

  it('records work-order creation and transitions with before and after', async () => {
    const op = await createUser('pd-wo-operator', 'operator')
    const sup = await createUser('pd-wo-supervisor', 'supervisor')
    const created = await v.api('POST', '/api/v1/work-orders', { token: op, body: { siteId: 'pd1', title: 'Door closer loose', priority: 3, skill: 'SECURITY', source: 'phone' } })
    expect(created.status).toBe(201)
    const id = created.json.id
    expect((await v.api('POST', `/api/v1/work-orders/${id}/cancel`, { token: sup, body: { reason: 'duplicate call' } })).status).toBe(200)
    const ops = (await v.api('GET', '/api/v1/audit?actor=pd-wo-operator', { token: admin })).json.items
    expect(ops[0]).toMatchObject({ action: 'work-orders.create', target: 'work-orders', address: '127.0.0.1', before: null, after: { id, status: expect.any(String) } })
    const sups = (await v.api('GET', '/api/v1/audit?actor=pd-wo-supervisor', { token: admin })).json.items
    expect(sups[0]).toMatchObject({ action: 'work-orders.cancel', target: `work-orders:${id}`, before: { id, status: created.json.status }, after: { id, status: 'cancelled' } })
  })

  it('records nothing for a refused change', async () => {
    const viewer = await createUser('pd-refused-viewer', 'viewer')
    expect((await v.api('POST', '/api/v1/work-orders', { token: viewer, body: { siteId: 'pd1', title: 'x', priority: 3, skill: 'SECURITY', source: 'phone' } })).status).toBe(403)
    expect((await v.api('GET', '/api/v1/audit?actor=pd-refused-viewer', { token: admin })).json.items).toEqual([])
  })

  it('records device changes with the request address and never the device secret', async () => {
    const r = await v.api('POST', '/api/v1/devices/pd-door-1/rotate-secret', { token: admin })
    expect(r.status).toBe(200)
    const audit = await v.api('GET', '/api/v1/audit?actor=admin', { token: admin })
    const rows = audit.json.items.filter((e: any) => e.target === 'device:pd-door-1')
    expect(rows.map((e: any) => e.action)).toEqual(expect.arrayContaining(['device.rotate-secret', 'device.register']))
    expect(rows.every((e: any) => e.address === '127.0.0.1')).toBe(true)
    expect(audit.text).not.toContain(r.json.secret)
  })

  it('filters by time range and actor and pages with {items, next}', async () => {
    const all = await v.api('GET', '/api/v1/audit?limit=2', { token: admin })
    expect(all.json.items).toHaveLength(2)
    expect(typeof all.json.next).toBe('string')
    const future = await v.api('GET', `/api/v1/audit?from=${clock.now() + DAY}`, { token: admin })
    expect(future.json).toEqual({ items: [], next: null })
    expect((await v.api('GET', '/api/v1/audit?from=99999999999999999999', { token: admin })).status).toBe(400)
  })

  it.each(['manager', 'supervisor', 'operator', 'engineer', 'viewer'])('is 403 for a %s', async (role) => {
    const token = await createUser(`pd-audit-${role}`, role)
    expect((await v.api('GET', '/api/v1/audit', { token })).status).toBe(403)
  })

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('has no %s: nothing can write or delete audit rows through the API', async (method) => {
    const before = (await v.api('GET', '/api/v1/audit?limit=1000', { token: admin })).json.items.length
    const r = await v.api(method, '/api/v1/audit', { token: admin, body: { actor: 'x', action: 'forged' } })
    expect(r.status).toBe(404)
    expect((await v.api(method, '/api/v1/audit/1', { token: admin, body: {} })).status).toBe(404)
    expect((await v.api('GET', '/api/v1/audit?limit=1000', { token: admin })).json.items.length).toBe(before)
  })
})
