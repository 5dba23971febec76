// Several aedes instances become one broker through Redis (ARCHITECTURE.md): mqemitter-redis
// carries every publish to every instance, aedes-persistence-redis keeps retained messages,
// subscriptions and offline QoS 1 queues where any instance finds them. Both are prefixed, so
// deployments (and test runs) can share one Redis without seeing each other.
import { createRequire } from 'node:module'
import { Redis } from 'ioredis'

const require = createRequire(import.meta.url)
// Neither ships typings for these entry points (STACK.md: use createRequire).
const { MQEmitterRedisPrefix } = require('mqemitter-redis') as { MQEmitterRedisPrefix: new (prefix: string, opts: object) => { close(cb: () => void): void } }
const redisPersistence = require('aedes-persistence-redis') as (opts: object) => { destroy(cb?: () => void): void }

export interface RedisBackends {
  mq: unknown
  persistence: unknown
}

export function createRedisBackends(url: string, prefix: string): RedisBackends {
  return {
    mq: new MQEmitterRedisPrefix(`${prefix}:mqtt:`, { connectionString: url }),
    persistence: redisPersistence({ conn: new Redis(url, { keyPrefix: `${prefix}:aedes:` }) }),
  }
}
