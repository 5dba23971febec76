// Live screens over socket.io (CONTRACT.md §4), attached to the API's HTTP server with
// `new Server(httpServer)`: @fastify/websocket would take over the upgrade events (STACK.md
// finding 5). Domain events arrive on the EventBus after their change is committed
// (ARCHITECTURE.md "Durability") and go to one room per site.
import type http from 'node:http'
import { Server, type Socket } from 'socket.io'
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.js'
import type { EventBus } from '../core/events.js'
import type { Alarm, DeviceLive } from '../core/model.js'
import type { LiveStateService } from '../contracts.js'
import type { DeviceDirectory } from '../devices/device-directory.js'
import type { Metrics } from '../adapters/metrics.js'
import { createScaledClock } from '../adapters/clock.js'
import { createCoalescer } from './device-coalescer.js'
import { createTurnBatch } from './turn-batch.js'
import { corkBufferedFlushes, screenSockets } from './screen-sockets.js'
import { deviceRoom, parseSubscribe, siteRoom, subscriptionRooms } from './subscription.js'
import { toDeviceEvent, type ClientToServerEvents, type DeviceEventPayload, type ServerToClientEvents, type SocketData, type SocketUser } from './socket-events.js'

/** Per-user room for notifications; the `user:` prefix cannot collide with `site:` rooms. */
export const userRoom = (username: string): string => `user:${username}`

/** CONTRACT.md §4: at most one `device` event per device per 250 ms. */
export const DEVICE_EVENT_WINDOW_MS = 250
/** A `devices` array is split past this, so one frame stays a few hundred kilobytes at most. */
export const MAX_DEVICES_PER_EVENT = 1000

export interface RealtimeDeps {
  /**
   * The API's HTTP server. Absent in `vigil worker`: its socket.io server has no clients of its
   * own and reaches the API processes' clients through the Redis adapter.
   */
  httpServer?: http.Server
  /** Applied before anything is emitted (the Redis adapter across processes). */
  adapter?: Parameters<RealtimeServer['adapter']>[0]
  verifyToken: (token: string) => Promise<SocketUser | null>
  events: EventBus
  liveState: LiveStateService
  directory: DeviceDirectory
  metrics: Metrics
  logger: Logger
  /** Vigil's clock: the `ts` of events. */
  clock: Clock
  /**
   * Paces the 250 ms window. The window limits what a screen receives in real time, so it runs
   * on the wall clock even when Vigil's clock is scaled (VIGIL_CLOCK_SCALE) or driven by a test.
   */
  pacing?: Clock
}

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
export type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>

export interface Realtime {
  io: RealtimeServer
  close(): Promise<void>
}

export function createRealtime(deps: RealtimeDeps): Realtime {
  const { events, liveState, directory, metrics, logger, clock } = deps
  const options = {
    // The dashboard bundles socket.io-client; nothing needs the server-served copy.
    serveClient: false,
    // A wall display behind a flaky link should notice a dead connection within about 45 s.
    pingInterval: 20_000,
    pingTimeout: 25_000,
    maxHttpBufferSize: 64 * 1024,
    ...(deps.adapter ? { adapter: deps.adapter } : {}),
  }
  const io: RealtimeServer = deps.httpServer ? new Server(deps.httpServer, options) : new Server(options)

  ;(io.engine as typeof io.engine | undefined)?.on('connection', (raw: { request?: http.IncomingMessage }) => {
    // Node's HTTP server already sets TCP_NODELAY on accepted sockets (noDelay defaults to true);
    // asserting it here keeps the alarm path free of Nagle delays (STACK.md performance table).
    raw.request?.socket?.setNoDelay?.(true)
  })

  corkBufferedFlushes(io)

  io.use((socket, next) => {
    const token: unknown = socket.handshake.auth?.token
    if (typeof token !== 'string' || token === '') return next(new Error('UNAUTHORIZED'))
    deps.verifyToken(token).then(
      (user) => {
        if (!user) return next(new Error('UNAUTHORIZED'))
        socket.data.user = user
        socket.data.rooms = []
        next()
      },
      (err: unknown) => {
        logger.warn({ err }, 'socket.io token check failed')
        next(new Error('UNAUTHORIZED'))
      },
    )
  })

  io.on('connection', (socket: RealtimeSocket) => {
    metrics.socketClients.inc()
    // CONTRACT.md §4 `notification` goes "to the person it is for": every socket of a user joins their room.
    void socket.join(userRoom(socket.data.user.username))
    socket.on('disconnect', () => metrics.socketClients.dec())
    socket.on('subscribe', (payload, ack) => {
      const result = parseSubscribe(payload, socket.data.user.siteIds)
      const reply = typeof ack === 'function' ? ack : () => {}
      if (!result.ok) return reply({ error: result.error })
      const rooms = subscriptionRooms(result.siteIds, result.batch)
      for (const room of socket.data.rooms) if (!rooms.includes(room)) void socket.leave(room)
      socket.data.rooms = rooms
      void socket.join(rooms)
      if (!result.snapshot) return reply({ siteIds: result.siteIds })
      // The snapshot is taken after joining the rooms, so every later change reaches the
      // client as an event: no gap between the initial state and the live stream.
      const now = clock.now()
      const devices = (result.siteIds.length === 0 ? [] : liveState.list({ siteIds: result.siteIds }))
        .filter((live) => directory.get(live.deviceId))
        .map((live) => toDeviceEvent(live, now))
      reply({ siteIds: result.siteIds, devices })
    })
  })

  /** A change as the coalescer holds it: the payload (an ISO date, a copy) is built only if it is sent. */
  interface SeenChange {
    live: DeviceLive
    at: number
  }
  /**
   * A turn's changes, per site, in both forms: one `device` event each to the clients that take
   * them so, and one `devices` array to the clients that asked for `batch` (the wall display). With
   * 10 screens and a change per message, one frame per change and screen was most of the cost of
   * the live screens under load (issue #8 profile at 10,000 connections).
   */
  function sendChanges(changes: readonly SeenChange[]): void {
    const bySite = new Map<string, DeviceEventPayload[]>()
    for (const { live, at } of changes) {
      const payloads = bySite.get(live.siteId)
      if (payloads === undefined) bySite.set(live.siteId, [toDeviceEvent(live, at)])
      else payloads.push(toDeviceEvent(live, at))
    }
    for (const [siteId, payloads] of bySite) {
      const single = deviceRoom(siteId, false)
      if (hasMembers(io, single)) for (const p of payloads) io.to(single).emit('device', p)
      const batched = deviceRoom(siteId, true)
      if (!hasMembers(io, batched)) continue
      for (let i = 0; i < payloads.length; i += MAX_DEVICES_PER_EVENT) io.to(batched).emit('devices', payloads.slice(i, i + MAX_DEVICES_PER_EVENT))
    }
  }
  const outbox = createTurnBatch<SeenChange>({
    sockets: () => screenSockets(io),
    send: sendChanges,
    onError: (err) => logger.error({ err }, 'sending device events failed'),
  })
  const coalescer = createCoalescer<SeenChange>({
    windowMs: DEVICE_EVENT_WINDOW_MS,
    timer: deps.pacing ?? createScaledClock(1),
    send: (_deviceId, change) => outbox.push(change),
  })
  /** Emits a non-coalesced event after the device events already waiting, in the order they happened. */
  const emitNow = (room: string, send: (to: ReturnType<RealtimeServer['to']>) => void): void => {
    outbox.flushNow()
    send(io.to(room))
  }

  const unsubscribe = [
    events.on('DeviceChanged', (live: DeviceLive) => {
      // Nobody watches the site: no work (a screen that subscribes later gets the snapshot).
      if (!hasMembers(io, deviceRoom(live.siteId, false)) && !hasMembers(io, deviceRoom(live.siteId, true))) return
      // A change that raced with the device's deletion is not announced.
      if (!directory.get(live.deviceId)) return
      coalescer.push(live.deviceId, { live, at: clock.now() })
    }),
    // Alarms are never coalesced: every transition is something an operator must see.
    events.on('AlarmChanged', (alarm: Alarm) => {
      emitNow(siteRoom(alarm.siteId), (to) => to.emit('alarm', alarm))
    }),
    events.on('FloodChanged', (status) => {
      emitNow(siteRoom(status.siteId), (to) => to.emit('flood', status))
    }),
    events.on('EmergencyChanged', ({ emergency, change }) => {
      if (change !== 'updated') emitNow(siteRoom(emergency.siteId), (to) => to.emit('emergency', emergency))
    }),
    events.on('WorkOrderChanged', (wo) => {
      emitNow(siteRoom(wo.siteId), (to) => to.emit('workorder', wo))
    }),
    events.on('FloorPlanChanged', (change) => {
      io.to(siteRoom(change.siteId)).emit('floorplan', change)
    }),
    events.on('NotificationSent', (n) => {
      emitNow(userRoom(n.to), (to) => to.emit('notification', n))
    }),
  ]

  return {
    io,
    async close() {
      for (const off of unsubscribe) off()
      coalescer.close()
      outbox.close()
      // Closing the transports without a socket.io DISCONNECT packet lets screens reconnect on
      // their own when Vigil comes back (a server-sent disconnect would stop their retries).
      // Not io.close(): it would also close the HTTP server, which belongs to the API.
      ;(io.engine as typeof io.engine | undefined)?.close()
      metrics.socketClients.set(0)
    },
  }
}

const hasMembers = (io: RealtimeServer, room: string): boolean => (io.sockets.adapter.rooms.get(room)?.size ?? 0) > 0
