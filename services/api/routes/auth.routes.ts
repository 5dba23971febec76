// POST /auth/login → {token, user} (CONTRACT.md §3 "Auth"); GET /auth/me for the dashboard.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../core/errors.js'
import type { RouteOpts } from '../api-deps.js'
import { principalOf, TOKEN_TTL } from '../auth.js'
import { createLoginLimiter, LOGIN_LIMIT_DEFAULTS } from '../login-limiter.js'
import { errorResponses, Role, User } from '../schemas.js'

export const authRoutes: FastifyPluginAsyncTypebox<RouteOpts> = async (app, { deps }) => {
  const limits = { ...LOGIN_LIMIT_DEFAULTS, ...deps.loginLimits }
  const limiter = createLoginLimiter(deps.clock, limits)

  app.post('/auth/login', {
    config: { isPublic: true, rateLimit: { max: limits.perAddressPerMinute, timeWindow: 60_000 } },
    schema: {
      tags: ['auth'],
      summary: 'Log in; returns a bearer token',
      security: [],
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ token: Type.String(), user: Type.Object({ username: Type.String(), role: Role }) }), ...errorResponses(400, 401, 429) },
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
    const token = await app.jwt.sign({ sub: user.username, username: user.username, role: user.role, siteIds: user.siteIds }, { expiresIn: TOKEN_TTL })
    return { token, user: { username: user.username, role: user.role } }
  })

  app.get('/auth/me', {
    schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: User, ...errorResponses(401) } },
  }, async (req) => principalOf(req))
}
