// Login, tokens, roles and site scoping through real HTTP against a whole Vigil (CONTRACT.md §3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import type { AlarmEngine } from '../../services/alarms/alarm.service.js'
import { ensureSite, registerDevice } from '../helpers/devices.js'
import { userToken } from '../helpers/api-users.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

const login = (v: TestVigil, username: string, password: string) => v.api('POST', '/api/v1/auth/login', { body: { username, password } })

describe('login', () => {
  let v: TestVigil
  let clock: ManualClock
  beforeAll(async () => {
    clock = createManualClock(Date.now())
    v = await startTestVigil({ clock })
  })
  afterAll(() => v?.stop())

  it('returns a token and the user for the right password', async () => {
    const r = await login(v, 'admin', v.adminPassword)
    expect(r.status).toBe(200)
    expect(r.json.user).toEqual({ username: 'admin', role: 'admin' })
    const me = await v.api('GET', '/api/v1/auth/me', { token: r.json.token })
    expect(me.json).toMatchObject({ username: 'admin', role: 'admin', displayName: 'Administrator' })
  })

  it.each([
    ['a wrong password', 'admin', 'not-the-password'],
    ['an unknown user', 'nobody', 'whatever-password'],
    ['a malformed username', 'NO SUCH USER', 'whatever-password'],
  ])('answers 401 INVALID_CREDENTIALS for %s', async (_what, username, password) => {
    const r = await login(v, username, password)
    expect(r.status).toBe(401)
    expect(r.json).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: expect.any(String) } })
  })

  it('locks a username with 429 after 5 failures, even for the right password, until 15 minutes pass', async () => {
    const admin = await v.login()
    await userToken(v, admin, 'locky', 'viewer')
    for (let i = 0; i < 5; i++) expect((await login(v, 'locky', 'wrong-password')).status).toBe(401)
    const locked = await login(v, 'locky', 'locky-password')
    expect(locked.status).toBe(429)
    expect(locked.json.error.code).toBe('RATE_LIMITED')
    expect((await login(v, 'admin', v.adminPassword)).status).toBe(200)
    await clock.advance(15 * 60_000 + 1)
    expect((await login(v, 'locky', 'locky-password')).status).toBe(200)
  })

  it('answers 400 BAD_REQUEST for a login without a password', async () => {
    const r = await v.api('POST', '/api/v1/auth/login', { body: { username: 'admin' } })
    expect(r.status).toBe(400)
    expect(r.json.error.code).toBe('BAD_REQUEST')
  })
})

describe('login rate per address', () => {
  let v: TestVigil
  beforeAll(async () => {
    v = await startTestVigil()
  })
  afterAll(() => v?.stop())

  it('answers 429 once one address has tried 30 logins in a minute', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 31; i++) statuses.push((await login(v, `user${i}`, 'some-password')).status)
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true)
    expect(statuses[30]).toBe(429)
  })
})

describe('tokens, roles and sites', () => {
  let v: TestVigil
  let admin: string
  let alarmA: string
  let alarmB: string
  const tokens: Record<string, string> = {}
  beforeAll(async () => {
    v = await startTestVigil()
    admin = await v.login()
    await ensureSite(v, admin, 'A')
    await ensureSite(v, admin, 'B')
    await registerDevice(v, admin, { id: 'door-a', siteId: 'A', type: 'fire-door', attributes: { doorType: 'NC' } })
    await registerDevice(v, admin, { id: 'door-b', siteId: 'B', type: 'fire-door', attributes: { doorType: 'NC' } })
    const engine = v.services.alarms as AlarmEngine
    const raise = (deviceId: string) =>
      engine.raise({ device: v.services.directory.device(deviceId)!, ruleId: 'FD-02', title: 'Fire door propped open', priority: 3, latched: false, drill: false })
    alarmA = (await raise('door-a')).id
    alarmB = (await raise('door-b')).id
    for (const role of ['viewer', 'operator', 'engineer', 'supervisor'] as const) tokens[role] = await userToken(v, admin, `${role}1`, role)
    tokens.siteA = await userToken(v, admin, 'site-a-operator', 'operator', ['A'])
  })
  afterAll(() => v?.stop())

  it.each([
    ['no Authorization header', undefined],
    ['a garbage token', 'Bearer not.a.token'],
    ['a token signed with another key', 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9.c2lnbmF0dXJl'],
    ['another scheme', 'Basic YWRtaW46eA=='],
  ])('answers 401 UNAUTHORIZED in the error shape with %s', async (_what, authorization) => {
    const res = await fetch(`${v.http}/api/v1/devices`, { headers: authorization ? { authorization } : {} })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } })
  })

  const body = { id: 'new-door', siteId: 'A', type: 'fire-door', name: 'x', location: { building: 'B1', floor: 1 } }
  it.each([
    ['viewer', 'POST', '/api/v1/devices', body, 403],
    ['viewer', 'GET', '/api/v1/devices', undefined, 200],
    ['viewer', 'POST', '/api/v1/alarms/{A}/ack', {}, 403],
    ['viewer', 'GET', '/api/v1/users', undefined, 403],
    ['engineer', 'POST', '/api/v1/alarms/{A}/ack', {}, 403],
    ['operator', 'PATCH', '/api/v1/sites/A/rules/FD-02', { enabled: false }, 403],
    ['operator', 'PATCH', '/api/v1/devices/door-a/rules/FD-02', { enabled: false }, 403],
    ['operator', 'POST', '/api/v1/users', { username: 'x1', password: 'xxxxxxxx', role: 'viewer', displayName: 'x' }, 403],
    ['operator', 'POST', '/api/v1/sites', { id: 'C', name: 'C' }, 403],
    ['operator', 'DELETE', '/api/v1/devices/door-a', undefined, 403],
    ['supervisor', 'POST', '/api/v1/devices/door-a/rotate-secret', undefined, 403],
    ['operator', 'GET', '/api/v1/users', undefined, 200],
    ['operator', 'POST', '/api/v1/alarms/{A}/ack', { note: 'seen on camera' }, 200],
  ] as const)('%s: %s %s → %i', async (role, method, url, reqBody, status) => {
    const r = await v.api(method, url.replace('{A}', alarmA), { token: tokens[role]!, ...(reqBody !== undefined ? { body: reqBody } : {}) })
    expect(r.status).toBe(status)
    if (status === 403) expect(r.json.error.code).toBe('FORBIDDEN')
  })

  it('refuses a forbidden role before looking at the body', async () => {
    const r = await v.api('POST', '/api/v1/devices', { token: tokens.viewer!, body: { nonsense: true } })
    expect(r.status).toBe(403)
  })

  it.each([
    ['GET', '/api/v1/devices/door-b', 'DEVICE_NOT_FOUND'],
    ['GET', '/api/v1/devices/door-b/telemetry?field=position', 'DEVICE_NOT_FOUND'],
    ['GET', '/api/v1/sites/B', 'SITE_NOT_FOUND'],
    ['GET', '/api/v1/sites/B/rules', 'SITE_NOT_FOUND'],
    ['GET', '/api/v1/alarms/{B}', 'ALARM_NOT_FOUND'],
    ['POST', '/api/v1/alarms/{B}/ack', 'ALARM_NOT_FOUND'],
  ] as const)('a user of site A gets 404 for site B: %s %s', async (method, url, code) => {
    const r = await v.api(method, url.replace('{B}', alarmB), { token: tokens.siteA!, ...(method === 'POST' ? { body: {} } : {}) })
    expect(r.status).toBe(404)
    expect(r.json.error.code).toBe(code)
  })

  it.each([
    ['/api/v1/sites', (i: { id: string }) => i.id, ['A']],
    ['/api/v1/devices', (i: { id: string }) => i.id, ['door-a']],
    ['/api/v1/devices?siteId=B', (i: { id: string }) => i.id, []],
    ['/api/v1/state', (i: { deviceId: string }) => i.deviceId, ['door-a']],
    ['/api/v1/alarms', (i: { deviceId: string }) => i.deviceId, ['door-a']],
  ] as const)('a user of site A lists only site A in %s', async (url, key, expected) => {
    const r = await v.api('GET', url, { token: tokens.siteA! })
    expect(r.status).toBe(200)
    expect(r.json.items.map(key as (i: unknown) => string).sort()).toEqual(expected)
  })

  it('a user with no sites sees every site', async () => {
    const r = await v.api('GET', '/api/v1/devices', { token: tokens.viewer! })
    expect(r.json.items.map((d: { id: string }) => d.id).sort()).toEqual(['door-a', 'door-b'])
  })
})
