// The phone's live link (CONTRACT.md §4): the same socket.io endpoint as the wall, subscribed
// without the device snapshot: an engineer's phone needs work orders and notifications, not the
// state of every device of the site.
import { io, type Socket } from 'socket.io-client'
import type { ClientToServerEvents, ServerToClientEvents, SubscribeAck } from './types.js'

export interface DutyHandlers {
  onSubscribed(): void
  onDisconnected(): void
  onUnauthorized(): void
  onWorkOrder: ServerToClientEvents['workorder']
  onNotification: ServerToClientEvents['notification']
}

export function connectDuty(token: () => string | null, siteIds: () => string[], h: DutyHandlers): Socket<ServerToClientEvents, ClientToServerEvents> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ auth: (cb) => cb({ token: token() }), transports: ['websocket', 'polling'], reconnectionDelay: 500, reconnectionDelayMax: 5000, timeout: 5000 })
  socket.on('connect', () => {
    socket.emit('subscribe', { siteIds: siteIds(), snapshot: false }, (res: SubscribeAck) => {
      if (!('error' in res)) h.onSubscribed()
    })
  })
  socket.on('disconnect', (reason) => {
    h.onDisconnected()
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 2000)
  })
  socket.on('connect_error', (err) => {
    if (err.message === 'UNAUTHORIZED') {
      socket.disconnect()
      h.onUnauthorized()
    } else h.onDisconnected()
  })
  socket.on('workorder', h.onWorkOrder)
  socket.on('notification', h.onNotification)
  return socket
}
