// The REST API, socket.io and the dashboard on one HTTP server, for `vigil all` and `vigil api`.
// In `vigil api` socket.io gets the Redis adapter, so an event emitted by any process reaches the
// screens connected to every API process.
import path from 'node:path'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'
import type { FastifyInstance } from 'fastify'
import type { Metrics } from './adapters/metrics.js'
import { buildApp } from './api/build-app.js'
import { createAttachmentFiles } from './adapters/files/attachment-files.js'
import { createFloorPlanService } from './floor-plans/floor-plan.service.js'
import type { ApiDeps } from './api/api-deps.js'
import type { Clock } from './core/clock.js'
import type { EventBus } from './core/events.js'
import type { Repos } from './core/ports.js'
import type { Config } from './config.js'
import type { DeviceDirectory } from './devices/device-directory.js'
import { createRealtime, type Realtime, type RealtimeDeps } from './realtime/realtime.service.js'
import { siteRoom } from './realtime/subscription.js'
import type { RequestContext } from './security/request-context.js'
import { createSocketSessionGuard, type SocketSessionGuard } from './security/socket-sessions.js'
import { createTokenRevocations } from './security/token-revocations.js'
import type { loadTls } from './security/tls.js'
import type { ServiceGraph } from './service-graph.js'

const here = path.dirname(fileURLToPath(import.meta.url))

/** dashboard/dist, from the sources (tsx) or from dist/services (compiled). */
function findDashboard(): string | null {
  for (const candidate of [path.resolve(here, '../dashboard/dist'), path.resolve(here, '../../dashboard/dist')]) {
    if (existsSync(path.join(candidate, 'index.html'))) return candidate
  }
  return null
}

export interface PeopleFacing {
  app: FastifyInstance
  realtime: Realtime
  socketSessions: SocketSessionGuard
}

export async function createPeopleFacing(deps: {
  config: Readonly<Config>
  clock: Clock
  logger: Logger
  metrics: Metrics
  repos: Repos
  graph: ServiceGraph
  directory: DeviceDirectory
  /** What socket.io announces: this process's own committed events. */
  events: EventBus
  requestContext: RequestContext
  key: Buffer
  tlsMaterial: ReturnType<typeof loadTls>
  readiness: ApiDeps['readiness']
  adapter?: RealtimeDeps['adapter']
}): Promise<PeopleFacing> {
  const { config, clock, logger, metrics, repos, graph, directory, events } = deps
  let socketSessions: SocketSessionGuard | null = null
  const revocations = createTokenRevocations(Date.now, (jti) => socketSessions?.revoked(jti))
  // Floor plans are the people's side only (issue #6 item 8); their images live in this process's
  // data folder, so API processes of one deployment share it (README "Deployment").
  const floorPlans = createFloorPlanService({ repos, clock, events, files: createAttachmentFiles(config.dataDir, 'floor-plans') })
  // A deleted device leaves the floor plans it was placed on.
  events.on('DeviceRegistryChanged', (e) => {
    if (e.deleted) floorPlans.forgetDevice(e.siteId, e.deviceId).catch((err: unknown) => logger.error({ err, deviceId: e.deviceId }, 'floor plan cleanup failed'))
  })
  const app = await buildApp({
    revocations,
    requestContext: deps.requestContext,
    https: deps.tlsMaterial,
    config, clock, logger, metrics, repos, directory,
    telemetry: graph.telemetry, liveState: graph.liveState, deviceService: graph.deviceService, userService: graph.userService,
    rules: graph.rules, alarms: graph.alarms, workOrders: graph.workOrders, emergencies: graph.emergencies, duty: graph.duty, floorPlans,
    jwtSecret: deps.key.toString('hex'),
    readiness: deps.readiness,
    dashboardDir: findDashboard(),
  })
  const realtime = createRealtime({
    httpServer: app.server,
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
    // The user is re-read like the REST API does, so a changed role or site list applies at once.
    verifyToken: async (token) => {
      let username: string | undefined
      try {
        const claims = app.jwt.verify<{ username?: string; sub?: string; jti?: string }>(token)
        // A logged-out token is refused here too (issue #7), like on the REST API.
        if (revocations.isRevoked(claims.jti)) return null
        username = claims.username ?? claims.sub
      } catch {
        return null
      }
      const user = username ? await repos.users.get(username) : undefined
      return user ? { username: user.username, role: user.role, siteIds: user.siteIds } : null
    },
    events, liveState: graph.liveState, directory, metrics, logger, clock,
  })
  graph.announceAccess.to = (e) => realtime.io.to(siteRoom(e.siteId)).emit('access', e)
  socketSessions = createSocketSessionGuard({ io: realtime.io, decode: (t) => app.jwt.decode<{ jti?: string; exp?: number }>(t), revocations })
  return { app, realtime, socketSessions }
}
