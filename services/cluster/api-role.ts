// `vigil api`: the REST API, socket.io (Redis adapter) and the dashboard, on the shared database.
// An API process runs no rules, no ingest and no timers: it writes what people do to the database
// and announces it; the worker that owns the site follows up (shelving expiry, SLA clocks,
// escalation), because it receives the same event through the relay. Live device state is
// mirrored from the workers' announcements, so the snapshots it serves are current.
import { createAdapter } from '@socket.io/redis-adapter'
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.js'
import { createEventBus } from '../core/events.js'
import type { Repos } from '../core/ports.js'
import type { Config } from '../config.js'
import { createDeviceDirectory } from '../devices/device-directory.js'
import { loadDirectory } from '../devices/device.service.js'
import { createRequestContext, withRequestAddress } from '../security/request-context.js'
import { loadTls } from '../security/tls.js'
import { createPeopleFacing } from '../people-facing.js'
import { createServiceGraph } from '../service-graph.js'
import { applyRegistryChange, openRoleBasics } from './role-basics.js'
import { logRedisErrors } from './redis-errors.js'
import { withoutTimers } from './timerless-clock.js'
import { createDynsecProvisioner } from '../adapters/mosquitto/dynsec-provisioner.js'
import { SERVICE_USERNAME, servicePassword } from '../../broker/service-identity.js'

export interface RunningApi {
  ports: { http: number }
  urls: { http: string }
  generatedAdminPassword: string | null
  stop(): Promise<void>
}

export async function startApiRole(config: Readonly<Config>, opts: { clock?: Clock; logger?: Logger } = {}): Promise<RunningApi> {
  const tlsMaterial = loadTls(config)
  const basics = await openRoleBasics(config, 'api', opts)
  const { relay, logger, metrics, clock, secrets, key } = basics
  const requestContext = createRequestContext()
  const repos: Repos = { ...basics.repos, audit: withRequestAddress(basics.repos.audit, requestContext) }
  const directory = createDeviceDirectory(await loadDirectory(repos))
  const events = createEventBus((err) => logger.error({ err }, 'event listener failed'))
  // Timers belong to the worker that owns the site; here they would fire twice (module comment).
  const brokerAccounts = config.mosquittoDynsecUrl === null ? null : await createDynsecProvisioner({
    url: config.mosquittoDynsecUrl, serviceUsername: SERVICE_USERNAME, servicePassword: servicePassword(key), logger,
  }).catch(async (err: unknown) => { await basics.close(); throw err })
  const graph = createServiceGraph({
    config, clock: withoutTimers(clock), logger, metrics, events, repos, directory, secrets, ...(brokerAccounts ? { brokerAccounts } : {}),
  })
  await graph.liveState.start()
  // The rules do not run here, but their overrides are read and changed through this API.
  await graph.rules.reloadOverrides()
  const own = relay.publishFrom(events)
  relay.onRemote((e) => {
    if (e.name === 'DeviceChanged') graph.liveState.mirror(e.payload)
    else if (e.name === 'RuleOverrideChanged') graph.rules.reloadOverrides().catch((err: unknown) => logger.warn({ err }, 'rule overrides not re-read'))
    else if (e.name === 'DeviceRegistryChanged') {
      applyRegistryChange(e.payload, { repos, directory, liveState: graph.liveState }).catch((err: unknown) => logger.warn({ err }, 'device registry change not applied'))
    }
  })
  let admin: { generatedPassword: string | null }
  try {
    admin = await graph.userService.ensureAdmin(config.adminPassword)
  } catch (err) {
    // Two API processes starting together: the other one created admin first.
    if ((await repos.users.count()) === 0) throw err
    admin = { generatedPassword: null }
  }

  const pubClient = basics.redis.duplicate()
  const subClient = basics.redis.duplicate()
  logRedisErrors(pubClient, logger, 'socket.io out')
  logRedisErrors(subClient, logger, 'socket.io in')
  const { app, realtime, socketSessions } = await createPeopleFacing({
    config, clock, logger, metrics, repos, graph, directory, events: own, requestContext, key, tlsMaterial,
    adapter: createAdapter(pubClient, subClient, { key: `${config.redisPrefix}:socket.io` }),
    readiness: () => ({ database: repos.health(), telemetry: graph.telemetry.health(), redis: basics.redisHealth() }),
  })

  let stopping: Promise<void> | null = null
  const stop = (): Promise<void> => (stopping ??= (async () => {
    socketSessions.stop()
    await realtime.close()
    await app.close()
    await graph.liveState.stop()
    await graph.telemetry.close()
    await Promise.allSettled([pubClient.quit(), subClient.quit(), brokerAccounts?.close()])
    await basics.close()
  })())
  try {
    await app.listen({ port: config.httpPort, host: config.host }).catch((err: NodeJS.ErrnoException) => {
      throw new Error(err.code === 'EADDRINUSE' ? `HTTP port ${config.httpPort} on ${config.host} is already in use` : `HTTP cannot listen on ${config.host}:${config.httpPort}: ${err.message}`)
    })
  } catch (err) {
    await stop().catch(() => undefined)
    throw err
  }
  const port = (app.server.address() as { port: number }).port
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host
  return { ports: { http: port }, urls: { http: `${tlsMaterial ? 'https' : 'http'}://${host}:${port}` }, generatedAdminPassword: admin.generatedPassword, stop }
}
