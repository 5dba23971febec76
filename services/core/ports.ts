// Ports: what the domain and services need from the outside world. Adapters in
// services/adapters implement them (SQL through Kysely, the SQLite telemetry store, ...).
import type { DeviceType } from './device-types.js'
import type { MessageKind } from './topics.js'
import type {
  Alarm, AlarmHistoryEntry, AlarmState, Device, FlatState, Permission, Priority, Rejection, Role, Site, Skill, User,
} from './model.js'

/** A device message that passed validation, ready to be stored and evaluated. */
export interface AcceptedMessage {
  siteId: string
  deviceId: string
  type: DeviceType
  kind: MessageKind
  /**
   * telemetry: the validated fields flattened (`pumps.P1.running`); event: the event object
   * (`{event: 'forced_open', ...}`); status: `{online: boolean}`. Envelope fields are not in here.
   */
  fields: Record<string, unknown>
  /** Device time if it sent `ts`, else rxTs (epoch ms). Stored, never trusted for timers. */
  ts: number
  /** Vigil's clock when the message was received (epoch ms). */
  rxTs: number
  seq: number | null
  drill: boolean
}

export type Aggregate = 'mean' | 'min' | 'max' | 'last'
export interface HistoryQuery {
  deviceId: string
  field: string
  from: number
  to: number
  /** Bucket width in ms; absent = raw points. */
  everyMs?: number
  agg?: Aggregate
  limit: number
}
export interface HistoryPoint {
  t: number
  v: number | boolean | string | null
}

export interface DependencyHealth {
  ok: boolean
  detail?: string
}

export interface TelemetryStore {
  /** Resolves once the batch is durable (survives the process being killed). */
  append(batch: readonly AcceptedMessage[]): Promise<void>
  history(q: HistoryQuery): Promise<HistoryPoint[]>
  health(): DependencyHealth
  close(): Promise<void>
}

export interface Page<T> {
  items: T[]
  next: string | null
}
export interface PageRequest {
  limit: number
  cursor?: string | undefined
}

export interface NewUser {
  username: string
  passwordHash: string
  role: Role
  displayName: string
  skills: Skill[]
  siteIds: string[]
  permissions: Permission[]
}
export interface UserRepo {
  create(u: NewUser): Promise<User>
  get(username: string): Promise<User | undefined>
  getPasswordHash(username: string): Promise<string | undefined>
  list(page: PageRequest): Promise<Page<User>>
  count(): Promise<number>
}

export interface SiteRepo {
  create(s: { id: string; name: string; timezone: string }): Promise<Site>
  get(id: string): Promise<Site | undefined>
  list(filter: { siteIds?: string[] | undefined }, page: PageRequest): Promise<Page<Site>>
  update(id: string, patch: { name?: string | undefined; timezone?: string | undefined; settings?: Record<string, unknown> | undefined }): Promise<Site | undefined>
}

export interface DeviceFilter {
  siteIds?: string[] | undefined
  siteId?: string | undefined
  type?: DeviceType | undefined
}
export interface DeviceRepo {
  create(d: Omit<Device, 'createdAt' | 'updatedAt'>, secretHash: string): Promise<Device>
  get(id: string): Promise<Device | undefined>
  list(filter: DeviceFilter, page: PageRequest): Promise<Page<Device>>
  /** Every device, for start-up caches (auth, live state). */
  all(): Promise<Device[]>
  update(id: string, patch: Partial<Pick<Device, 'name' | 'location' | 'attributes'>>): Promise<Device | undefined>
  delete(id: string): Promise<boolean>
  getSecretHash(id: string): Promise<string | undefined>
  setSecretHash(id: string, hash: string): Promise<void>
  /** The current and the previous secret (rotation grace period); undefined for an unknown device. */
  getSecrets(id: string): Promise<DeviceSecretsRecord | undefined>
  /** Replaces the secrets of a device in one statement (rotation). */
  setSecrets(id: string, s: DeviceSecretsRecord): Promise<void>
  /** Every device's secrets, for the in-memory device directory at start. */
  allSecrets(): Promise<Array<DeviceSecretsRecord & { deviceId: string }>>
}

export interface DeviceSecretsRecord {
  secretHash: string
  previousSecretHash: string | null
  /** Epoch ms until which previousSecretHash is accepted (0 = none), as in DirectoryEntry. */
  previousValidUntil: number
}

export interface PersistedDeviceState {
  deviceId: string
  state: FlatState
  online: boolean
  lastSeen: string | null
  lastSeq: number | null
}
export interface DeviceStateRepo {
  saveMany(rows: readonly PersistedDeviceState[]): Promise<void>
  loadAll(): Promise<PersistedDeviceState[]>
}

export interface AlarmFilter {
  states?: readonly AlarmState[] | undefined
  siteIds?: string[] | undefined
  siteId?: string | undefined
  deviceId?: string | undefined
  priority?: Priority | undefined
}
export interface AlarmRepo {
  /** The alarm of (device, rule) that is not `normal`, if any. */
  findOpen(deviceId: string, ruleId: string): Promise<Alarm | undefined>
  /** Every alarm that is not `normal`: rebuilt into the rule engine's memory at start. */
  listOpen(): Promise<Alarm[]>
  /**
   * Inserts a new alarm with its first history entry. Atomic per (device, rule): if another
   * open alarm exists, returns that one with `created: false` (a unique index guards it).
   */
  insert(alarm: Alarm, entry: AlarmHistoryEntry): Promise<{ alarm: Alarm; created: boolean }>
  /** Saves the alarm and appends the history entry in one transaction. */
  update(alarm: Alarm, entry: AlarmHistoryEntry): Promise<Alarm>
  get(id: string, opts?: { withHistory?: boolean }): Promise<Alarm | undefined>
  /** Ordered by priority (1 first), then raisedAt newest first. */
  list(filter: AlarmFilter, page: PageRequest): Promise<Page<Alarm>>
}

export interface RuleOverride {
  scope: 'site' | 'device'
  scopeId: string
  ruleId: string
  enabled: boolean | null
  params: Record<string, number>
  updatedAt: string
  updatedBy: string
}
export interface RuleOverrideRepo {
  all(): Promise<RuleOverride[]>
  list(scope: 'site' | 'device', scopeId: string): Promise<RuleOverride[]>
  upsert(o: RuleOverride): Promise<RuleOverride>
}

export interface RejectionRepo {
  add(rows: readonly Omit<Rejection, 'id'>[]): Promise<void>
  list(filter: { deviceId?: string | undefined; siteIds?: string[] | undefined }, page: PageRequest): Promise<Page<Rejection>>
  /** Keeps the newest `max` rows (the dead-letter list is bounded). */
  trim(max: number): Promise<void>
}

export interface AuditEntry {
  at: string
  actor: string
  action: string
  target: string
  address: string | null
  before: unknown
  after: unknown
}
export interface AuditFilter {
  /** ISO 8601, inclusive. */
  from?: string | undefined
  /** ISO 8601, inclusive. */
  to?: string | undefined
  actor?: string | undefined
}
export interface AuditRepo {
  append(e: AuditEntry): Promise<void>
  /** Newest first (GET /audit). */
  list(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry & { id: number }>>
}

/** Everything kept in the operational database. */
export interface Repos {
  users: UserRepo
  sites: SiteRepo
  devices: DeviceRepo
  deviceStates: DeviceStateRepo
  alarms: AlarmRepo
  ruleOverrides: RuleOverrideRepo
  rejections: RejectionRepo
  audit: AuditRepo
  health(): DependencyHealth
  close(): Promise<void>
}
