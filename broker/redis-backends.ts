// Several aedes instances become one broker through Redis (ARCHITECTURE.md): mqemitter-redis
// carries every publish to every instance, aedes-persistence-redis keeps retained messages,
// subscriptions and offline QoS 1 queues where any instance finds them. Both are prefixed, so
// deployments (and test runs) can share one Redis without seeing each other.
import { createRequire } from 'node:module'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { logRedisErrors } from '../services/cluster/redis-errors.js'

const require = createRequire(import.meta.url)
// Neither ships typings for these entry points (STACK.md: use createRequire).
const { MQEmitterRedisPrefix } = require('mqemitter-redis') as { MQEmitterRedisPrefix: new (prefix: string, opts: object) => MQEmitterRedis }
const redisPersistence = require('aedes-persistence-redis') as (opts: object) => { destroy(cb?: () => void): void }

interface MQEmitterRedis {
  /** Re-emits its connections' errors; an 'error' nobody listens to would end the process. */
  state: { on(event: 'error', fn: (err: Error) => void): unknown }
  close(cb: () => void): void
}

export interface RedisBackends {
  mq: unknown
  persistence: unknown
}

export function createRedisBackends(url: string, prefix: string, logger: Logger): RedisBackends {
  const mq = new MQEmitterRedisPrefix(`${prefix}:mqtt:`, { connectionString: url })
  const conn = new Redis(url, { keyPrefix: `${prefix}:aedes:` })
  // Both connections of the emitter report through `state` (and reconnect by themselves).
  let last = ''
  mq.state.on('error', (err) => {
    if (err.message !== last) logger.warn({ err: err.message, connection: 'mqtt routing' }, 'Redis unreachable; reconnecting')
    last = err.message
  })
  logRedisErrors(conn, logger, 'mqtt sessions')
  return { mq, persistence: redisPersistence({ conn }) }
}
