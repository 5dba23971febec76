// Ports: what the domain and services need from the outside world. Adapters in
// services/adapters implement them (SQL through Kysely, the SQLite telemetry store, ...).
import type { DeviceType } from './device-types.js'
import type { MessageKind } from './topics.js'
import type {
  Alarm, AlarmHistoryEntry, AlarmState, Device, FlatState, FloodPeriod, Permission, Priority, Rejection, Role, Site, Skill, User,
} from './model.js'
import type { Notification, Shift } from './work-orders/duty.js'
import type { WorkOrder, WorkOrderAttachment, WorkOrderHistoryEntry, WorkOrderStatus } from './work-orders/work-order.js'
import type { Emergency, EmergencyHistoryEntry } from './emergencies/emergency.js'
import type { Handover } from './handover/handover.js'
import type { PmPlan, ReturnVisit } from './work-orders/return-visit.js'
import type { DevicePosition, FloorKey, StoredFloorPlan } from './floor-plans/floor-plan.js'

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
  setPasswordHash(username: string, passwordHash: string): Promise<void>
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
export type AlarmTarget = { id: string } | { deviceId: string; ruleId: string }
export interface AlarmStep {
  alarm: Alarm
  entry: AlarmHistoryEntry
}
/** What a row-locked change found and left: `changed` is false when its step changed nothing. */
export interface Changed<T> {
  value: T
  changed: boolean
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
  /**
   * The atomic read-modify-write of one alarm: reads it (by id, or the open one of a device and
   * rule) under a row lock, lets `step` decide from what is stored, and saves the result with its
   * history entry in the same transaction. Two processes changing one alarm at once run one after
   * the other, each on what the other committed. `step` returns null to change nothing; an error
   * it throws rolls back and reaches the caller. Undefined when there is no such alarm.
   */
  change(target: AlarmTarget, step: (current: Alarm) => AlarmStep | null): Promise<Changed<Alarm> | undefined>
  get(id: string, opts?: { withHistory?: boolean }): Promise<Alarm | undefined>
  /** Ordered by priority (1 first), then raisedAt newest first. */
  list(filter: AlarmFilter, page: PageRequest): Promise<Page<Alarm>>
  /** Sets only `emergencyId` (the emergency service links its alarms); returns the alarm as stored. */
  setEmergency(alarmId: string, emergencyId: string): Promise<Alarm | undefined>
  /** Alarms out of service under this work order (DOMAIN.md §4.2 A12: they return when it closes). */
  listOutOfService(workOrderId: string): Promise<Alarm[]>
  /** Annunciations (history actions `raised`/`reactivated`) of non-drill alarms since `since` (ISO): the flood windows after a restart. */
  annunciationsSince(since: string): Promise<Array<{ siteId: string; at: string }>>
  /**
   * Non-drill alarms with history that matter for a report over [from, to): every alarm with a
   * history entry in the range, and every alarm still open that was raised before `to`.
   */
  listForReport(filter: ReportFilter): Promise<Alarm[]>
}

export interface ReportFilter {
  siteIds?: string[] | undefined
  siteId?: string | undefined
  /** ISO 8601, inclusive. */
  from: string
  /** ISO 8601, exclusive. */
  to: string
}

export interface FloodPeriodRepo {
  /** Records the start of a flood; returns its id. */
  open(siteId: string, startedAt: string, peakCount: number): Promise<number>
  close(id: number, endedAt: string, peakCount: number): Promise<void>
  /** Floods still going (endedAt null), to resume them after a restart. */
  listOpen(): Promise<FloodPeriod[]>
  /** Floods overlapping [from, to), oldest first. */
  list(filter: ReportFilter): Promise<FloodPeriod[]>
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

/** A rule's evaluation memory for one device (its on/off-delay phases, count window), as JSON. */
export interface RulePhaseRow {
  deviceId: string
  ruleId: string
  state: string
}

/** Pending rule timers survive a restart (issue #10): the engine resumes them, not from zero. */
export interface RulePhaseRepo {
  all(): Promise<RulePhaseRow[]>
  /** Upserts each row; a null state deletes the row (the rule is back at rest). */
  saveMany(rows: ReadonlyArray<{ deviceId: string; ruleId: string; state: string | null }>): Promise<void>
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

export interface WorkOrderFilter {
  siteIds?: string[] | undefined
  siteId?: string | undefined
  statuses?: readonly WorkOrderStatus[] | undefined
  assignee?: string | undefined
  alarmId?: string | undefined
}
export interface StoredAttachment extends WorkOrderAttachment {
  /** Where the file is, relative to the attachments folder. */
  path: string
}
/** Work orders (DOMAIN.md §5): the row, its append-only history, its attachments. */
export interface WorkOrderRepo {
  /**
   * Inserts a work order with its first history entry and, when it has an alarm, appends its id to
   * that alarm's `workOrderIds` in the same transaction. Atomic per (device, rule, skill) while open:
   * when another open one exists it is returned with `created: false` (a unique index guards it).
   */
  insert(wo: WorkOrder, entry: WorkOrderHistoryEntry): Promise<{ workOrder: WorkOrder; created: boolean }>
  /**
   * The atomic read-modify-write of one work order (with its attachments): like AlarmRepo.change,
   * the row is locked from the read to the commit, so of two engineers or processes acting on it at
   * once the second sees what the first committed. Undefined when there is no such work order.
   */
  change(id: string, step: (current: WorkOrder) => { workOrder: WorkOrder; entries: WorkOrderHistoryEntry[] } | null): Promise<Changed<WorkOrder> | undefined>
  get(id: string, opts?: { withHistory?: boolean }): Promise<WorkOrder | undefined>
  /** Newest first. */
  list(filter: WorkOrderFilter, page: PageRequest): Promise<Page<WorkOrder>>
  /** Work orders whose SLA clocks still run (created … on-hold): the timers are rebuilt from them at start. */
  listClocked(): Promise<WorkOrder[]>
  /** Per username, how many work orders they hold that are assigned and not yet completed. */
  workload(usernames: readonly string[]): Promise<Map<string, number>>
  /** Non-drill work orders created in [from, to) (KPIs). */
  listForReport(filter: ReportFilter): Promise<WorkOrder[]>
  /** Appends a work order id to an alarm's `workOrderIds` unless present; returns the alarm (undefined if none). */
  linkAlarm(alarmId: string, workOrderId: string): Promise<Alarm | undefined>
  addAttachment(a: StoredAttachment): Promise<WorkOrderAttachment>
  getAttachment(id: string): Promise<StoredAttachment | undefined>
}

export interface ShiftRepo {
  /** Starts a shift; throws SHIFT_ALREADY_STARTED when one is open (a unique index guards it). */
  start(s: Shift): Promise<Shift>
  /** Ends the open shift of the user; undefined when there is none. */
  end(username: string, at: string): Promise<Shift | undefined>
  current(username: string): Promise<Shift | undefined>
  /** Every open shift (auto-dispatch candidates). */
  listOpen(): Promise<Shift[]>
}

export interface NotificationRepo {
  insert(n: Notification): Promise<Notification>
  get(id: string): Promise<Notification | undefined>
  /** Records the acknowledgement once; returns the notification as stored. */
  ack(id: string, by: string, at: string): Promise<Notification | undefined>
  /**
   * Records another sending (re-notification), only while the last sending recorded is still
   * `previousAt` and nobody acknowledged it: of two processes re-sending at once, one records it
   * and gets the notification back; the other gets undefined and sends nothing.
   */
  markSent(id: string, at: string, previousAt: string): Promise<Notification | undefined>
  /** Unacknowledged notifications: re-notification timers are rebuilt from them at start. */
  listUnacked(): Promise<Notification[]>
  /** A person's notifications, newest first. */
  list(filter: { to?: string | undefined; workOrderId?: string | undefined }, page: PageRequest): Promise<Page<Notification>>
}

/** Delivers a recorded notification to its person (socket.io now; a webhook notifier plugs in later). */
export interface Notifier {
  send(n: Notification): Promise<void>
}

export interface EmergencyFilter {
  siteIds?: string[] | undefined
  siteId?: string | undefined
  /** Only those not closed. */
  open?: boolean | undefined
  drill?: boolean | undefined
  /** ISO 8601 range on openedAt, [from, to). */
  from?: string | undefined
  to?: string | undefined
}
export type EmergencyStep = (current: Emergency) => { emergency: Emergency; entries: EmergencyHistoryEntry[] } | null
/** Emergencies (DOMAIN.md §6) with their append-only history. */
export interface EmergencyRepo {
  insert(e: Emergency, entries: readonly EmergencyHistoryEntry[]): Promise<Emergency>
  /** The atomic read-modify-write of one emergency, row-locked like AlarmRepo.change. */
  change(id: string, step: EmergencyStep): Promise<Changed<Emergency> | undefined>
  /**
   * Opens a new emergency of the site or joins one of its open ones, decided under a lock of the
   * site held for one transaction: of two processes doing this for one site at once, the second
   * sees what the first opened. `decide` gets the site's open emergencies, newest first.
   */
  openOrJoin(siteId: string, decide: (open: Emergency[]) => { open: Emergency; entries: EmergencyHistoryEntry[] } | { join: string; step: EmergencyStep }): Promise<Changed<Emergency> & { opened: boolean }>
  get(id: string, opts?: { withHistory?: boolean }): Promise<Emergency | undefined>
  /** Newest first. */
  list(filter: EmergencyFilter, page: PageRequest): Promise<Page<Emergency>>
}

/** Shift handovers (DOMAIN.md §7.1): a pending one may be signed once; signed ones never change. */
export interface HandoverRepo {
  insert(h: Handover): Promise<Handover>
  /** Saves only when the stored one is still `pending` (immutability); false otherwise. */
  sign(h: Handover): Promise<boolean>
  get(id: string): Promise<Handover | undefined>
  /** Newest first. */
  list(page: PageRequest): Promise<Page<Handover>>
}

/** Return visits (DOMAIN.md §5 VERIFIED → CLOSED) and preventive-maintenance plans (§1 #6). */
export interface ReturnVisitRepo {
  upsert(v: ReturnVisit): Promise<ReturnVisit>
  get(workOrderId: string): Promise<ReturnVisit | undefined>
  /** Visits not yet done, oldest due first (timers and the handover draft). */
  listPending(): Promise<ReturnVisit[]>
  /** Done visits of non-drill work orders with the visit in [from, to) (KPIs). */
  listDone(filter: ReportFilter): Promise<ReturnVisit[]>
}
export interface PmPlanRepo {
  insert(p: PmPlan): Promise<PmPlan>
  update(p: PmPlan): Promise<PmPlan>
  listByDevice(deviceId: string): Promise<PmPlan[]>
  all(): Promise<PmPlan[]>
}

/** One webhook delivery attempt and what came of it (issue #4 item 5: every attempt recorded). */
export interface WebhookAttempt {
  notificationId: string
  attempt: number
  at: string
  /** HTTP status, or null when no response came. */
  status: number | null
  ok: boolean
  error: string | null
}
export interface WebhookDeliveryRepo {
  record(a: WebhookAttempt): Promise<void>
  list(notificationId: string): Promise<WebhookAttempt[]>
}

/** One access-control event (DOMAIN.md §7.3): kept 180 days, token shown masked, subjectRef only on an audited reveal. */
export interface AccessEventRecord {
  id: number
  siteId: string
  deviceId: string
  at: string
  event: string
  credentialType: string | null
  credentialToken: string | null
  subjectRef: string | null
  reason: string | null
}
export interface AccessEventFilter {
  siteIds?: string[] | undefined
  siteId?: string | undefined
  deviceId?: string | undefined
  from?: string | undefined
  to?: string | undefined
}
export interface AccessEventRepo {
  addMany(rows: readonly Omit<AccessEventRecord, 'id'>[]): Promise<void>
  get(id: number): Promise<AccessEventRecord | undefined>
  /** Newest first. */
  list(filter: AccessEventFilter, page: PageRequest): Promise<Page<AccessEventRecord>>
  /** Deletes events strictly older than `at`; returns how many. */
  deleteBefore(at: string): Promise<number>
}

export interface RefreshTokenRecord {
  tokenHash: string
  username: string
  familyId: string
  createdAt: string
  expiresAt: string
  revokedAt: string | null
}
export interface RefreshTokenRepo {
  insert(t: Omit<RefreshTokenRecord, 'revokedAt'>): Promise<void>
  get(tokenHash: string): Promise<RefreshTokenRecord | undefined>
  /** True when this call revoked it (it was still active). */
  revoke(tokenHash: string, at: string): Promise<boolean>
  revokeFamily(familyId: string, at: string): Promise<void>
  deleteExpired(before: string): Promise<void>
}

/** Everything kept in the operational database. */
/** Floor plans of a site's building floors (issue #6 item 8); the image itself is a file. */
export interface FloorPlanRepo {
  get(key: FloorKey): Promise<StoredFloorPlan | undefined>
  /** Every plan of the site, by building then floor. */
  list(siteId: string): Promise<StoredFloorPlan[]>
  /** Inserts or replaces the image of a floor; positions already placed stay. */
  putImage(plan: Omit<StoredFloorPlan, 'positions' | 'updatedAt'>): Promise<StoredFloorPlan>
  setPositions(key: FloorKey, positions: DevicePosition[], at: string): Promise<StoredFloorPlan | undefined>
  delete(key: FloorKey): Promise<boolean>
}

export interface Repos {
  users: UserRepo
  sites: SiteRepo
  devices: DeviceRepo
  deviceStates: DeviceStateRepo
  alarms: AlarmRepo
  floods: FloodPeriodRepo
  ruleOverrides: RuleOverrideRepo
  rulePhases: RulePhaseRepo
  rejections: RejectionRepo
  audit: AuditRepo
  workOrders: WorkOrderRepo
  shifts: ShiftRepo
  notifications: NotificationRepo
  emergencies: EmergencyRepo
  handovers: HandoverRepo
  returnVisits: ReturnVisitRepo
  pmPlans: PmPlanRepo
  webhookDeliveries: WebhookDeliveryRepo
  accessEvents: AccessEventRepo
  refreshTokens: RefreshTokenRepo
  floorPlans: FloorPlanRepo
  health(): DependencyHealth
  close(): Promise<void>
}

/**
 * Device logins in an external broker that authenticates devices itself (Mosquitto's dynamic
 * security). Vigil keeps only HMACs of device secrets, so the broker gets each secret while it
 * exists in clear: at registration and at rotation.
 */
export interface BrokerProvisioner {
  /** Creates the device's broker login and topic ACL, or replaces its password (rotation). */
  deviceSecret(device: Device, secret: string): Promise<void>
  deviceRemoved(deviceId: string): Promise<void>
  close(): Promise<void>
}
