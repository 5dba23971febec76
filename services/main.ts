// The composition root (STYLE.md): configuration -> adapters -> services. The only module that
// listens on ports. `startVigil` is what `vigil all` runs and what the tests start on port 0.
import { mkdirSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import { pino, type Logger } from 'pino'
import type { FastifyInstance } from 'fastify'
import { createScaledClock } from './adapters/clock.js'
import { createMetrics, type Metrics } from './adapters/metrics.js'
import { openSqlRepos } from './adapters/sql/sql-repos.js'
import { createSqliteTelemetryStore } from './adapters/telemetry/sqlite-telemetry.store.js'
import { createInfluxTelemetryStore } from './adapters/influx/influx.store.js'
import { createRoutedTelemetryStore } from './adapters/influx/routed-telemetry.store.js'
import { createAlarmService } from './alarms/alarm.service.js'
import { buildApp } from './api/build-app.js'
import { createBroker } from '../broker/create-broker.js'
import type { Clock } from './core/clock.js'
import { createEventBus, type EventBus } from './core/events.js'
import type { Repos, TelemetryStore } from './core/ports.js'
import type { Config } from './config.js'
import type { AlarmService, IngestService, LiveStateService, RulesService, DeviceService, UserService } from './contracts.js'
import { createDeviceDirectory, type DeviceDirectory } from './devices/device-directory.js'
import { createDeviceSecrets } from './devices/device-secrets.js'
import { createDeviceService, loadDirectory } from './devices/device.service.js'
import { createIngestService } from './ingest/ingest.service.js'
import { createLiveStateService } from './live-state/live-state.service.js'
import { createRealtime } from './realtime/realtime.service.js'
import { createRulesService } from './rules/rules.service.js'
import { loadOrCreateSecretKey } from './secret-key.js'
import { createUserService } from './users/user.service.js'
import { createWorkOrderServices, type WorkOrderServices } from './work-orders/work-orders.js'

export interface StartOptions {
  clock?: Clock
  logger?: Logger
}

export interface RunningVigil {
  config: Readonly<Config>
  ports: { mqtt: number; http: number }
  urls: { http: string; mqtt: string }
  /** Set when this start created `admin` with a generated password. */
  generatedAdminPassword: string | null
  services: {
    clock: Clock
    logger: Logger
    metrics: Metrics
    events: EventBus
    repos: Repos
    telemetry: TelemetryStore
    directory: DeviceDirectory
    liveState: LiveStateService
    ingest: IngestService
    rules: RulesService
    alarms: AlarmService
    deviceService: DeviceService
    userService: UserService
    workOrders: WorkOrderServices
    app: FastifyInstance
  }
  stop(): Promise<void>
}

const here = path.dirname(fileURLToPath(import.meta.url))

/** dashboard/dist, from the sources (tsx) or from dist/services (compiled). */
function findDashboard(): string | null {
  for (const candidate of [path.resolve(here, '../dashboard/dist'), path.resolve(here, '../../dashboard/dist')]) {
    if (existsSync(path.join(candidate, 'index.html'))) return candidate
  }
  return null
}

function listen(server: net.Server, port: number, host: string, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(err.code === 'EADDRINUSE' ? `${what} port ${port} on ${host} is already in use` : `${what} cannot listen on ${host}:${port}: ${err.message}`))
    })
    server.listen(port, host, () => resolve((server.address() as net.AddressInfo).port))
  })
}

export async function startVigil(config: Readonly<Config>, opts: StartOptions = {}): Promise<RunningVigil> {
  mkdirSync(config.dataDir, { recursive: true })
  const logger = opts.logger ?? pino({ level: config.logLevel }, pino.destination(2))
  const clock = opts.clock ?? createScaledClock(config.clockScale)
  const metrics = createMetrics()
  const events = createEventBus((err) => logger.error({ err }, 'event listener failed'))
  const key = loadOrCreateSecretKey(config.dataDir, config.secretKey)
  const secrets = createDeviceSecrets(key)

  const repos = await openSqlRepos(config.databaseUrl ? { url: config.databaseUrl, clock } : { dataDir: config.dataDir, clock })
  const directory = createDeviceDirectory(await loadDirectory(repos))
  // With VIGIL_INFLUX_URL, telemetry goes to InfluxDB through the spool, events and status stay in
  // SQLite (issue #5). An unreachable InfluxDB is not fatal: the store spools and /readyz says so.
  const sqlTelemetry = createSqliteTelemetryStore({ dataDir: config.dataDir })
  const telemetry: TelemetryStore = config.influx === null
    ? sqlTelemetry
    : createRoutedTelemetryStore({
      telemetry: createInfluxTelemetryStore({
        influx: config.influx, dataDir: config.dataDir, spoolMaxBytes: config.spoolMaxBytes,
        lookupDevice: (id) => directory.device(id), metrics, logger, wallNow: () => Date.now(),
      }),
      other: sqlTelemetry,
    })
  const liveState = createLiveStateService({ clock, repos, events, directory, metrics })
  const alarms = createAlarmService({ repos, clock, events, metrics, logger })
  const workOrders = createWorkOrderServices({ repos, clock, events, alarms, logger, dataDir: config.dataDir })
  const rules = createRulesService({ clock, repos, alarms, directory, liveState, events, logger })
  const ingest = createIngestService({ clock, directory, liveState, telemetry, repos, rules, metrics, logger })
  const userService = createUserService({ repos, clock, logger })
  const deviceService = createDeviceService({ repos, directory, secrets, liveState, events, clock })

  await liveState.start()
  // Shelving expiries, chattering flags and flood windows come back before the rules run again.
  await alarms.start()
  // SLA and re-notification timers come back from the database, and alarms are listened to, before the rules run.
  await workOrders.start()
  await rules.start()
  await ingest.start()
  const admin = await userService.ensureAdmin(config.adminPassword)

  const broker = await createBroker({ directory, secrets, ingest, liveState, metrics, clock, logger })
  const mqttServer = net.createServer((socket) => broker.handleConnection(socket))
  let brokerListening = false

  const app = await buildApp({
    config, clock, logger, metrics, repos, telemetry, directory, liveState, deviceService, userService, rules, alarms, workOrders,
    jwtSecret: key.toString('hex'),
    readiness: () => ({
      broker: brokerListening ? { ok: true } : { ok: false, detail: 'MQTT listener not started' },
      database: repos.health(),
      telemetry: telemetry.health(),
    }),
    dashboardDir: findDashboard(),
  })
  const realtime = createRealtime({
    httpServer: app.server,
    // The user is re-read like the REST API does, so a changed role or site list applies at once.
    verifyToken: async (token) => {
      let username: string | undefined
      try {
        const claims = app.jwt.verify<{ username?: string; sub?: string }>(token)
        username = claims.username ?? claims.sub
      } catch {
        return null
      }
      const user = username ? await repos.users.get(username) : undefined
      return user ? { username: user.username, role: user.role, siteIds: user.siteIds } : null
    },
    events, liveState, directory, metrics, logger, clock,
  })

  let mqttPort: number
  let httpPort: number
  try {
    mqttPort = await listen(mqttServer, config.mqttPort, config.host, 'MQTT')
    brokerListening = true
    await app.listen({ port: config.httpPort, host: config.host })
    httpPort = (app.server.address() as net.AddressInfo).port
  } catch (err) {
    mqttServer.close()
    await broker.close().catch(() => undefined)
    await realtime.close().catch(() => undefined)
    await app.close().catch(() => undefined)
    await ingest.stop().catch(() => undefined)
    await rules.stop()
    await workOrders.stop()
    await alarms.stop()
    await liveState.stop()
    await telemetry.close()
    await repos.close()
    throw err
  }

  let stopping: Promise<void> | null = null
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      brokerListening = false
      // Stop taking messages first, then commit what was acknowledged-pending, then close stores.
      const listenerClosed = new Promise<void>((r) => mqttServer.close(() => r()))
      await broker.close()
      await listenerClosed
      await ingest.stop()
      await realtime.close()
      await app.close()
      await rules.stop()
      await workOrders.stop()
      await alarms.stop()
      await liveState.stop()
      await telemetry.close()
      await repos.close()
    })())

  const hostForUrl = config.host === '0.0.0.0' ? '127.0.0.1' : config.host
  return {
    config,
    ports: { mqtt: mqttPort, http: httpPort },
    urls: { http: `http://${hostForUrl}:${httpPort}`, mqtt: `mqtt://${hostForUrl}:${mqttPort}` },
    generatedAdminPassword: admin.generatedPassword,
    services: { clock, logger, metrics, events, repos, telemetry, directory, liveState, ingest, rules, alarms, deviceService, userService, workOrders, app },
    stop,
  }
}
