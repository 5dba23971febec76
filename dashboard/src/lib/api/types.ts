// Vigil's public wire shapes as the dashboard sees them (CONTRACT.md §3 and §4). The domain
// objects are the server's own types (type-only imports, erased from the bundle), so the wall
// display cannot drift from what the API sends.
import type { Alarm, FlatState, Role } from '../../../../services/core/model.js'
import type { DeviceType } from '../../../../services/core/device-types.js'
import type { SubscribeAck as WireSubscribeAck } from '../../../../services/realtime/socket-events.js'

export type { DeviceType } from '../../../../services/core/device-types.js'
export type { Alarm, AlarmState, FlatState, Priority, Role, StateValue } from '../../../../services/core/model.js'

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

export interface Page<T> {
  items: T[]
  next: string | null
}

export type SubscribeAck = WireSubscribeAck

/** The one typed event map of the socket (CONTRACT.md §4). */
export interface ServerToClientEvents {
  device: (payload: DeviceLive) => void
  alarm: (alarm: Alarm) => void
}
export interface ClientToServerEvents {
  subscribe: (payload: { siteIds: string[]; snapshot?: boolean }, ack: (res: SubscribeAck) => void) => void
}
