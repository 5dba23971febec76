// The services of one Vigil process, assembled from adapters (STYLE.md composition): the same graph
// for `vigil all`, `vigil worker` (scoped to the sites it runs) and `vigil api` (no ingest, no
// timers of its own). Opening and listening stay in the role modules (main.ts, cluster/).
import type { Logger } from 'pino'
import type { Metrics } from './adapters/metrics.js'
import { createSqliteTelemetryStore } from './adapters/telemetry/sqlite-telemetry.store.js'
import { createTelemetryRetention, type TelemetryRetention } from './ingest/telemetry-retention.js'
import { createInfluxTelemetryStore } from './adapters/influx/influx.store.js'
import { createRoutedTelemetryStore } from './adapters/influx/routed-telemetry.store.js'
import { createAlarmService, type AlarmEngine } from './alarms/alarm.service.js'
import type { Clock } from './core/clock.js'
import type { EventBus } from './core/events.js'
import type { BrokerProvisioner, Repos, TelemetryStore } from './core/ports.js'
import type { Config } from './config.js'
import type { IngestService, LiveStateService, DeviceService, UserService } from './contracts.js'
import type { DeviceDirectory } from './devices/device-directory.js'
import type { DeviceSecrets } from './devices/device-secrets.js'
import { createDeviceService } from './devices/device.service.js'
import { createIngestService } from './ingest/ingest.service.js'
import { createLiveStateService } from './live-state/live-state.service.js'
import { createRulesService } from './rules/rules.service.js'
import { createUserService } from './users/user.service.js'
import { createAccessEventRecorder, type AccessEventPayload } from './security/access-events.js'
import { createDeviceRateLimiter } from './security/device-rate-limiter.js'
import { createWorkOrderServices, type WorkOrderServices } from './work-orders/work-orders.js'
import { createEmergencyService, type EmergencyService } from './emergencies/emergency.service.js'
import { createHandoverService } from './handover/handover.service.js'
import { createDutyServices, type DutyServices } from './handover/duty-services.js'
import { createWebhookNotifier, type WebhookNotifier } from './adapters/notifiers/webhook.notifier.js'

export interface ServiceGraph {
  telemetry: TelemetryStore
  telemetryRetention: TelemetryRetention
  liveState: LiveStateService
  alarms: AlarmEngine
  workOrders: WorkOrderServices
  emergencies: EmergencyService
  duty: DutyServices
  rules: ReturnType<typeof createRulesService>
  ingest: IngestService
  userService: UserService
  deviceService: DeviceService
  webhook: WebhookNotifier | null
  accessEvents: ReturnType<typeof createAccessEventRecorder>
  /** Where access-door events go once socket.io exists (set by the role that has it). */
  announceAccess: { to: ((e: AccessEventPayload) => void) | null }
}

export function createServiceGraph(deps: {
  config: Readonly<Config>
  clock: Clock
  logger: Logger
  metrics: Metrics
  events: EventBus
  repos: Repos
  directory: DeviceDirectory
  secrets: DeviceSecrets
  /** An external broker's device logins (Mosquitto dynamic security), kept in step by the device service. */
  brokerAccounts?: BrokerProvisioner
}): ServiceGraph {
  const { config, clock, logger, metrics, events, repos, directory, secrets } = deps
  // With VIGIL_INFLUX_URL, telemetry goes to InfluxDB through the spool, events and status stay in
  // SQLite (issue #5). An unreachable InfluxDB is not fatal: the store spools and /readyz says so.
  const sqlTelemetry = createSqliteTelemetryStore({ dataDir: config.dataDir, logger })
  const telemetry: TelemetryStore = config.influx === null
    ? sqlTelemetry
    : createRoutedTelemetryStore({
      telemetry: createInfluxTelemetryStore({
        influx: config.influx, dataDir: config.dataDir, spoolMaxBytes: config.spoolMaxBytes,
        lookupDevice: (id) => directory.device(id), metrics, logger, wallNow: () => Date.now(),
      }),
      other: sqlTelemetry,
    })
  const telemetryRetention = createTelemetryRetention({ store: sqlTelemetry, clock, logger })
  const liveState = createLiveStateService({ clock, repos, events, directory, metrics })
  const alarms = createAlarmService({ repos, clock, events, metrics, logger })
  const webhook = config.webhook === null ? null
    : createWebhookNotifier({ options: config.webhook, clock, deliveries: repos.webhookDeliveries, logger })
  const workOrders = createWorkOrderServices({ repos, clock, events, alarms, logger, dataDir: config.dataDir, extraNotifiers: webhook ? [webhook] : [] })
  // DOMAIN.md §4.2 A8: the alarm service asks the work-order side before resetting a latched P1.
  alarms.setResetGuard(workOrders.resetGuard)
  const emergencies = createEmergencyService({
    repos, clock, events, logger,
    notify: { peopleOf: (role, siteId) => workOrders.dispatcher.peopleOf(role, siteId), notify: (n) => workOrders.notifications.notify(n) },
  })
  const duty = createDutyServices({
    repos, clock, returnVisits: workOrders.returnVisits, pmPlans: workOrders.pmPlans,
    handovers: createHandoverService({ repos, clock, liveState, workOrders: workOrders.workOrders }),
  })
  const rules = createRulesService({ clock, repos, alarms, directory, liveState, events, logger })
  const announceAccess: ServiceGraph['announceAccess'] = { to: null }
  const accessEvents = createAccessEventRecorder({ repo: repos.accessEvents, clock, logger, announce: (e) => announceAccess.to?.(e) })
  const deviceRate = config.deviceRate.perSecond > 0 ? createDeviceRateLimiter(config.deviceRate) : null
  const ingest = createIngestService({
    clock, directory, liveState, telemetry, repos, rules, metrics, logger,
    onCommitted: (msgs) => accessEvents.observe(msgs),
    ...(deviceRate ? { admit: (id: string) => deviceRate.take(id) } : {}),
  })
  const userService = createUserService({ repos, clock, logger })
  const deviceService = createDeviceService({ repos, directory, secrets, liveState, events, clock, ...(deps.brokerAccounts ? { brokerAccounts: deps.brokerAccounts } : {}) })
  return { telemetry, telemetryRetention, liveState, alarms, workOrders, emergencies, duty, rules, ingest, userService, deviceService, webhook, accessEvents, announceAccess }
}

/** Everything that runs on its own (timers, listeners, ingest), in the order the restart rules need. */
export async function startEngine(g: ServiceGraph): Promise<void> {
  await g.liveState.start()
  // Shelving expiries, chattering flags and flood windows come back before the rules run again.
  await g.alarms.start()
  // SLA and re-notification timers come back from the database, and alarms are listened to, before the rules run.
  await g.workOrders.start()
  // Emergency clocks come back, and alarms are listened to, before the rules run again.
  await g.emergencies.start()
  await g.rules.start()
  await g.accessEvents.start()
  await g.ingest.start()
  g.telemetryRetention.start()
}

/** Commits what ingest holds and takes no more messages. */
export async function stopIntake(g: ServiceGraph): Promise<void> {
  await g.ingest.stop()
  await g.accessEvents.stop()
  await g.telemetryRetention.stop()
}

/** Stops the timers and listeners startEngine started (after stopIntake). */
export async function stopTimers(g: ServiceGraph): Promise<void> {
  await g.rules.stop()
  await g.emergencies.stop()
  g.webhook?.stop()
  await g.workOrders.stop()
  await g.alarms.stop()
  await g.liveState.stop()
}
