// The interfaces between Vigil's services (the domain ports to the outside world are in
// core/ports.ts). Each service implements one of these in its own folder; main.ts wires them.
import type { DeviceType } from './core/device-types.js'
import type { Alarm, Device, DeviceLive, FloodStatus, Rejection, Site, User, Role, Skill, Permission, DeviceLocation } from './core/model.js'
import type { AcceptedMessage, AlarmFilter, Page, PageRequest, RuleOverride } from './core/ports.js'
import type { KpiQuery, KpiReport } from './core/alarms/alarm-kpis.js'

export interface LiveStateService {
  /** Loads the persisted last states: every device starts offline and stale until it speaks. */
  start(): Promise<void>
  stop(): Promise<void>
  /** Merges an accepted message into the device's state and marks it online (no announcement). */
  apply(msg: AcceptedMessage): DeviceLive
  /** Announces the devices changed since the last call (DeviceChanged events). */
  announce(deviceIds: Iterable<string>): void
  markOffline(deviceId: string, cause: 'status' | 'disconnect' | 'timeout'): void
  get(deviceId: string): DeviceLive | undefined
  list(filter: { siteIds?: string[] | undefined; siteId?: string | undefined }): DeviceLive[]
  /** Rows to persist since the last call (the ingest commit writes them with the batch). */
  takeDirty(): import('./core/ports.js').PersistedDeviceState[]
  ensure(device: Device): void
  remove(deviceId: string): void
  /**
   * Takes a device's state as another process (the worker owning its site) announced it: how
   * `vigil api` keeps the state it serves in step without ingesting anything itself.
   */
  mirror(live: DeviceLive): void
}

export interface IngestService {
  /**
   * A device's publish, as the broker received it. Resolves when the message may be
   * acknowledged: stored (accepted), dropped as duplicate, or rejected into the dead-letter list.
   * Rejects only when storage failed (the broker then does not acknowledge).
   */
  handle(input: { topic: string; payload: Buffer; deviceId: string }): Promise<void>
  /** A device (re)connected: its seq baseline may start over (CONTRACT.md §2). */
  deviceConnected(deviceId: string): void
  start(): Promise<void>
  /** Commits what is queued and stops accepting. */
  stop(): Promise<void>
}

export interface RuleEngine {
  /** Every accepted message, after it was committed, in arrival order. */
  onMessage(msg: AcceptedMessage, live: DeviceLive, device: Device): void
}

export interface RuleParamInfo {
  [name: string]: number
}
export interface RuleInfo {
  id: string
  title: string
  deviceType: DeviceType
  /** The rule's base priority (some rules escalate, e.g. AC-01 P2 for perimeter doors). */
  priority: 1 | 2 | 3 | 4
  latched: boolean
  params: RuleParamInfo
}
export interface EffectiveRule extends RuleInfo {
  enabled: boolean
  /** The override applied at this scope, if any. */
  override: RuleOverride | null
}

export interface RulesService extends RuleEngine {
  start(): Promise<void>
  stop(): Promise<void>
  catalog(): RuleInfo[]
  /** The rules as they apply to a site or one device (site overrides, then device overrides). */
  effective(scope: 'site' | 'device', scopeId: string): Promise<EffectiveRule[]>
  /** Throws AppError UNKNOWN_RULE / UNKNOWN_RULE_PARAM / VALIDATION_FAILED. Takes effect at once. */
  setOverride(scope: 'site' | 'device', scopeId: string, ruleId: string, patch: { enabled?: boolean | undefined; params?: Record<string, number> | undefined }, actor: string): Promise<EffectiveRule>
  /** Re-reads the overrides from the database (another process changed one; `vigil api` at start). */
  reloadOverrides(): Promise<void>
}

/**
 * DOMAIN.md §4.2 A8: a latched P1 alarm is reset only when its linked work order is on site or later;
 * the work-order service provides this (issue #4 part 2) and the alarm service asks it before a reset.
 */
export interface AlarmResetGuard {
  /** Throws AppError ALARM_RESET_NEEDS_ON_SITE when the reset must wait. */
  check(alarm: Alarm, note: string): Promise<void>
  /** After the reset was committed (EL-03 ended by voice contact: its work order is cancelled with the note). */
  afterReset(alarm: Alarm, actor: string, note: string): Promise<void>
}

export interface AlarmService {
  list(filter: AlarmFilter, page: PageRequest): Promise<Page<Alarm>>
  /** With history. */
  get(id: string): Promise<Alarm | undefined>
  /** Throws AppError ALARM_NOT_FOUND or ALARM_TRANSITION_NOT_ALLOWED. */
  ack(id: string, actor: string, note: string | null): Promise<Alarm>
  /** Ends a latched alarm. Throws ALARM_CONDITION_ACTIVE while the condition holds. */
  reset(id: string, actor: string, note: string): Promise<Alarm>
  /**
   * A9: hides the alarm for `minutes` (1-480). Throws ALARM_NOT_SHELVABLE for P1, FORBIDDEN for P2
   * unless `mayShelveP2` (the caller's role, from the permission table), ALARM_TRANSITION_NOT_ALLOWED.
   */
  shelve(id: string, actor: string, input: { minutes: number; reason: string; mayShelveP2: boolean }): Promise<Alarm>
  /** A10: re-evaluated: unacked (re-annunciated) if the condition holds, else normal. */
  unshelve(id: string, actor: string): Promise<Alarm>
  /** A12: out of service under a work order (a maintenance permit). */
  outOfService(id: string, actor: string, input: { workOrderId: string; reason: string }): Promise<Alarm>
  /** A12: back in service, re-evaluated like unshelve. */
  returnToService(id: string, actor: string, note: string | null): Promise<Alarm>
  /**
   * The hook for the work-order issue: a closed work order returns its out-of-service alarms to
   * service (DOMAIN.md §4.2 A12 "auto-return when WO closes"). Returns the alarms it returned.
   */
  onWorkOrderClosed(workOrderId: string, actor?: string): Promise<Alarm[]>
  /** Alarm-flood mode of a site (DOMAIN.md §4.3). */
  floodStatus(siteId: string): FloodStatus
  /** Alarm-system KPIs (DOMAIN.md §4.4) over [from, to), drills excluded. */
  kpis(q: KpiQuery): Promise<KpiReport>
}

export interface RegisterDeviceInput {
  id: string
  siteId: string
  type: DeviceType
  name: string
  location: DeviceLocation
  attributes?: Record<string, unknown> | undefined
}
export interface DeviceService {
  register(input: RegisterDeviceInput, actor: string): Promise<{ device: Device; secret: string }>
  update(id: string, patch: Partial<Pick<Device, 'name' | 'location' | 'attributes'>>, actor: string): Promise<Device>
  remove(id: string, actor: string): Promise<void>
  /** A new secret; the old one stays valid for a grace period so a device can be re-provisioned without downtime. */
  rotateSecret(id: string, actor: string): Promise<{ device: Device; secret: string; previousValidUntil: string }>
}

export interface NewUserInput {
  username: string
  password: string
  role: Role
  displayName: string
  skills?: Skill[] | undefined
  siteIds?: string[] | undefined
  permissions?: Permission[] | undefined
}
export interface UserService {
  create(input: NewUserInput, actor: string): Promise<User>
  /** The user when the password matches, else undefined (constant work either way). */
  verifyLogin(username: string, password: string): Promise<User | undefined>
  /** First start: creates `admin` (CONTRACT.md §1). Returns the generated password when one was generated. */
  ensureAdmin(password: string | null): Promise<{ created: boolean; generatedPassword: string | null }>
}

export type { Site, Rejection }
