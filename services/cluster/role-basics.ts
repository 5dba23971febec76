// What every process of a multi-process deployment shares: PostgreSQL, Redis, the secret key.
// `vigil all` needs none of this; the other roles refuse to start without it, with one line.
import { mkdirSync } from 'node:fs'
import { Redis } from 'ioredis'
import { pino, type Logger } from 'pino'
import { createScaledClock } from '../adapters/clock.js'
import { createMetrics, type Metrics } from '../adapters/metrics.js'
import { openSqlRepos } from '../adapters/sql/sql-repos.js'
import type { Clock } from '../core/clock.js'
import type { DependencyHealth, Repos } from '../core/ports.js'
import { ConfigError, type Config } from '../config.js'
import { loadOrCreateSecretKey } from '../secret-key.js'
import { createDeviceSecrets, type DeviceSecrets } from '../devices/device-secrets.js'
import type { DeviceDirectory } from '../devices/device-directory.js'
import { loadDirectory } from '../devices/device.service.js'
import type { LiveStateService } from '../contracts.js'
import type { DomainEventMap } from '../core/events.js'
import { logRedisErrors } from './redis-errors.js'
import { createEventRelay, type EventRelay, type ProcessRole } from './event-relay.js'

export interface RoleBasics {
  config: Readonly<Config>
  logger: Logger
  clock: Clock
  metrics: Metrics
  repos: Repos
  key: Buffer
  secrets: DeviceSecrets
  relay: EventRelay
  /** A Redis connection for this process's own commands (leases, the socket.io adapter). */
  redis: Redis
  redisUrl: string
  /** For /readyz: Redis carries the cluster (events, socket.io, leases, the brokers' messages). */
  redisHealth(): DependencyHealth
  close(): Promise<void>
}

/** The one-line refusal of a role started without the shared services it needs. */
export function requireSharedServices(config: Readonly<Config>, role: ProcessRole): { databaseUrl: string; redisUrl: string } {
  const missing = [
    config.databaseUrl ? null : 'VIGIL_DATABASE_URL (PostgreSQL)',
    config.redisUrl ? null : 'VIGIL_REDIS_URL',
    config.secretKey ? null : 'VIGIL_SECRET_KEY (the same in every process)',
  ].filter((m): m is string => m !== null)
  if (missing.length > 0) throw new ConfigError(`"vigil ${role}" needs ${missing.join(', ')}; "vigil all" runs on one machine without them`)
  return { databaseUrl: config.databaseUrl!, redisUrl: config.redisUrl! }
}

export async function openRoleBasics(config: Readonly<Config>, role: ProcessRole, opts: { clock?: Clock; logger?: Logger } = {}): Promise<RoleBasics> {
  const { databaseUrl, redisUrl } = requireSharedServices(config, role)
  mkdirSync(config.dataDir, { recursive: true })
  const logger = opts.logger ?? pino({ level: config.logLevel, base: { role } }, pino.destination(2))
  const clock = opts.clock ?? createScaledClock(config.clockScale)
  const key = loadOrCreateSecretKey(config.dataDir, config.secretKey)
  const repos = await openSqlRepos({ url: databaseUrl, clock })
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 })
  logRedisErrors(redis, logger, 'commands')
  let lastError = ''
  redis.on('error', (err: Error) => { lastError = err.message })
  redis.on('ready', () => { lastError = '' })
  try {
    await redis.connect()
  } catch (err) {
    await repos.close()
    throw new Error(`cannot reach Redis at ${redisUrl}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  const relay = await createEventRelay({ redisUrl, prefix: config.redisPrefix, role, logger })
  return {
    config, logger, clock, metrics: createMetrics(), repos, key, secrets: createDeviceSecrets(key), relay, redis, redisUrl,
    redisHealth: () => (redis.status === 'ready' ? { ok: true } : { ok: false, detail: lastError || `connection ${redis.status}` }),
    async close() {
      await relay.close()
      await redis.quit().catch(() => undefined)
      await repos.close()
    },
  }
}

/** Keeps an in-memory directory (and live state) in step with a device another process registered, changed or removed. */
export async function applyRegistryChange(
  e: DomainEventMap['DeviceRegistryChanged'],
  deps: { repos: Repos; directory: DeviceDirectory; liveState?: LiveStateService; accepts?: (siteId: string) => boolean },
): Promise<void> {
  const { repos, directory, liveState } = deps
  const device = e.deleted ? undefined : await repos.devices.get(e.deviceId)
  const secrets = device ? await repos.devices.getSecrets(e.deviceId) : undefined
  if (device === undefined || secrets === undefined || (deps.accepts && !deps.accepts(device.siteId))) {
    directory.remove(e.deviceId)
    liveState?.remove(e.deviceId)
    return
  }
  directory.upsert({ device, ...secrets })
  liveState?.ensure(device)
}

/**
 * Re-reads the whole directory. A request made while a read is waiting joins it; reads are at
 * least `minGapMs` apart, so a storm of unknown devices costs one read per gap, and a request is
 * never dropped (the device registered a moment ago is found by the next read).
 */
export function createDirectoryRefresher(repos: Repos, directory: DeviceDirectory, minGapMs = 250): () => Promise<void> {
  let waiting: Promise<void> | null = null
  let previous: Promise<unknown> = Promise.resolve()
  let last = 0
  return () => {
    if (waiting) return waiting
    const next = previous.then(async () => {
      const gap = last + minGapMs - Date.now()
      if (gap > 0) await new Promise((r) => setTimeout(r, gap))
      waiting = null
      try {
        const entries = await loadDirectory(repos)
        const ids = new Set(entries.map((en) => en.device.id))
        for (const en of entries) directory.upsert(en)
        for (const d of directory.all()) if (!ids.has(d.id)) directory.remove(d.id)
      } finally {
        last = Date.now()
      }
    })
    waiting = next
    previous = next.catch(() => undefined)
    return next
  }
}
