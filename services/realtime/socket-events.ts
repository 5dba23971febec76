// The socket.io wire (CONTRACT.md §4) as types, shared by the server and the tests' clients.
import type { DeviceType } from '../core/device-types.js'
import type { Alarm, DeviceLive, FlatState, FloodStatus } from '../core/model.js'
import type { Notification } from '../core/work-orders/duty.js'
import type { WorkOrder } from '../core/work-orders/work-order.js'
import type { Emergency } from '../core/emergencies/emergency.js'
import type { AccessEventPayload } from '../security/access-events.js'
import type { FloorPlanEvent } from '../core/events.js'

/** `device`: the full flat snapshot. `stale` and `lastSeen` extend the contract's fields (never rename). */
export interface DeviceEventPayload {
  deviceId: string
  siteId: string
  type: DeviceType
  online: boolean
  stale: boolean
  lastSeen: string | null
  state: FlatState
  /** When Vigil saw the change, ISO 8601 UTC on Vigil's clock. */
  ts: string
}

/** `devices` only when the client asked for `snapshot: true`. */
export type SubscribeAck = { siteIds: string[]; devices?: DeviceEventPayload[] } | { error: { code: string; message: string } }

export interface ServerToClientEvents {
  device: (payload: DeviceEventPayload) => void
  /** Instead of `device`, for a client that subscribed with `batch: true`: the changes of one moment, in order. */
  devices: (payloads: DeviceEventPayload[]) => void
  alarm: (alarm: Alarm) => void
  /** A site entered or left alarm-flood mode (DOMAIN.md §4.3). */
  flood: (status: FloodStatus) => void
  /** A work order was created or changed (the object without its history). */
  workorder: (workOrder: WorkOrder) => void
  /** An emergency opened, escalated or closed (CONTRACT.md §4; the object without its history). */
  emergency: (emergency: Emergency) => void
  /** To the person it is for only (their own room, joined at connection); acknowledged with POST /notifications/{id}/ack. */
  notification: (n: Notification) => void
  /** An access-door event, credential masked (DOMAIN.md §7.3; security/access-events.ts). */
  access: (event: AccessEventPayload) => void
  /** A floor plan of the site was uploaded, changed or deleted (`plan` null); issue #6 item 8. */
  floorplan: (change: FloorPlanEvent) => void
}

export interface ClientToServerEvents {
  subscribe: (payload: { siteIds: string[]; snapshot?: boolean; batch?: boolean }, ack: (res: SubscribeAck) => void) => void
}

export interface SocketUser {
  username: string
  role: string
  siteIds: string[]
}

export interface SocketData {
  user: SocketUser
  rooms: string[]
}

export function toDeviceEvent(live: DeviceLive, ts: number): DeviceEventPayload {
  return {
    deviceId: live.deviceId,
    siteId: live.siteId,
    type: live.type,
    online: live.online,
    stale: live.stale,
    lastSeen: live.lastSeen,
    state: live.state,
    ts: new Date(ts).toISOString(),
  }
}
