// Vigil's public wire shapes as the dashboard sees them (CONTRACT.md §3 and §4). The dashboard
// is a client of the contract, so it keeps its own copy rather than importing server code.
export type DeviceType = 'elevator' | 'pump' | 'fire-door' | 'access-door' | 'fire-panel'
export type StateValue = string | number | boolean | null
export type FlatState = Record<string, StateValue>
export type Priority = 1 | 2 | 3 | 4
export type AlarmState = 'unacked' | 'acked' | 'rtn-unacked' | 'latched' | 'shelved' | 'suppressed' | 'out-of-service' | 'normal'
export type Role = 'admin' | 'manager' | 'supervisor' | 'operator' | 'engineer' | 'viewer'

export interface User {
  username: string
  role: Role
}

export interface Site {
  id: string
  name: string
  timezone?: string
}

export interface Device {
  id: string
  siteId: string
  type: DeviceType
  name: string
  location: { building: string; floor: number; zone?: string }
  attributes?: Record<string, unknown>
}

/** A device's live state: from GET /state and the socket's `device` event. */
export interface DeviceLive {
  deviceId: string
  siteId: string
  type: DeviceType
  online: boolean
  stale?: boolean
  lastSeen?: string | null
  state: FlatState
  ts?: string
}

export interface Alarm {
  id: string
  siteId: string
  deviceId: string
  deviceType: DeviceType
  ruleId: string
  priority: Priority
  title: string
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
}

export interface Page<T> {
  items: T[]
  next: string | null
}

export type SubscribeAck = { siteIds: string[]; devices?: DeviceLive[] } | { error: { code: string; message: string } }

/** The one typed event map of the socket (CONTRACT.md §4). */
export interface ServerToClientEvents {
  device: (payload: DeviceLive) => void
  alarm: (alarm: Alarm) => void
}
export interface ClientToServerEvents {
  subscribe: (payload: { siteIds: string[]; snapshot?: boolean }, ack: (res: SubscribeAck) => void) => void
}
