// Hand-made JWTs for the token tests: expired, forged, `alg: none`, tampered.
import { createHmac } from 'node:crypto'

export const TEST_SECRET_KEY = 'security-suite-secret-key-0123456789abcdef'
/** services/main.ts signs with the key's hex form. */
export const SERVER_JWT_SECRET = Buffer.from(TEST_SECRET_KEY, 'utf8').toString('hex')

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')

export function hs256(payload: Record<string, unknown>, secret: string = SERVER_JWT_SECRET, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const head = `${b64(header)}.${b64(payload)}`
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`
}

export function adminClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000)
  return { sub: 'admin', username: 'admin', role: 'admin', siteIds: [], jti: 'test-jti', iat: now, exp: now + 600, ...overrides }
}

/** Every way a token can be bad; each must be a 401. */
export function badTokens(): Array<[string, string]> {
  const now = Math.floor(Date.now() / 1000)
  const good = hs256(adminClaims())
  const [h, p] = good.split('.')
  return [
    ['expired an hour ago', hs256(adminClaims({ iat: now - 7200, exp: now - 3600 }))],
    ['expired a second ago', hs256(adminClaims({ iat: now - 901, exp: now - 1 }))],
    ['signed with another key', hs256(adminClaims(), 'not-the-server-key')],
    ['alg none, no signature', `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`],
    ['payload swapped to another user under a valid signature', `${h}.${b64(adminClaims({ sub: 'root' }))}.${good.split('.')[2]}`],
    ['garbage', 'not.a.jwt'],
    ['empty signature', `${h}.${p}.`],
    ['HS512 with the server key', hs256(adminClaims(), SERVER_JWT_SECRET, { alg: 'HS512', typ: 'JWT' })],
  ]
}
