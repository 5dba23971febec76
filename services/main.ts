// The composition root (STYLE.md): configuration -> adapters -> services. The only module that
// listens on ports. `startVigil` is what `vigil all` runs and what the tests start on port 0.
import { mkdirSync } from 'node:fs'
import net from 'node:net'
import tls from 'node:tls'
import { pino, type Logger } from 'pino'
import type { FastifyInstance } from 'fastify'
import { createScaledClock } from './adapters/clock.js'
import { loadClockAnchor } from './adapters/clock-anchor.js'
import { markRunning } from './adapters/running-marker.js'
import { createMetrics, type Metrics } from './adapters/metrics.js'
import { openSqlRepos } from './adapters/sql/sql-repos.js'
import { createBroker } from '../broker/create-broker.js'
import type { Clock } from './core/clock.js'
import { createEventBus, type EventBus } from './core/events.js'
import type { Repos, TelemetryStore } from './core/ports.js'
import type { Config } from './config.js'
import type { AlarmService, IngestService, LiveStateService, RulesService, DeviceService, UserService } from './contracts.js'
import { createDeviceDirectory, type DeviceDirectory } from './devices/device-directory.js'
import { createDeviceSecrets } from './devices/device-secrets.js'
import { loadDirectory } from './devices/device.service.js'
import { listen } from './listen.js'
import { createPeopleFacing } from './people-facing.js'
import { createServiceGraph, startEngine, stopIntake, stopTimers } from './service-graph.js'
import type { WorkOrderServices } from './work-orders/work-orders.js'
import type { EmergencyService } from './emergencies/emergency.service.js'
import type { DutyServices } from './handover/duty-services.js'
import type { WebhookNotifier } from './adapters/notifiers/webhook.notifier.js'
import { loadOrCreateSecretKey } from './secret-key.js'
import { createRequestContext, withRequestAddress } from './security/request-context.js'
import { loadTls } from './security/tls.js'

export interface StartOptions {
  clock?: Clock
  logger?: Logger
}

export interface RunningVigil {
  config: Readonly<Config>
  /** `mqtts` is set when TLS is configured (VIGIL_TLS_CERT / VIGIL_TLS_KEY), null otherwise. */
  ports: { mqtt: number; http: number; mqtts: number | null }
  urls: { http: string; mqtt: string; mqtts: string | null }
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
    emergencies: EmergencyService
    duty: DutyServices
    webhook: WebhookNotifier | null
    app: FastifyInstance
  }
  stop(): Promise<void>
}

export async function startVigil(config: Readonly<Config>, opts: StartOptions = {}): Promise<RunningVigil> {
  mkdirSync(config.dataDir, { recursive: true })
  // `vigil restore` refuses while this marker names a live process (issue #10 item 5).
  const running = markRunning(config.dataDir)
  const tlsMaterial = loadTls(config)
  const logger = opts.logger ?? pino({ level: config.logLevel }, pino.destination(2))
  // A scaled clock carries on across restarts instead of jumping back (issue #10).
  const clock = opts.clock ?? createScaledClock(config.clockScale, loadClockAnchor(config.dataDir, config.clockScale))
  const metrics = createMetrics()
  const events = createEventBus((err) => logger.error({ err }, 'event listener failed'))
  const key = loadOrCreateSecretKey(config.dataDir, config.secretKey)
  const secrets = createDeviceSecrets(key)

  const requestContext = createRequestContext()
  const sqlRepos = await openSqlRepos(config.databaseUrl ? { url: config.databaseUrl, clock } : { dataDir: config.dataDir, clock, logger })
  // Audit rows written inside services get the request's address (issue #7 "Audit").
  const repos: Repos = { ...sqlRepos, audit: withRequestAddress(sqlRepos.audit, requestContext) }
  const directory = createDeviceDirectory(await loadDirectory(repos))
  const graph = createServiceGraph({ config, clock, logger, metrics, events, repos, directory, secrets })
  const { telemetry, liveState, alarms, workOrders, emergencies, duty, rules, ingest, userService, deviceService, webhook } = graph
  await startEngine(graph)
  const admin = await userService.ensureAdmin(config.adminPassword)

  const broker = await createBroker({ directory, secrets, ingest, liveState, metrics, clock, logger })
  const mqttServer = net.createServer((socket) => broker.handleConnection(socket))
  // MQTT over TLS (issue #7): the same broker and hooks behind a TLS listener on VIGIL_MQTTS_PORT.
  const mqttsServer = tlsMaterial === null ? null : tls.createServer({ ...tlsMaterial, minVersion: 'TLSv1.2' }, (socket) => broker.handleConnection(socket))
  let brokerListening = false

  const { app, realtime, socketSessions } = await createPeopleFacing({
    config, clock, logger, metrics, repos, graph, directory, events, requestContext, key, tlsMaterial,
    readiness: () => ({
      broker: brokerListening ? { ok: true } : { ok: false, detail: 'MQTT listener not started' },
      database: repos.health(),
      telemetry: telemetry.health(),
    }),
  })

  let mqttPort: number
  let mqttsPort: number | null = null
  let httpPort: number
  let stopping: Promise<void> | null = null
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      brokerListening = false
      // Stop taking messages first, then commit what was acknowledged-pending, then close stores.
      const listenerClosed = Promise.all([new Promise<void>((r) => mqttServer.close(() => r())), mqttsServer ? new Promise<void>((r) => mqttsServer.close(() => r())) : undefined])
      await broker.close()
      await listenerClosed
      await stopIntake(graph)
      socketSessions.stop()
      await realtime.close()
      await app.close()
      await stopTimers(graph)
      await telemetry.close()
      await repos.close()
      running.remove()
    })())

  try {
    mqttPort = await listen(mqttServer, config.mqttPort, config.host, 'MQTT')
    if (mqttsServer) mqttsPort = await listen(mqttsServer, config.mqttsPort, config.host, 'MQTTS')
    brokerListening = true
    await app.listen({ port: config.httpPort, host: config.host }).catch((err: NodeJS.ErrnoException) => {
      throw new Error(err.code === 'EADDRINUSE' ? `HTTP port ${config.httpPort} on ${config.host} is already in use` : `HTTP cannot listen on ${config.host}:${config.httpPort}: ${err.message}`)
    })
    httpPort = (app.server.address() as net.AddressInfo).port
  } catch (err) {
    // The same orderly shutdown as stop(): whatever started is closed, nothing is left half-open.
    await stop().catch(() => undefined)
    throw err
  }

  const hostForUrl = config.host === '0.0.0.0' ? '127.0.0.1' : config.host
  return {
    config,
    ports: { mqtt: mqttPort, http: httpPort, mqtts: mqttsPort },
    urls: {
      http: `${tlsMaterial ? 'https' : 'http'}://${hostForUrl}:${httpPort}`,
      mqtt: `mqtt://${hostForUrl}:${mqttPort}`,
      mqtts: mqttsPort === null ? null : `mqtts://${hostForUrl}:${mqttsPort}`,
    },
    generatedAdminPassword: admin.generatedPassword,
    services: { clock, logger, metrics, events, repos, telemetry, directory, liveState, ingest, rules, alarms, deviceService, userService, workOrders, emergencies, duty, webhook, app },
    stop,
  }
}
