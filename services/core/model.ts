// Domain objects as the API shows them (CONTRACT.md §3). Timestamps are ISO 8601 UTC strings.
import type { DeviceType } from './device-types.js'

export const ROLES = ['admin', 'manager', 'supervisor', 'operator', 'engineer', 'viewer'] as const
export type Role = (typeof ROLES)[number]
export const SKILLS = ['ELEVATOR', 'PLUMBING', 'ELECTRICAL', 'FIRE', 'SECURITY', 'LOWVOLT'] as const
export type Skill = (typeof SKILLS)[number]
export const PERMISSIONS = ['reveal-personal-data'] as const
export type Permission = (typeof PERMISSIONS)[number]

export interface User {
  username: string
  role: Role
  displayName: string
  skills: Skill[]
  /** Empty means every site (CONTRACT.md §3). */
  siteIds: string[]
  permissions: Permission[]
  createdAt: string
}

export interface Site {
  id: string
  name: string
  timezone: string
  /** Per-site settings (SLA overrides); always filled by the repository, `{}` when none. */
  settings?: Record<string, unknown>
  createdAt: string
  updatedAt: string
}

export interface DeviceLocation {
  building: string
  floor: number
  zone?: string
}

export interface Device {
  id: string
  siteId: string
  type: DeviceType
  name: string
  location: DeviceLocation
  attributes: Record<string, unknown>
  createdAt: string
  updatedAt: string
}

/** A scalar reading; the live state is one flat object of these (per-pump fields as `pumps.{id}.{field}`). */
export type StateValue = string | number | boolean | null
export type FlatState = Record<string, StateValue>

export interface DeviceLive {
  deviceId: string
  siteId: string
  type: DeviceType
  online: boolean
  /** True after a restart until the device speaks again: the state is the last known one. */
  stale: boolean
  lastSeen: string | null
  state: FlatState
}

export type Priority = 1 | 2 | 3 | 4

export const ALARM_STATES = ['unacked', 'acked', 'rtn-unacked', 'latched', 'shelved', 'suppressed', 'out-of-service', 'normal'] as const
export type AlarmState = (typeof ALARM_STATES)[number]
/** States that still need an operator (CONTRACT.md §3 `state=active`). */
export const ACTIVE_LIST_STATES: readonly AlarmState[] = ['unacked', 'acked', 'rtn-unacked', 'latched']

export interface AlarmHistoryEntry {
  at: string
  actor: string
  action: string
  from: AlarmState | null
  to: AlarmState
  note: string | null
}

export interface Alarm {
  id: string
  siteId: string
  deviceId: string
  deviceType: DeviceType
  ruleId: string
  priority: Priority
  title: string
  /** The rule's condition holds now. */
  active: boolean
  acked: boolean
  state: AlarmState
  shelvedUntil: string | null
  chattering: boolean
  emergencyId: string | null
  raisedAt: string
  ackedAt: string | null
  ackedBy: string | null
  clearedAt: string | null
  occurrences: number
  workOrderIds: string[]
  drill: boolean
  /** The work order an out-of-service alarm is tied to (DOMAIN.md §4.2 A12); absent (or null) otherwise. */
  outOfServiceWorkOrderId?: string | null
  history?: AlarmHistoryEntry[]
}

/** Alarm-flood mode of one site (one operator console per site, DOMAIN.md §4.3): `count` = new annunciated alarms in the last 10 min. */
export interface FloodStatus {
  siteId: string
  active: boolean
  /** When the current (or, once ended, the last) flood began; null if none since Vigil started. */
  since: string | null
  count: number
}

/** A recorded flood (KPIs, DOMAIN.md §4.4); `endedAt` null while it lasts. */
export interface FloodPeriod {
  id: number
  siteId: string
  startedAt: string
  endedAt: string | null
  /** The most new alarms seen within 10 min during the flood. */
  peakCount: number
}

export interface Rejection {
  id: number
  at: string
  topic: string
  deviceId: string | null
  siteId: string | null
  reason: RejectionReason
  message: string
  /** The payload as received, truncated and with personal data redacted (CONTRACT.md §2). */
  payload: string
}

export const REJECTION_REASONS = [
  'bad-topic',
  'unknown-device',
  'too-large',
  'bad-json',
  'not-an-object',
  'unknown-field',
  'wrong-type',
  'out-of-range',
  'unknown-event',
  'missing-field',
  'bad-timestamp',
  'personal-data',
  // A device publishing faster than its token bucket allows (issue #7 "Limits").
  'rate-limited',
] as const
export type RejectionReason = (typeof REJECTION_REASONS)[number]
