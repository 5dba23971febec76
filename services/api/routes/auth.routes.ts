// POST /auth/login → {token, user, refreshToken, expiresAt} (CONTRACT.md §3 "Auth", extended by
// issue #7), POST /auth/refresh (rotating), POST /auth/logout (revokes both tokens), GET /auth/me.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../core/errors.js'
import type { RouteOpts } from '../api-deps.js'
import { principalOf } from '../auth.js'
import { createLoginLimiter, LOGIN_LIMIT_DEFAULTS } from '../login-limiter.js'
import { errorResponses, Role, User } from '../schemas.js'
import { createTokenService } from '../../security/token-service.js'
import { createTokenRevocations } from '../../security/token-revocations.js'

const Session = Type.Object({
  token: Type.String({ description: 'access JWT, valid 15 minutes' }),
  refreshToken: Type.String({ description: 'opaque; exchange at POST /auth/refresh before expiresAt; single use' }),
  expiresAt: Type.String({ format: 'date-time', description: 'when `token` expires' }),
  user: Type.Object({ username: Type.String(), role: Role }),
})
const RefreshBody = Type.Object({ refreshToken: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false })

export const authRoutes: FastifyPluginAsyncTypebox<RouteOpts> = async (app, { deps }) => {
  const limits = { ...LOGIN_LIMIT_DEFAULTS, ...deps.loginLimits }
  const limiter = createLoginLimiter(deps.clock, limits)
  const tokens = createTokenService({
    sign: (claims, opts) => app.jwt.sign(claims, opts),
    refreshTokens: deps.repos.refreshTokens,
    users: deps.repos.users,
    revocations: deps.revocations ?? createTokenRevocations(),
  })
  const session = (s: Awaited<ReturnType<typeof tokens.issue>>) => ({ token: s.token, refreshToken: s.refreshToken, expiresAt: s.expiresAt, user: { username: s.user.username, role: s.user.role } })

  app.post('/auth/login', {
    config: { isPublic: true, rateLimit: { max: limits.perAddressPerMinute, timeWindow: 60_000 } },
    schema: {
      tags: ['auth'],
      summary: 'Log in; returns a 15-minute bearer token and a refresh token',
      security: [],
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
      response: { 200: Session, ...errorResponses(400, 401, 429) },
    },
  }, async (req) => {
    const username = req.body.username.toLowerCase()
    const wait = limiter.retryAfterMs(username)
    if (wait > 0) {
      throw new AppError('RATE_LIMITED', 'too many failed logins for this user; retry later', { retryAfterSec: Math.ceil(wait / 1000) })
    }
    const user = await deps.userService.verifyLogin(username, req.body.password)
    if (!user) {
      limiter.failed(username)
      req.log.info({ username }, 'login failed')
      throw new AppError('INVALID_CREDENTIALS', 'wrong username or password')
    }
    limiter.succeeded(username)
    return session(await tokens.issue(user))
  })

  app.post('/auth/refresh', {
    config: { isPublic: true, rateLimit: { max: limits.perAddressPerMinute * 4, timeWindow: 60_000 } },
    schema: {
      tags: ['auth'],
      summary: 'Exchange a refresh token for a new access token and a new refresh token (the old one stops working)',
      security: [],
      body: RefreshBody,
      response: { 200: Session, ...errorResponses(400, 401, 429) },
    },
  }, async (req) => session(await tokens.refresh(req.body.refreshToken)))

  app.post('/auth/logout', {
    schema: {
      tags: ['auth'],
      summary: 'Log out: the access token and the refresh token (with its whole rotation chain) stop working at once',
      body: Type.Object({ refreshToken: Type.Optional(Type.String({ maxLength: 256 })) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errorResponses(400, 401) },
    },
  }, async (req, reply) => {
    const claims = req.user as { jti?: string; exp?: number } | undefined
    await tokens.logout({ jti: claims?.jti, exp: claims?.exp }, req.body.refreshToken)
    return reply.code(204).send(null)
  })

  app.get('/auth/me', {
    schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: User, ...errorResponses(401) } },
  }, async (req) => principalOf(req))
}
