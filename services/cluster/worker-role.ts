// `vigil worker --sites a,b`: ingest, live state, rules, alarms, dispatch and emergencies for the
// sites it holds. The sites are configuration; which worker runs one right now is a lease in Redis
// (site-leases.ts), so a standby worker configured for the same sites takes over a dead one's.
//
// The services run as one "engine" per set of held sites, started from the database with reads
// scoped to those sites (site-scoped-repos.ts). When the set changes (a lease taken or lost), the
// engine is stopped and started again: its state then comes from what the previous owner
// committed, and the MQTT session of each site (site-subscriber.ts) hands over what that owner
// left unacknowledged. Alarms stay single because their upsert is atomic on (device, rule).
import { createAdapter } from '@socket.io/redis-adapter'
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.js'
import { createEventBus } from '../core/events.js'
import { parseTopic } from '../core/topics.js'
import type { Config } from '../config.js'
import { createDeviceDirectory, type DeviceDirectory } from '../devices/device-directory.js'
import { loadDirectory } from '../devices/device.service.js'
import { createRealtime, type Realtime } from '../realtime/realtime.service.js'
import { siteRoom } from '../realtime/subscription.js'
import { createServiceGraph, startEngine, stopIntake, stopTimers, type ServiceGraph } from '../service-graph.js'
import { SERVICE_USERNAME, servicePassword } from '../../broker/service-identity.js'
import type { EventBus } from '../core/events.js'
import type { RemoteEvent } from './event-relay.js'
import { applyRegistryChange, openRoleBasics } from './role-basics.js'
import { logRedisErrors } from './redis-errors.js'
import { scopeReposToSites } from './site-scoped-repos.js'
import { startSiteLeases, type SiteLeases } from './site-leases.js'
import { connectSiteSubscriber, type SiteSubscriber } from './site-subscriber.js'

export interface RunningWorker {
  processId: string
  /** The sites this worker runs now. */
  held(): string[]
  stop(): Promise<void>
}

interface Engine {
  sites: ReadonlySet<string>
  graph: ServiceGraph
  events: EventBus
  directory: DeviceDirectory
  realtime: Realtime
  closeAdapter(): Promise<void>
}

const SITE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/

function announcesOnline(payload: Buffer): boolean {
  try {
    return (JSON.parse(payload.toString('utf8')) as { online?: unknown }).online === true
  } catch {
    return false
  }
}

export function parseSites(raw: string): string[] {
  const sites = [...new Set(raw.split(',').map((s) => s.trim()).filter((s) => s !== ''))]
  if (sites.length === 0) throw new Error('--sites needs at least one site id, e.g. --sites north,south')
  const bad = sites.filter((s) => !SITE_ID.test(s))
  if (bad.length > 0) throw new Error(`--sites: ${bad.join(', ')} is not a site id (letters, digits, _ and -)`)
  return sites
}

export async function startWorkerRole(
  config: Readonly<Config>,
  opts: {
    sites: readonly string[]
    clock?: Clock
    logger?: Logger
    /**
     * The worker holds sites it cannot run (its services did not start: the database is down, say).
     * The CLI exits: the leases then lapse and a standby takes the sites, and a supervisor restarts this one.
     */
    onFatal?: (err: unknown) => void
  },
): Promise<RunningWorker> {
  const basics = await openRoleBasics(config, 'worker', opts)
  const { relay, logger } = basics
  const password = servicePassword(basics.key)
  const subscribers = new Map<string, SiteSubscriber>()
  let stopping: Promise<void> | null = null
  let engine: Engine | null = null
  // Messages wait here while the engine is being rebuilt; they are acknowledged only once handled.
  let ready: Promise<Engine | null> = Promise.resolve(null)

  async function handle(topic: string, payload: Buffer): Promise<void> {
    const e = await ready
    const parsed = parseTopic(topic)
    // Vigil's own commands to devices come back on the site filter: nothing to ingest.
    if (parsed === null || parsed.suffix === 'cmd') return
    if (e === null || !e.sites.has(parsed.siteId)) throw new Error(`site ${parsed.siteId} is not run by this worker`)
    // The embedded broker tells ingest of every (re)connect, so a restarted device's lower seq is a
    // new baseline (CONTRACT.md §2). A separate broker does not; the device's own `{"online": true}`
    // status, which it publishes on connecting, stands in for that signal here.
    if (parsed.suffix === 'status' && announcesOnline(payload)) e.graph.ingest.deviceConnected(parsed.deviceId)
    await e.graph.ingest.handle({ topic, payload, deviceId: parsed.deviceId })
  }

  async function stopEngine(e: Engine): Promise<void> {
    await stopIntake(e.graph)
    await e.realtime.close()
    await e.closeAdapter()
    await stopTimers(e.graph)
    await e.graph.telemetry.close()
  }

  async function buildEngine(sites: readonly string[]): Promise<Engine | null> {
    if (sites.length === 0) return null
    const repos = scopeReposToSites(basics.repos, sites)
    const directory = createDeviceDirectory(await loadDirectory(repos))
    const events = createEventBus((err) => logger.error({ err }, 'event listener failed'))
    const graph = createServiceGraph({ config, clock: basics.clock, logger, metrics: basics.metrics, events, repos, directory, secrets: basics.secrets })
    await startEngine(graph)
    // No HTTP server here: socket.io events reach the API processes' screens through the Redis adapter.
    const adapterClients = [basics.redis.duplicate(), basics.redis.duplicate()] as const
    for (const c of adapterClients) logRedisErrors(c, logger, 'socket.io')
    const realtime = createRealtime({
      adapter: createAdapter(adapterClients[0], adapterClients[1], { key: `${config.redisPrefix}:socket.io` }),
      verifyToken: () => Promise.resolve(null),
      events: relay.publishFrom(events), liveState: graph.liveState, directory, metrics: basics.metrics, logger, clock: basics.clock,
    })
    graph.announceAccess.to = (a) => realtime.io.to(siteRoom(a.siteId)).emit('access', a)
    const closeAdapter = async (): Promise<void> => { await Promise.allSettled(adapterClients.map((c) => c.quit())) }
    return { sites: new Set(sites), graph, events, directory, realtime, closeAdapter }
  }

  async function onLeasesChanged(held: readonly string[]): Promise<void> {
    if (stopping !== null) return
    const keep = new Set(held)
    for (const [site, sub] of subscribers) {
      if (keep.has(site)) continue
      subscribers.delete(site)
      await sub.close()
    }
    const previous = engine
    let resolveReady!: (e: Engine | null) => void
    ready = new Promise((r) => { resolveReady = r })
    try {
      engine = null
      if (previous) await stopEngine(previous)
      // A failed start leaves no engine: messages are then refused (not acknowledged) and come again.
      engine = await buildEngine(held)
    } catch (err) {
      logger.fatal({ err, sites: held }, 'cannot run the sites this worker holds')
      opts.onFatal?.(err)
      throw err
    } finally {
      resolveReady(engine)
    }
    logger.info({ sites: held }, 'worker runs these sites')
    for (const site of held) {
      if (subscribers.has(site)) continue
      subscribers.set(site, connectSiteSubscriber({
        brokerUrls: config.brokerUrls, username: SERVICE_USERNAME, password, clientPrefix: config.redisPrefix, siteId: site, handle, logger,
      }))
    }
  }

  // What an operator did through an API process, on a site this worker runs: follow it up here
  // (timers, work orders, emergencies) as `vigil all` does in one process.
  relay.onRemote((e: RemoteEvent) => {
    const current = engine
    if (current === null) return
    if (e.name === 'DeviceRegistryChanged') {
      void applyRegistryChange(e.payload, { repos: basics.repos, directory: current.directory, liveState: current.graph.liveState, accepts: (s) => current.sites.has(s) })
        .then(() => { if (current.sites.has(e.payload.siteId)) relay.replay(current.events, e) })
        .catch((err: unknown) => logger.warn({ err }, 'device registry change not applied'))
      return
    }
    if (e.name === 'RuleOverrideChanged') {
      current.graph.rules.reloadOverrides().catch((err: unknown) => logger.warn({ err }, 'rule overrides not re-read'))
      return
    }
    if (e.origin.role !== 'api') return
    if (e.name === 'AlarmChanged' && current.sites.has(e.payload.siteId)) {
      current.graph.alarms.follow(e.payload)
      relay.replay(current.events, e)
    } else if (e.name === 'WorkOrderChanged' && current.sites.has(e.payload.siteId)) {
      current.graph.workOrders.workOrders.follow(e.payload).catch((err: unknown) => logger.warn({ err }, 'work-order clock not followed'))
      relay.replay(current.events, e)
    } else if (e.name === 'EmergencyChanged' && current.sites.has(e.payload.emergency.siteId)) {
      relay.replay(current.events, e)
    }
  })

  const leases: SiteLeases = startSiteLeases({
    redis: basics.redis, prefix: config.redisPrefix, holder: relay.processId, sites: opts.sites, leaseMs: config.siteLeaseMs,
    onChange: onLeasesChanged, logger,
  })

  return {
    processId: relay.processId,
    held: () => leases.held(),
    stop: () => (stopping ??= (async () => {
      await Promise.all([...subscribers.values()].map((s) => s.close()))
      subscribers.clear()
      if (engine) await stopEngine(engine)
      engine = null
      // Released last: a standby takes the sites only once everything here is committed.
      await leases.stop()
      await basics.close()
    })()),
  }
}
