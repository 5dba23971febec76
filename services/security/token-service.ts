// Sessions (issue #7 "JWTs with short expiry and refresh, logout that revokes"): a 15-minute access
// JWT carrying a `jti`, plus an opaque refresh token kept only as its SHA-256. Each refresh rotates
// the refresh token; presenting one that was already rotated (a stolen copy being replayed) revokes
// the whole chain of that login. Lifetimes run on the wall clock, like the JWT `exp` they match,
// never on Vigil's scaled clock.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { AppError } from '../core/errors.js'
import type { Role, User } from '../core/model.js'
import type { RefreshTokenRepo, UserRepo } from '../core/ports.js'
import type { TokenRevocations } from './token-revocations.js'

export const ACCESS_TOKEN_TTL_SEC = 15 * 60
/** A refresh token unused for this long is dead: a wall display refreshes every ~14 min. */
export const REFRESH_TOKEN_TTL_MS = 12 * 3600_000

export interface AccessClaims {
  sub: string
  username: string
  role: Role
  siteIds: string[]
  jti: string
}
export interface IssuedSession {
  token: string
  refreshToken: string
  /** When `token` expires, ISO 8601 UTC. */
  expiresAt: string
  user: User
}

export interface TokenServiceDeps {
  sign: (claims: AccessClaims, opts: { expiresIn: number }) => string | Promise<string>
  refreshTokens: RefreshTokenRepo
  users: Pick<UserRepo, 'get'>
  revocations: TokenRevocations
  now?: () => number
  accessTtlSec?: number
}

export interface TokenService {
  issue(user: User, familyId?: string): Promise<IssuedSession>
  refresh(refreshToken: string): Promise<IssuedSession>
  /** Revokes the access token (by jti) and, when given, the refresh token's whole chain. */
  logout(access: { jti: string | undefined; exp: number | undefined }, refreshToken: string | undefined): Promise<void>
}

export const hashRefreshToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex')

const refused = (): AppError => new AppError('UNAUTHORIZED', 'invalid, expired or revoked refresh token')

export function createTokenService(deps: TokenServiceDeps): TokenService {
  const now = deps.now ?? Date.now
  const ttl = deps.accessTtlSec ?? ACCESS_TOKEN_TTL_SEC
  const iso = (ms: number): string => new Date(ms).toISOString()

  async function issue(user: User, familyId: string = randomUUID()): Promise<IssuedSession> {
    const t = now()
    const token = await deps.sign({ sub: user.username, username: user.username, role: user.role, siteIds: user.siteIds, jti: randomUUID() }, { expiresIn: ttl })
    const refreshToken = randomBytes(32).toString('base64url')
    await deps.refreshTokens.insert({ tokenHash: hashRefreshToken(refreshToken), username: user.username, familyId, createdAt: iso(t), expiresAt: iso(t + REFRESH_TOKEN_TTL_MS) })
    // Opportunistic clean-up keeps the table to live sessions without another timer.
    await deps.refreshTokens.deleteExpired(iso(t - REFRESH_TOKEN_TTL_MS))
    return { token, refreshToken, expiresAt: iso(t + ttl * 1000), user }
  }

  return {
    issue,
    async refresh(refreshToken) {
      if (refreshToken.length < 16 || refreshToken.length > 256) throw refused()
      const hash = hashRefreshToken(refreshToken)
      const row = await deps.refreshTokens.get(hash)
      if (row === undefined) throw refused()
      const t = now()
      if (row.revokedAt !== null) {
        // Reuse of a rotated token: someone else holds a copy. End the login everywhere.
        await deps.refreshTokens.revokeFamily(row.familyId, iso(t))
        throw refused()
      }
      if (Date.parse(row.expiresAt) <= t) throw refused()
      if (!(await deps.refreshTokens.revoke(hash, iso(t)))) throw refused()
      const user = await deps.users.get(row.username)
      if (user === undefined) throw new AppError('UNAUTHORIZED', 'the user of this session no longer exists')
      return issue(user, row.familyId)
    },
    async logout(access, refreshToken) {
      if (access.jti !== undefined && access.exp !== undefined) deps.revocations.revoke(access.jti, access.exp * 1000)
      if (refreshToken === undefined) return
      const row = await deps.refreshTokens.get(hashRefreshToken(refreshToken))
      if (row !== undefined) await deps.refreshTokens.revokeFamily(row.familyId, iso(now()))
    },
  }
}
