// Who is asking (a JWT bearer token, CONTRACT.md §3 "Auth"), what they may do (permissions.ts)
// and which sites they see. The user is read again on every request so a changed role or site
// list takes effect at once rather than when the token expires.
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import { AppError, type ErrorCode } from '../core/errors.js'
import type { Role, User } from '../core/model.js'
import type { UserRepo } from '../core/ports.js'
import { isAllowed, type Action } from './permissions.js'
import type { TokenRevocations } from '../security/token-revocations.js'

declare module '@fastify/jwt' {
  interface FastifyJWT {
    /** username and siteIds ride along for socket.io's handshake (main.ts verifyToken); the API re-reads the user. */
    payload: { sub: string; username: string; role: Role; siteIds: string[]; jti: string }
    user: { sub: string; username: string; role: Role; siteIds: string[]; jti?: string; exp?: number }
  }
}
declare module 'fastify' {
  interface FastifyRequest {
    principal: User | null
  }
  interface FastifyInstance {
    /** Every route with the permission that guards it, filled as routes are added. */
    routeAccess: RouteAccess[]
  }
  interface FastifyContextConfig {
    /** Reachable without a token (CONTRACT.md §3 lists them). */
    isPublic?: boolean
  }
}

/** @deprecated access tokens now live ACCESS_TOKEN_TTL_SEC (security/token-service.ts); kept for old imports. */
export const TOKEN_TTL = '15m'

export function authenticate(users: Pick<UserRepo, 'get'>, revocations?: TokenRevocations): onRequestHookHandler {
  return async function (req: FastifyRequest, _reply: FastifyReply) {
    if (req.routeOptions.config?.isPublic) return
    const header = req.headers.authorization
    if (!header || !/^Bearer\s+\S+/i.test(header)) throw new AppError('UNAUTHORIZED', 'missing bearer token')
    let sub: string
    let jti: string | undefined
    try {
      ;({ sub, jti } = await req.jwtVerify<{ sub: string; jti?: string }>())
    } catch {
      throw new AppError('UNAUTHORIZED', 'invalid or expired token')
    }
    // Logout revokes the access token at once, not when it expires (issue #7).
    if (revocations?.isRevoked(jti)) throw new AppError('UNAUTHORIZED', 'this token was revoked (logged out)')
    if (typeof sub !== 'string' || sub === '') throw new AppError('UNAUTHORIZED', 'invalid token')
    const user = await users.get(sub)
    if (!user) throw new AppError('UNAUTHORIZED', 'the user of this token no longer exists')
    req.principal = user
  }
}

const PERMISSION = Symbol('vigil.permission')

/** Runs on onRequest, after authenticate: a refused role learns nothing from body validation. */
export function requirePermission(action: Action): onRequestHookHandler {
  const hook = async function (req: FastifyRequest) {
    const user = principalOf(req)
    if (!isAllowed(user, action)) throw new AppError('FORBIDDEN', `role ${user.role} may not ${action}`, { action })
  }
  // Tagged so the route table (build-app.ts `routeAccess`) can say which action guards each route.
  return Object.assign(hook, { [PERMISSION]: action })
}

/** The action a route's onRequest hooks require, or null when any logged-in user may call it. */
export function permissionOf(onRequest: unknown): Action | null {
  const hooks = Array.isArray(onRequest) ? onRequest : onRequest === undefined ? [] : [onRequest]
  for (const h of hooks) {
    const action = (h as { [PERMISSION]?: Action } | null)?.[PERMISSION]
    if (action !== undefined) return action
  }
  return null
}

/** One route and what guards it (issue #7: the security suite is driven from this and PERMISSION_TABLE). */
export interface RouteAccess {
  method: string
  url: string
  action: Action | null
  isPublic: boolean
}

export function principalOf(req: FastifyRequest): User {
  if (!req.principal) throw new AppError('UNAUTHORIZED', 'not authenticated')
  return req.principal
}

/** The site filter to apply for this user: undefined means every site (CONTRACT.md §3). */
export const visibleSites = (user: User): string[] | undefined => (user.siteIds.length === 0 ? undefined : user.siteIds)
export const canSeeSite = (user: User, siteId: string): boolean => user.siteIds.length === 0 || user.siteIds.includes(siteId)

/** A resource of a site the user is not assigned to is 404, not 403 (CONTRACT.md §3): it does not exist for them. */
export function assertVisible<T extends { siteId: string }>(user: User, item: T | undefined, code: ErrorCode, what: string): T {
  if (!item || !canSeeSite(user, item.siteId)) throw new AppError(code, `${what} not found`)
  return item
}

/** The query's siteId combined with the user's sites; null when the two cannot overlap (empty result). */
export function siteScope(user: User, siteId: string | undefined): { siteIds?: string[] | undefined; siteId?: string | undefined } | null {
  if (siteId !== undefined && !canSeeSite(user, siteId)) return null
  return { siteIds: visibleSites(user), siteId }
}
