// The operational database as Kysely sees it. Both dialects share these column types: JSON is
// TEXT, booleans are 0/1 integers, timestamps ISO 8601 UTC TEXT (they sort as strings), and
// BIGINT columns may come back as strings from pg; codec.ts converts them in one place.
import type { Generated } from 'kysely'

type Bool = number
type BigIntColumn = number | string
type Json = string

export interface UsersTable {
  username: string
  password_hash: string
  role: string
  display_name: string
  skills: Json
  site_ids: Json
  permissions: Json
  created_at: string
}

export interface SitesTable {
  id: string
  name: string
  timezone: string
  settings: Json
  created_at: string
  updated_at: string
}

export interface DevicesTable {
  id: string
  site_id: string
  type: string
  name: string
  location: Json
  attributes: Json
  secret_hash: string
  previous_secret_hash: string | null
  previous_valid_until: BigIntColumn
  created_at: string
  updated_at: string
}

export interface DeviceStatesTable {
  device_id: string
  state: Json
  online: Bool
  last_seen: string | null
  last_seq: BigIntColumn | null
}

export interface AlarmsTable {
  id: string
  site_id: string
  device_id: string
  device_type: string
  rule_id: string
  priority: number
  title: string
  active: Bool
  acked: Bool
  state: string
  shelved_until: string | null
  chattering: Bool
  emergency_id: string | null
  raised_at: string
  acked_at: string | null
  acked_by: string | null
  cleared_at: string | null
  occurrences: number
  work_order_ids: Json
  drill: Bool
  /** Migration 0002: the work order of an out-of-service alarm. */
  oos_work_order_id: string | null
}

export interface AlarmHistoryTable {
  id: Generated<BigIntColumn>
  alarm_id: string
  at: string
  actor: string
  action: string
  from_state: string | null
  to_state: string
  note: string | null
}

export interface RuleOverridesTable {
  scope: string
  scope_id: string
  rule_id: string
  /** null = inherit; otherwise 0/1. */
  enabled: Bool | null
  params: Json
  updated_at: string
  updated_by: string
}

export interface RejectionsTable {
  id: Generated<BigIntColumn>
  at: string
  topic: string
  device_id: string | null
  site_id: string | null
  reason: string
  message: string
  payload: string
}

export interface AuditTable {
  id: Generated<BigIntColumn>
  at: string
  actor: string
  action: string
  target: string
  address: string | null
  before: Json | null
  after: Json | null
}

export interface FloodPeriodsTable {
  id: Generated<BigIntColumn>
  site_id: string
  started_at: string
  ended_at: string | null
  peak_count: number
}

/** Migration 0003 (issue #4): work orders, their history and attachments, shifts, notifications. */
export interface WorkOrdersTable {
  id: string
  site_id: string
  device_id: string | null
  alarm_id: string | null
  rule_id: string | null
  title: string
  description: string | null
  priority: number
  skill: string
  source: string
  status: string
  assignee: string | null
  escalation_level: number
  drill: Bool
  due_intake_by: string | null
  due_accept_by: string | null
  due_arrive_by: string | null
  due_specialist_arrive_by: string | null
  due_resolve_by: string | null
  appointment_at: string | null
  created_at: string
  created_by: string
  updated_at: string
  assigned_at: string | null
  accepted_at: string | null
  arrived_at: string | null
  started_at: string | null
  completed_at: string | null
  verified_at: string | null
  closed_at: string | null
  cancelled_at: string | null
  result: string | null
  rejected_by: Json
  breaches: Json
  /** `device|rule|skill` while a rule's work order is open, else null: the unique index that dedupes them. */
  open_key: string | null
}

export interface WorkOrderHistoryTable {
  id: Generated<BigIntColumn>
  work_order_id: string
  at: string
  actor: string
  action: string
  from_status: string | null
  to_status: string
  note: string | null
}

export interface WorkOrderAttachmentsTable {
  id: string
  work_order_id: string
  filename: string
  content_type: string
  size: BigIntColumn
  uploaded_by: string
  uploaded_at: string
  path: string
}

export interface ShiftsTable {
  id: string
  username: string
  started_at: string
  ended_at: string | null
  /** The username while the shift is open, else null: one open shift per person (unique index). */
  open_username: string | null
}

export interface NotificationsTable {
  id: string
  recipient: string
  kind: string
  subject: string
  at: string
  created_at: string
  work_order_id: string | null
  site_id: string | null
  priority: number | null
  level: number
  sent_count: number
  acked_at: string | null
  acked_by: string | null
}

/** Issue #4 part 2: whole objects as JSON (`doc`) beside the columns queries filter on. */
export interface EmergenciesTable {
  id: string
  site_id: string
  stage: string
  drill: Bool
  opened_at: string
  doc: Json
}
export interface EmergencyHistoryTable {
  id: Generated<number>
  emergency_id: string
  at: string
  actor: string
  action: string
  level: string
  stage: string
  note: string | null
}
export interface HandoversTable {
  id: string
  status: string
  created_at: string
  doc: Json
}
export interface ReturnVisitsTable {
  work_order_id: string
  site_id: string
  due_at: string
  done_at: string | null
  doc: Json
}
export interface PmPlansTable {
  id: string
  device_id: string
  next_due_at: string
  doc: Json
}
export interface WebhookDeliveriesTable {
  id: Generated<number>
  notification_id: string
  attempt: number
  at: string
  status: number | null
  ok: Bool
  error: string | null
}

export interface AccessEventsTable {
  id: Generated<BigIntColumn>
  site_id: string
  device_id: string
  at: string
  event: string
  credential_type: string | null
  /** The edge HMAC of the credential, stored as received (DOMAIN.md §7.3); shown masked. */
  credential_token: string | null
  subject_ref: string | null
  reason: string | null
}

export interface RefreshTokensTable {
  /** SHA-256 (hex) of the refresh token; the token itself is never stored. */
  token_hash: string
  username: string
  /** Every rotation of one login shares it, so a replayed old token revokes the whole chain. */
  family_id: string
  created_at: string
  expires_at: string
  revoked_at: string | null
}

/** Issue #6 item 8: one row per building floor with a plan; the image is a file under the data dir. */
export interface FloorPlansTable {
  site_id: string
  building: string
  floor: number
  content_type: string
  width: number
  height: number
  size: number
  path: string
  /** JSON array of {deviceId, x, y}, fractions of the image. */
  positions: Json
  uploaded_by: string
  uploaded_at: string
  updated_at: string
}

export interface Database {
  users: UsersTable
  sites: SitesTable
  devices: DevicesTable
  device_states: DeviceStatesTable
  alarms: AlarmsTable
  alarm_history: AlarmHistoryTable
  flood_periods: FloodPeriodsTable
  rule_overrides: RuleOverridesTable
  rule_phases: RulePhasesTable
  rejections: RejectionsTable
  audit: AuditTable
  work_orders: WorkOrdersTable
  work_order_history: WorkOrderHistoryTable
  work_order_attachments: WorkOrderAttachmentsTable
  shifts: ShiftsTable
  notifications: NotificationsTable
  emergencies: EmergenciesTable
  emergency_history: EmergencyHistoryTable
  handovers: HandoversTable
  return_visits: ReturnVisitsTable
  pm_plans: PmPlansTable
  webhook_deliveries: WebhookDeliveriesTable
  access_events: AccessEventsTable
  refresh_tokens: RefreshTokensTable
  floor_plans: FloorPlansTable
}

export interface RulePhasesTable {
  device_id: string
  rule_id: string
  state: string
  updated_at: string
}
