// What the HTTP API needs from the rest of Vigil; main.ts builds these and hands them to buildApp.
import type { Logger } from 'pino'
import type { Config } from '../config.js'
import type { Clock } from '../core/clock.js'
import type { DependencyHealth, Repos, TelemetryStore } from '../core/ports.js'
import type { AlarmService, DeviceService, LiveStateService, RulesService, UserService } from '../contracts.js'
import type { Metrics } from '../adapters/metrics.js'
import type { DeviceDirectory } from '../devices/device-directory.js'
import type { LoginLimits } from './login-limiter.js'
import type { TokenRevocations } from '../security/token-revocations.js'
import type { RequestContext } from '../security/request-context.js'
import type { WorkOrderServices } from '../work-orders/work-orders.js'
import type { EmergencyService } from '../emergencies/emergency.service.js'
import type { DutyServices } from '../handover/duty-services.js'
import type { FloorPlanService } from '../floor-plans/floor-plan.service.js'

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
  /** Emergencies (issue #4 part 2); their routes are registered when given. */
  emergencies?: EmergencyService
  /** Handovers, return visits, PM plans, drills report (issue #4 part 2). */
  duty?: DutyServices
  /** Floor plans (issue #6 item 8); their routes are registered when given. */
  floorPlans?: FloorPlanService
  /** Login throttling; defaults in login-limiter.ts. */
  loginLimits?: Partial<LoginLimits>
  /** Access tokens revoked by logout (issue #7); shared with socket.io's handshake check. buildApp makes one when absent. */
  revocations?: TokenRevocations
  /** The request's address for audit rows written inside services (main.ts wraps repos.audit with it). */
  requestContext?: RequestContext
  /** Certificate and key (PEM): the app then serves HTTPS (VIGIL_TLS_CERT / VIGIL_TLS_KEY). */
  https?: { cert: string; key: string } | null
}

export interface RouteOpts {
  deps: ApiDeps
}
