// What the HTTP API needs from the rest of Vigil; main.ts builds these and hands them to buildApp.
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { Clock } from '../core/clock.js'
import type { DependencyHealth, Repos, TelemetryStore } from '../core/ports.js'
import type { AlarmService, DeviceService, LiveStateService, RulesService, UserService } from '../contracts.js'
import type { Metrics } from '../adapters/metrics.js'
import type { DeviceDirectory } from '../devices/device-directory.js'
import type { LoginLimits } from './login-limiter.js'
import type { WorkOrderServices } from '../work-orders/work-orders.js'

export interface ApiDeps {
  config: Readonly<Config>
  clock: Clock
  logger: Logger
  metrics: Metrics
  repos: Repos
  telemetry: TelemetryStore
  directory: DeviceDirectory
  liveState: LiveStateService
  deviceService: DeviceService
  userService: UserService
  rules: RulesService
  alarms: AlarmService
  jwtSecret: string
  /** Each dependency's health for /readyz (broker, database, telemetry store, ...). */
  readiness: () => Record<string, DependencyHealth>
  /** The built dashboard served at `/`, or null to serve none. */
  dashboardDir: string | null
  /** Work orders, dispatch, shifts, notifications (issue #4); their routes are registered when given. */
  workOrders?: WorkOrderServices
  /** Login throttling; defaults in login-limiter.ts. */
  loginLimits?: Partial<LoginLimits>
}

export interface RouteOpts {
  deps: ApiDeps
}
