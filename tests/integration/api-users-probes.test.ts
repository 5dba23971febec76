// Users (CONTRACT.md §3 users, §1 first-start admin), the OpenAPI document and the service probes
// (/healthz, /readyz, /metrics) against a whole Vigil.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { getHeapStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import path from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock } from '../../services/adapters/clock.js'
import { openSqlRepos } from '../../services/adapters/sql/sql-repos.js'
import { buildApp } from '../../services/api/build-app.js'
import type { Repos } from '../../services/core/ports.js'
import { createPasswordHasher } from '../../services/users/password-hash.js'
import { createUserService } from '../../services/users/user.service.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'
import { dropTestDatabase, testDatabaseFor } from '../helpers/test-database.js'

let v: TestVigil
let admin: string
const call = (method: string, url: string, body?: unknown) => v.api(method, url, { token: admin, ...(body !== undefined ? { body } : {}) })
const person = (username: string, extra: Record<string, unknown> = {}) => ({ username, password: 'long-enough-1', role: 'operator', displayName: 'Li Wei', ...extra })

beforeAll(async () => {
  v = await startTestVigil()
  admin = await v.login()
  await call('POST', '/api/v1/sites', { id: 'S1', name: 'One' })
})
afterAll(() => v?.stop())

describe('users', () => {
  it('creates a user (201) who can then log in, and never shows a password or its hash', async () => {
    const r = await call('POST', '/api/v1/users', person('li.wei', { role: 'engineer', skills: ['ELEVATOR'], siteIds: ['S1'] }))
    expect(r.status).toBe(201)
    expect(r.json).toMatchObject({ username: 'li.wei', role: 'engineer', displayName: 'Li Wei', skills: ['ELEVATOR'], siteIds: ['S1'], permissions: [] })
    expect(r.text).not.toMatch(/password|scrypt/i)
    const login = await v.api('POST', '/api/v1/auth/login', { body: { username: 'li.wei', password: 'long-enough-1' } })
    expect(login.json.user).toEqual({ username: 'li.wei', role: 'engineer' })
    const list = await call('GET', '/api/v1/users')
    expect(list.json.items.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['admin', 'li.wei']))
    expect(list.text).not.toMatch(/scrypt/)
  })

  it.each([
    ['a taken username', person('admin'), 409, 'USER_EXISTS'],
    ['an upper-case username', person('LiWei'), 400, 'VALIDATION_FAILED'],
    ['a one-letter username', person('l'), 400, 'VALIDATION_FAILED'],
    ['a 7-character password', person('zhao', { password: 'short12' }), 400, 'VALIDATION_FAILED'],
    ['an unknown role', person('zhao', { role: 'janitor' }), 400, 'BAD_REQUEST'],
    ['an unknown skill', person('zhao', { skills: ['WELDING'] }), 400, 'BAD_REQUEST'],
    ['an unknown site', person('zhao', { siteIds: ['NOPE'] }), 400, 'VALIDATION_FAILED'],
    ['no displayName', { username: 'zhao', password: 'long-enough-1', role: 'viewer' }, 400, 'BAD_REQUEST'],
  ])('refuses %s with %i %s', async (_what, body, status, code) => {
    const r = await call('POST', '/api/v1/users', body)
    expect(r.status).toBe(status)
    expect(r.json.error.code).toBe(code)
  })
})

describe('first start', () => {
  let dir: string
  let repos: Repos
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-users-'))
    repos = await openSqlRepos((await testDatabaseFor(dir)).target)
  })
  afterAll(async () => {
    await repos?.close()
    await dropTestDatabase(dir)
    rmSync(dir, { recursive: true, force: true })
  })

  it('creates admin once with a generated password that logs in, and stores only its scrypt hash', async () => {
    const users = createUserService({ repos, clock: createManualClock(), logger: pino({ level: 'silent' }) })
    const first = await users.ensureAdmin(null)
    expect(first.created).toBe(true)
    expect(first.generatedPassword).toMatch(/^.{16,}$/)
    expect(await users.verifyLogin('admin', first.generatedPassword!)).toMatchObject({ username: 'admin', role: 'admin', displayName: 'Administrator' })
    expect(await users.verifyLogin('admin', 'not-it-at-all')).toBeUndefined()
    expect(await repos.users.getPasswordHash('admin')).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
    expect(await users.ensureAdmin('another-password')).toEqual({ created: false, generatedPassword: null })
  })

  it('replaces a hash made with older scrypt parameters at the next good login, not at a wrong one', async () => {
    const older = await createPasswordHasher({ N: 16384 }).hash('older-password-1')
    await repos.users.create({ username: 'old.hand', passwordHash: older, role: 'operator', displayName: 'Old Hand', skills: [], siteIds: [], permissions: [] })
    const users = createUserService({ repos, clock: createManualClock(), logger: pino({ level: 'silent' }) })
    expect(await users.verifyLogin('old.hand', 'wrong-password-1')).toBeUndefined()
    expect(await repos.users.getPasswordHash('old.hand')).toBe(older)
    expect(await users.verifyLogin('old.hand', 'older-password-1')).toMatchObject({ username: 'old.hand' })
    const renewed = await repos.users.getPasswordHash('old.hand')
    expect(renewed).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(await users.verifyLogin('old.hand', 'older-password-1')).toMatchObject({ username: 'old.hand' })
    expect(await repos.users.getPasswordHash('old.hand')).toBe(renewed)
  })
})

describe('OpenAPI document and docs', () => {
  it('lists every route of the API with its methods', async () => {
    const r = await v.api('GET', '/api/v1/openapi.json')
    expect(r.status).toBe(200)
    const ops = Object.entries(r.json.paths as Record<string, Record<string, unknown>>).flatMap(([p, m]) => Object.keys(m).map((k) => `${k.toUpperCase()} ${p}`))
    expect(ops).toEqual(expect.arrayContaining([
      'POST /api/v1/auth/login', 'POST /api/v1/users', 'GET /api/v1/users', 'POST /api/v1/sites', 'GET /api/v1/sites', 'GET /api/v1/sites/{id}',
      'PATCH /api/v1/sites/{id}', 'POST /api/v1/devices', 'GET /api/v1/devices', 'GET /api/v1/devices/{id}', 'PATCH /api/v1/devices/{id}',
      'DELETE /api/v1/devices/{id}', 'POST /api/v1/devices/{id}/rotate-secret', 'GET /api/v1/state', 'GET /api/v1/devices/{id}/telemetry',
      'GET /api/v1/rules', 'GET /api/v1/sites/{id}/rules', 'PATCH /api/v1/sites/{id}/rules/{ruleId}', 'PATCH /api/v1/devices/{id}/rules/{ruleId}',
      'GET /api/v1/alarms', 'GET /api/v1/alarms/{id}', 'POST /api/v1/alarms/{id}/ack', 'POST /api/v1/alarms/{id}/reset',
      'GET /api/v1/ingest/rejections', 'GET /healthz', 'GET /readyz', 'GET /metrics',
    ]))
    expect(r.json.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' })
  })

  it('serves the docs UI at /docs', async () => {
    const res = await fetch(`${v.http}/docs/`)
    expect(res.status).toBe(200)
    expect(await res.text()).toMatch(/swagger/i)
  })

  it('answers an unknown API route with 404 NOT_FOUND in the error shape', async () => {
    const r = await call('GET', '/api/v1/no-such-thing')
    expect(r.status).toBe(404)
    expect(r.json).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } })
  })
})

describe('probes', () => {
  it('/healthz answers 200 ok without a token', async () => {
    const r = await v.api('GET', '/healthz')
    expect(r).toMatchObject({ status: 200, json: { status: 'ok' } })
  })

  it('/metrics is Prometheus text with Vigil counters', async () => {
    const res = await fetch(`${v.http}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    expect(text).toMatch(/^# HELP vigil_ingest_accepted_total /m)
    expect(text).toMatch(/^# TYPE vigil_mqtt_connected_clients gauge$/m)
  })

  it('/metrics reports the heap left after the last full collection', async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    gc()
    const deadline = Date.now() + 5000
    let bytes = Number.NaN
    while (!(bytes > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
      const m = /^vigil_heap_after_major_gc_bytes (\d+)$/m.exec(await (await fetch(`${v.http}/metrics`)).text())
      bytes = m ? Number(m[1]) : Number.NaN
    }
    // A whole Vigil keeps well over a megabyte, and less than the heap limit.
    expect(bytes).toBeGreaterThan(1e6)
    expect(bytes).toBeLessThan(getHeapStatistics().heap_size_limit)
  })

  it('/readyz answers 200 while every dependency is up, then 503 naming the one that went down', async () => {
    const up = await v.api('GET', '/readyz')
    expect(up.status).toBe(200)
    expect(up.json.checks).toMatchObject({ broker: { ok: true }, database: { ok: true }, telemetry: { ok: true } })
    await v.services.telemetry.close()
    const down = await v.api('GET', '/readyz')
    expect(down.status).toBe(503)
    expect(down.json).toMatchObject({ down: ['telemetry'], error: { code: 'DEPENDENCY_DOWN' } })
    expect(down.json.error.message).toContain('telemetry')
  })
})

describe('dashboard', () => {
  it('serves the built dashboard at /, its files, and index.html for any other page path', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-dash-'))
    mkdirSync(path.join(dir, 'assets'))
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Vigil wall</title>')
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)')
    const s = v.services
    const app = await buildApp({
      ...s, config: v.vigil.config, jwtSecret: 'dashboard-test', readiness: () => ({}), dashboardDir: dir,
    })
    try {
      const get = (url: string) => app.inject({ method: 'GET', url })
      expect((await get('/')).body).toContain('Vigil wall')
      expect((await get('/assets/app.js')).body).toBe('console.log(1)')
      const page = await get('/wall/S1')
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('Vigil wall')
      expect((await get('/assets/missing.js')).json()).toMatchObject({ error: { code: 'NOT_FOUND' } })
      expect((await get('/api/v1/nothing-here')).json()).toMatchObject({ error: { code: 'NOT_FOUND' } })
    } finally {
      await app.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
