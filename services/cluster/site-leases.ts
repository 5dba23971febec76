// Which worker runs which site (issue #9): a lease per site in Redis, taken with SET NX PX and
// renewed well before it expires. A worker that dies stops renewing; after the lease time another
// worker configured for the site takes it. Renewal and release only touch a lease this worker
// still holds (compare-and-set in Lua), so a late renewal never steals a site back.
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

export interface SiteLeases {
  /** The sites this worker holds now. */
  held(): string[]
  /** Gives up every lease held, so a standby takes over at once (a clean stop). */
  stop(): Promise<void>
}

export function leaseKey(prefix: string, siteId: string): string {
  return `${prefix}:lease:site:${siteId}`
}

export function startSiteLeases(opts: {
  redis: Redis
  prefix: string
  holder: string
  sites: readonly string[]
  leaseMs: number
  /** Called one change at a time, in order, with the sites held after it; renewals do not wait for it. */
  onChange: (held: readonly string[]) => Promise<void>
  logger: Logger
}): SiteLeases {
  const { redis, prefix, holder, sites, leaseMs, logger } = opts
  const held = new Set<string>()
  let stopped = false
  let timer: NodeJS.Timeout | null = null
  let changes: Promise<void> = Promise.resolve()

  async function checkOnce(): Promise<void> {
    let changed = false
    for (const site of sites) {
      const key = leaseKey(prefix, site)
      if (held.has(site)) {
        const renewed = await redis.eval(RENEW, 1, key, holder, String(leaseMs))
        if (renewed !== 1) {
          held.delete(site)
          changed = true
          logger.warn({ site }, 'site lease lost; another worker runs it now')
        }
      } else if ((await redis.set(key, holder, 'PX', leaseMs, 'NX')) === 'OK') {
        held.add(site)
        changed = true
        logger.info({ site }, 'site lease taken')
      }
    }
    if (changed && !stopped) {
      // Renewals go on while the worker reorganises (a slow start must not let its leases lapse);
      // the changes themselves are applied one after another, in order.
      const now = [...held].sort()
      changes = changes.then(() => (stopped ? undefined : opts.onChange(now))).catch((err: unknown) => logger.error({ err }, 'applying the site leases failed'))
    }
  }

  const loop = (): void => {
    if (stopped) return
    checkOnce().catch((err: unknown) => logger.error({ err }, 'site lease check failed')).finally(() => {
      // A third of the lease: two renewals may fail (a Redis hiccup) before the lease runs out.
      if (!stopped) timer = setTimeout(loop, Math.max(100, Math.floor(leaseMs / 3)))
    })
  }
  loop()

  return {
    held: () => [...held].sort(),
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await changes
      await Promise.all([...held].map((site) => redis.eval(RELEASE, 1, leaseKey(prefix, site), holder)))
      held.clear()
    },
  }
}
