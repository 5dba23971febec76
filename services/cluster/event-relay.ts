// Domain events between Vigil's processes (`vigil api`, `vigil worker`, `vigil broker`) over Redis
// pub/sub. Each committed change is announced once, by the process that made it: its socket.io
// events go out through the Redis adapter, and this relay tells the other processes, which apply
// what concerns them (a registered device, a worker's live state mirrored by the API, an operator's
// acknowledgement the owning worker must follow). Nothing is re-announced on socket.io by a receiver,
// so a screen gets each event once.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { logRedisErrors } from './redis-errors.js'
import { createEventBus, type DomainEventMap, type EventBus } from '../core/events.js'

export type ProcessRole = 'api' | 'worker' | 'broker'

export const RELAYED_EVENTS = [
  'DeviceChanged', 'AlarmChanged', 'DeviceRegistryChanged', 'AlarmChattering', 'FloodChanged',
  'WorkOrderChanged', 'NotificationSent', 'EmergencyChanged', 'RuleOverrideChanged',
] as const satisfies ReadonlyArray<keyof DomainEventMap>

export type RemoteEvent = {
  [K in keyof DomainEventMap]: { origin: { id: string; role: ProcessRole }; name: K; payload: DomainEventMap[K] }
}[keyof DomainEventMap]

export interface EventRelay {
  readonly processId: string
  /**
   * Publishes every event `events` carries, except those `replay` put there, and returns the bus
   * of this process's own events (what it announces on socket.io).
   */
  publishFrom(events: EventBus): EventBus
  /** Runs fn for every event of another process. */
  onRemote(fn: (e: RemoteEvent) => void): void
  /** Emits a remote event into a local bus without publishing it back. */
  replay(events: EventBus, e: RemoteEvent): void
  close(): Promise<void>
}

export async function createEventRelay(opts: {
  redisUrl: string
  prefix: string
  role: ProcessRole
  logger: Logger
}): Promise<EventRelay> {
  const { logger, role } = opts
  const processId = `${role}-${randomUUID()}`
  const channel = `${opts.prefix}:events`
  const pub = new Redis(opts.redisUrl, { lazyConnect: true })
  const sub = new Redis(opts.redisUrl, { lazyConnect: true })
  logRedisErrors(pub, logger, 'events out')
  logRedisErrors(sub, logger, 'events in')
  await Promise.all([pub.connect(), sub.connect()])
  const handlers: Array<(e: RemoteEvent) => void> = []
  let replaying = false

  sub.on('message', (_channel: string, raw: string) => {
    let e: RemoteEvent
    try {
      e = JSON.parse(raw) as RemoteEvent
    } catch (err) {
      return logger.warn({ err }, 'unreadable cluster event ignored')
    }
    if (e.origin.id === processId) return
    for (const fn of handlers) {
      try {
        fn(e)
      } catch (err) {
        logger.error({ err, event: e.name }, 'cluster event handler failed')
      }
    }
  })
  await sub.subscribe(channel)

  return {
    processId,
    publishFrom(events) {
      const own = createEventBus((err) => logger.error({ err }, 'event listener failed'))
      for (const name of RELAYED_EVENTS) {
        events.on(name, (payload: DomainEventMap[typeof name]) => {
          if (replaying) return
          own.emit(name, payload as never)
          pub.publish(channel, JSON.stringify({ origin: { id: processId, role }, name, payload })).catch((err: unknown) => {
            logger.warn({ err, event: name }, 'cluster event not published')
          })
        })
      }
      return own
    },
    onRemote: (fn) => void handlers.push(fn),
    replay(events, e) {
      replaying = true
      try {
        events.emit(e.name, e.payload as never)
      } finally {
        replaying = false
      }
    },
    async close() {
      await Promise.allSettled([sub.quit(), pub.quit()])
    },
  }
}
