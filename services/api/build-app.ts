// The HTTP app (STYLE.md: built by one function, started by another, so tests need no port).
// main.ts calls listen and attaches socket.io to `app.server`.
import Fastify, { type FastifyInstance } from 'fastify'
import fastifyJwt from '@fastify/jwt'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { AppError } from '../core/errors.js'
import type { ApiDeps } from './api-deps.js'
import { authenticate, permissionOf, type RouteAccess } from './auth.js'
import { createTokenRevocations } from '../security/token-revocations.js'
import { registerAuditHook } from '../security/audit-hook.js'
import { auditRoutes } from './routes/audit.routes.js'
import { accessEventRoutes } from './routes/access-events.routes.js'
import { errorHandler, notFound } from './error-handler.js'
import { API_PREFIX, openapiOptions } from './openapi.js'
import { alarmManagementRoutes, alarmRoutes } from './routes/alarms.routes.js'
import { authRoutes } from './routes/auth.routes.js'
import { deviceRoutes } from './routes/devices.routes.js'
import { ingestRoutes } from './routes/ingest.routes.js'
import { probeRoutes } from './routes/probes.routes.js'
import { reportRoutes } from './routes/reports.routes.js'
import { ruleRoutes } from './routes/rules.routes.js'
import { siteRoutes } from './routes/sites.routes.js'
import { stateRoutes } from './routes/state.routes.js'
import { userRoutes } from './routes/users.routes.js'
import { notificationRoutes } from './routes/notifications.routes.js'
import { shiftRoutes } from './routes/shifts.routes.js'
import { workOrderRoutes } from './routes/work-orders.routes.js'
import { emergencyRoutes } from './routes/emergencies.routes.js'
import { handoverRoutes } from './routes/handovers.routes.js'
import { floorPlanRoutes } from './routes/floor-plans.routes.js'

export const BODY_LIMIT = 256 * 1024
const API_VERSION = '1.0.0'

export async function buildApp(given: ApiDeps): Promise<FastifyInstance> {
  const deps: ApiDeps = { ...given, revocations: given.revocations ?? createTokenRevocations() }
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: BODY_LIMIT,
    // HTTPS on the HTTP port when a certificate is configured (CONTRACT.md §1); same app either way.
    ...((deps.https ? { https: deps.https } : {}) as object),
    // Unknown body fields are a 400 (a typo such as `nmae` must not be dropped silently).
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorateRequest('principal', null)
  const routeAccess: RouteAccess[] = []
  app.decorate('routeAccess', routeAccess)
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method !== 'HEAD') routeAccess.push({ method, url: r.url, action: permissionOf(r.onRequest), isPublic: r.config?.isPublic === true })
    }
  })
  // Actions with only optional fields (`POST /alarms/{id}/ack {note?}`) may be sent with no body at all.
  app.addHook('preValidation', async (req) => {
    if (req.body === undefined && req.method === 'POST') req.body = {}
  })
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?', 1)[0] ?? '/'
    const isPage = req.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/docs') && !/\.[a-z0-9]+$/i.test(path)
    // The dashboard routes in the browser: any other page path gets its index.html.
    if (deps.dashboardDir && isPage) return reply.type('text/html').sendFile('index.html')
    throw notFound(`${req.method} ${path}`)
  })

  await app.register(fastifyJwt, { secret: deps.jwtSecret })
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => new AppError('RATE_LIMITED', 'too many requests; retry later', { retryAfterSec: Math.ceil(ctx.ttl / 1000) }),
  })
  await app.register(fastifySwagger, openapiOptions(API_VERSION))
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' })

  await app.register(probeRoutes, { deps })
  await app.register(async (api) => {
    if (deps.requestContext) api.addHook('onRequest', deps.requestContext.hook)
    api.addHook('onRequest', authenticate(deps.repos.users, deps.revocations))
    // Issue #7: every change by a person lands in the audit log (security/audit-hook.ts).
    registerAuditHook(api as unknown as FastifyInstance, { repos: deps.repos, clock: deps.clock, prefix: API_PREFIX })
    for (const routes of [auditRoutes, accessEventRoutes]) await api.register(routes, { deps })
    api.get('/openapi.json', { config: { isPublic: true }, schema: { hide: true } }, async () => app.swagger())
    for (const routes of [authRoutes, userRoutes, siteRoutes, deviceRoutes, stateRoutes, ruleRoutes, alarmRoutes, alarmManagementRoutes, reportRoutes, ingestRoutes]) {
      await api.register(routes, { deps })
    }
    const workOrders = deps.workOrders
    if (workOrders) {
      for (const routes of [workOrderRoutes, shiftRoutes, notificationRoutes]) await api.register(routes, { deps, services: workOrders })
    }
    if (deps.emergencies) await api.register(emergencyRoutes, { deps, emergencies: deps.emergencies })
    if (deps.duty) await api.register(handoverRoutes, { deps, duty: deps.duty })
    if (deps.floorPlans) await api.register(floorPlanRoutes, { deps, floorPlans: deps.floorPlans })
  }, { prefix: API_PREFIX })

  if (deps.dashboardDir) {
    await app.register(fastifyStatic, { root: deps.dashboardDir, prefix: '/', wildcard: true })
  }
  // Callers need the plain instance (listen, inject, `server` for socket.io), not the type provider.
  return app as unknown as FastifyInstance
}
