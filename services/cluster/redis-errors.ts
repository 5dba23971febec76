// ioredis reconnects by itself after Redis goes away, but every connection emits 'error' on each
// failed attempt: with no listener ioredis prints "Unhandled error event" for each, and an
// EventEmitter that re-emits it (mqemitter-redis's `state`) throws and ends the process. Every
// Redis connection of a role gets this listener: one warning per distinct error, one line when it is back.
import type { Logger } from 'pino'

interface ErrorEmitter {
  on(event: 'error', fn: (err: Error) => void): unknown
  on(event: 'ready', fn: () => void): unknown
}

export function logRedisErrors(client: ErrorEmitter, logger: Logger, what: string): void {
  let last = ''
  client.on('error', (err: Error) => {
    if (err.message !== last) logger.warn({ err: err.message, connection: what }, 'Redis unreachable; reconnecting')
    last = err.message
  })
  client.on('ready', () => {
    if (last !== '') logger.info({ connection: what }, 'Redis reachable again')
    last = ''
  })
}
