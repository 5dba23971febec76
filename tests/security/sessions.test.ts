// Issue #7 login sessions: 15-minute access tokens, rotating refresh tokens stored hashed, logout
// that revokes both, and every expired or forged token refused with 401 on REST and socket.io.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { io } from 'socket.io-client'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'
import { hashRefreshToken } from '../../services/security/token-service.js'
import { badTokens, hs256, adminClaims, TEST_SECRET_KEY } from './jwt-helpers.js'

let v: TestVigil

beforeAll(async () => {
  v = await startTestVigil({ env: { VIGIL_SECRET_KEY: TEST_SECRET_KEY } })
})
afterAll(async () => v?.stop())

const login = async () => (await v.api('POST', '/api/v1/auth/login', { body: { username: 'admin', password: v.adminPassword } })).json

function socketOutcome(token: string): Promise<string> {
  return new Promise((resolve) => {
    const s = io(v.http, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true })
    s.on('connect', () => { s.close(); resolve('connected') })
    s.on('connect_error', (err) => { s.close(); resolve(err.message) })
  })
}

describe('login and tokens', () => {
  it('login answers a 15-minute token, a refresh token and when the token expires', async () => {
    const before = Date.now()
    const s = await login()
    expect(s.user).toEqual({ username: 'admin', role: 'admin' })
    expect(typeof s.token).toBe('string')
    expect(s.refreshToken.length).toBeGreaterThanOrEqual(40)
    const ttl = Date.parse(s.expiresAt) - before
    expect(ttl).toBeGreaterThan(14 * 60_000)
    expect(ttl).toBeLessThanOrEqual(15 * 60_000 + 1000)
    const exp = JSON.parse(Buffer.from(s.token.split('.')[1], 'base64url').toString()).exp * 1000
    expect(Math.abs(exp - Date.parse(s.expiresAt))).toBeLessThan(1500)
  })

  it('stores only a hash of the refresh token', async () => {
    const s = await login()
    const repo = v.services.repos.refreshTokens
    expect(await repo.get(s.refreshToken)).toBeUndefined()
    expect((await repo.get(hashRefreshToken(s.refreshToken)))?.username).toBe('admin')
  })

  it('refresh rotates: the new pair works, the old refresh token is refused', async () => {
    const s = await login()
    const r = await v.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } })
    expect(r.status).toBe(200)
    expect(r.json.refreshToken).not.toBe(s.refreshToken)
    expect((await v.api('GET', '/api/v1/auth/me', { token: r.json.token })).status).toBe(200)
    const again = await v.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } })
    expect(again.status).toBe(401)
    expect(again.json.error.code).toBe('UNAUTHORIZED')
  })

  it('replaying a rotated refresh token ends the whole login (the thief and the owner both)', async () => {
    const s = await login()
    const rotated = (await v.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } })).json
    expect((await v.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } })).status).toBe(401)
    expect((await v.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: rotated.refreshToken } })).status).toBe(401)
  })

  it('logout revokes the access token at once on REST and socket.io, and the refresh token', async () => {
    const s = await login()
    expect(await socketOutcome(s.token)).toBe('connected')
    expect((await v.api('POST', '/api/v1/auth/logout', { token: s.token, body: { refreshToken: s.refreshToken } })).status).toBe(204)
    const me = await v.api('GET', '/api/v1/auth/me', { token: s.token })
    expect(me.status).toBe(401)
    expect(me.json.error.code).toBe('UNAUTHORIZED')
    expect(await socketOutcome(s.token)).toBe('UNAUTHORIZED')
    expect((await v.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: s.refreshToken } })).status).toBe(401)
    // Another session of the same user is not affected.
    expect((await v.api('GET', '/api/v1/auth/me', { token: (await login()).token })).status).toBe(200)
  })

  it('logout ends a live socket.io connection that used the token', async () => {
    const s = await login()
    const socket = io(v.http, { auth: { token: s.token }, transports: ['websocket'], reconnection: false, forceNew: true })
    await new Promise<void>((resolve, reject) => { socket.on('connect', () => resolve()); socket.on('connect_error', reject) })
    const other = io(v.http, { auth: { token: (await login()).token }, transports: ['websocket'], reconnection: false, forceNew: true })
    await new Promise<void>((resolve) => other.on('connect', () => resolve()))
    const ended = new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason)))
    expect((await v.api('POST', '/api/v1/auth/logout', { token: s.token, body: {} })).status).toBe(204)
    expect(await ended).toBe('io server disconnect')
    expect(other.connected).toBe(true)
    other.close()
  })

  it('a token signed with the server key and valid claims is accepted (so the bad ones below fail for their flaw)', async () => {
    const t = hs256(adminClaims())
    expect((await v.api('GET', '/api/v1/auth/me', { token: t })).status).toBe(200)
    expect(await socketOutcome(t)).toBe('connected')
  })

  it.each(badTokens())('a token %s is 401 in the error shape on REST and refused by socket.io', async (_what, token) => {
    const r = await v.api('GET', '/api/v1/devices', { token })
    expect(r.status).toBe(401)
    expect(r.json).toMatchObject({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } })
    expect(await socketOutcome(token)).toBe('UNAUTHORIZED')
  })

  it.each([
    ['an unknown token', 'x'.repeat(43)],
    ['a too short one', 'abc'],
  ])('refresh with %s is 401', async (_w, refreshToken) => {
    const r = await v.api('POST', '/api/v1/auth/refresh', { body: { refreshToken } })
    expect(r.status).toBe(401)
  })
})
