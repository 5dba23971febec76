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

export interface Database {
  users: UsersTable
  sites: SitesTable
  devices: DevicesTable
  device_states: DeviceStatesTable
  alarms: AlarmsTable
  alarm_history: AlarmHistoryTable
  rule_overrides: RuleOverridesTable
  rejections: RejectionsTable
  audit: AuditTable
}
