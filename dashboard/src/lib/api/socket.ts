// The live connection (CONTRACT.md §4): socket.io with `auth: {token}`, then `subscribe`. The wall
// subscribes with the device snapshot; the engineer's phone without it (it needs work orders and
// notifications, not the state of every device of the site) and listens to fewer events.
import { io, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, DeviceLive, ServerToClientEvents, SubscribeAck } from './types.js'

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>

export interface LiveHandlers {
  /** Without the device snapshot on subscribe (default: with it). */
  snapshot?: boolean
  /** Connected (again) and subscribed: `devices` is the snapshot taken when the rooms were joined. */
  onSubscribed(siteIds: string[], devices: DeviceLive[]): void
  onDisconnected(): void
  onUnauthorized(): void
  onError?(err: Error): void
  onDevice?: ServerToClientEvents['device']
  onAlarm?: ServerToClientEvents['alarm']
  onFlood?: ServerToClientEvents['flood']
  onAccess?: ServerToClientEvents['access']
  onWorkOrder?: ServerToClientEvents['workorder']
  onEmergency?: ServerToClientEvents['emergency']
  onNotification?: ServerToClientEvents['notification']
  onFloorPlan?: ServerToClientEvents['floorplan']
}

/** `token` is read on every (re)connection, so a refreshed access token is used after a reconnect. */
export function connectLive(token: string | (() => string | null), siteIds: () => string[], h: LiveHandlers): LiveSocket {
  const tokenOf = typeof token === 'function' ? token : () => token
  const socket: LiveSocket = io({
    auth: (cb) => cb({ token: tokenOf() }),
    // Websocket first: the alarm path should not start on long-polling.
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    // An attempt that hangs (a proxy, a half-open link) is given up after 5 s, not socket.io's
    // 20 s, so a wall display that lost its link is back within seconds of the network.
    timeout: 5000,
  })
  socket.on('connect', () => {
    // `batch`: a moment's device changes as one `devices` array, one frame instead of one per device
    // (thousands a second on a busy site), each then handed to onDevice.
    socket.emit('subscribe', { siteIds: siteIds(), snapshot: h.snapshot ?? true, batch: true }, (res: SubscribeAck) => {
      if ('error' in res) return h.onError?.(new Error(`subscribe refused: ${res.error.message}`))
      h.onSubscribed(res.siteIds, res.devices ?? [])
    })
  })
  socket.on('disconnect', (reason) => {
    h.onDisconnected()
    // socket.io retries by itself except after a server-sent disconnect; a wall display must
    // always come back, so retry that too.
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 2000)
  })
  socket.on('connect_error', (err) => {
    // The handshake middleware refuses a bad or expired token; retrying will not help.
    if (err.message === 'UNAUTHORIZED') {
      socket.disconnect()
      h.onUnauthorized()
    } else h.onDisconnected()
  })
  const onDevice = h.onDevice
  if (onDevice) {
    socket.on('devices', (payloads) => payloads.forEach((p) => onDevice(p)))
    // Not sent to a batch subscriber; kept so a server without `batch` still feeds the wall.
    socket.on('device', onDevice)
  }
  if (h.onAlarm) socket.on('alarm', h.onAlarm)
  if (h.onFlood) socket.on('flood', h.onFlood)
  if (h.onAccess) socket.on('access', h.onAccess)
  if (h.onWorkOrder) socket.on('workorder', h.onWorkOrder)
  if (h.onEmergency) socket.on('emergency', h.onEmergency)
  if (h.onNotification) socket.on('notification', h.onNotification)
  if (h.onFloorPlan) socket.on('floorplan', h.onFloorPlan)
  return socket
}
