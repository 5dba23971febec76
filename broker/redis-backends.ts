// Several aedes instances become one broker through Redis (ARCHITECTURE.md): mqemitter-redis
// carries every publish to every instance, aedes-persistence-redis keeps retained messages,
// subscriptions and offline QoS 1 queues where any instance finds them. Both are prefixed, so
// deployments (and test runs) can share one Redis without seeing each other.
import { createRequire } from 'node:module'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { retryRoutingAcrossOutages } from './redis-routing.js'
import { logRedisErrors } from '../services/cluster/redis-errors.js'

const require = createRequire(import.meta.url)
// Neither ships typings for these entry points (STACK.md: use createRequire).
const { MQEmitterRedisPrefix } = require('mqemitter-redis') as { MQEmitterRedisPrefix: new (prefix: string, opts: object) => MQEmitterRedis }
const redisPersistence = require('aedes-persistence-redis') as (opts: object) => { destroy(cb?: () => void): void }

interface MQEmitterRedis {
  closed?: boolean
  closing?: boolean
  emit(msg: unknown, done?: (err?: Error) => void): unknown
  /** Re-emits its connections' errors; an 'error' nobody listens to would end the process. */
  state: { on(event: 'error', fn: (err: Error) => void): unknown }
  close(cb: () => void): void
}

export interface RedisBackends {
  mq: unknown
  persistence: unknown
}

export function createRedisBackends(url: string, prefix: string, logger: Logger): RedisBackends {
  // aedes sends a QoS 1 PUBACK on receipt, before routing: routing must not give up while Redis is
  // away (redis-routing.ts). Publishes fail fast and are retried there; the rest waits for Redis.
  const forever = { maxRetriesPerRequest: null }
  const pubConn = new Redis(url, { enableOfflineQueue: false, autoResendUnfulfilledCommands: false })
  const subConn = new Redis(url, forever)
  const mq = new MQEmitterRedisPrefix(`${prefix}:mqtt:`, { pubConn, subConn })
  let retries = 0
  retryRoutingAcrossOutages(mq, pubConn, subConn, (err) => {
    if (retries++ % 100 === 0) logger.warn({ err: err.message, retries }, 'MQTT routing waits for Redis')
  })
  const conn = new Redis(url, { keyPrefix: `${prefix}:aedes:`, ...forever })
  // Both connections of the emitter report through `state` (and reconnect by themselves).
  let last = ''
  mq.state.on('error', (err) => {
    if (err.message !== last) logger.warn({ err: err.message, connection: 'mqtt routing' }, 'Redis unreachable; reconnecting')
    last = err.message
  })
  logRedisErrors(conn, logger, 'mqtt sessions')
  return { mq, persistence: redisPersistence({ conn }) }
}
