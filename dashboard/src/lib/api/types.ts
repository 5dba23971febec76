// Vigil's public wire shapes as the dashboard sees them (CONTRACT.md §3 and §4). The domain
// objects are the server's own types (type-only imports, erased from the bundle), so the wall
// display cannot drift from what the API sends.
import type { Alarm, FlatState, FloodStatus, Role } from '../../../../services/core/model.js'
import type { DeviceType } from '../../../../services/core/device-types.js'
import type { SubscribeAck as WireSubscribeAck } from '../../../../services/realtime/socket-events.js'
import type { WorkOrder } from '../../../../services/core/work-orders/work-order.js'
import type { Emergency } from '../../../../services/core/emergencies/emergency.js'
import type { Notification } from '../../../../services/core/work-orders/duty.js'
import type { FloorPlan } from './floor-plans-api.js'

export type { DeviceType } from '../../../../services/core/device-types.js'
export type { Alarm, AlarmHistoryEntry, AlarmState, FlatState, FloodStatus, Priority, Role, StateValue } from '../../../../services/core/model.js'

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

export type { WorkOrder, WorkOrderStatus, WorkOrderHistoryEntry, WorkOrderSource, EscalationLevel } from '../../../../services/core/work-orders/work-order.js'
export type { Emergency, EmergencyStage, EmergencyLevel } from '../../../../services/core/emergencies/emergency.js'
export type { Shift, Notification } from '../../../../services/core/work-orders/duty.js'
export type { Handover, HandoverDraft } from '../../../../services/core/handover/handover.js'
export type { Skill } from '../../../../services/core/model.js'

/** One point of GET /devices/{id}/telemetry (CONTRACT.md §3 "telemetry history"). */
export interface HistoryPoint {
  t: number
  v: unknown
}

/**
 * One access-control event as the wall may show it: the credential reduced to its token suffix
 * (DOMAIN.md §7.3). No server part sends it yet (the access-event feed belongs to issue #7); the
 * socket listens for it so the ticker shows credentials as soon as one does.
 */
export interface AccessEvent {
  deviceId: string
  siteId: string
  event: string
  at: string
  credential?: { type?: string; tokenSuffix?: string }
  reason?: string
}

/** A floor plan of a subscribed site was uploaded, re-placed or deleted (`plan` null); issue #6 item 8. */
export interface FloorPlanChange {
  siteId: string
  building: string
  floor: number
  plan: FloorPlan | null
}

/** The one typed event map of the socket (CONTRACT.md §4). */
export interface ServerToClientEvents {
  device: (payload: DeviceLive) => void
  /** What the wall receives instead of `device`, having subscribed with `batch: true`: one moment's changes, in order. */
  devices: (payloads: DeviceLive[]) => void
  alarm: (alarm: Alarm) => void
  flood: (status: FloodStatus) => void
  access: (event: AccessEvent) => void
  workorder: (workOrder: WorkOrder) => void
  emergency: (emergency: Emergency) => void
  notification: (n: Notification) => void
  floorplan: (change: FloorPlanChange) => void
}
export interface ClientToServerEvents {
  subscribe: (payload: { siteIds: string[]; snapshot?: boolean; batch?: boolean }, ack: (res: SubscribeAck) => void) => void
}
