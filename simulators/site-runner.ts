// Runs a simulated site against a live Vigil: provisions it through the API, opens one MQTT
// connection per device, and steps the simulation on a timer, publishing what it produces.
import net from 'node:net'
import type { ApiClient } from './api-client.js'
import type { DeviceSpec } from './fleet-plan.js'
import { createFleet } from './fleet.js'
import { provisionSite } from './provision.js'
import { connectDevice, type DeviceLink } from './publisher.js'
import type { SecretStore } from './secret-store.js'
import { createSiteSimulation, type ScenarioRun, type SiteSimulation } from './site-simulation.js'

export interface SiteRunnerOptions {
  mqttUrl: string
  api: ApiClient
  secrets: SecretStore
  site: { id: string; name: string; timezone?: string }
  specs: readonly DeviceSpec[]
  /** Simulation steps per second. */
  rateHz: number
  log: (line: string) => void
  /** How long to wait for the first connections before calling the broker unreachable. */
  connectTimeoutMs?: number
  /** The simulation's clock (default the wall clock); tests share Vigil's manual clock. */
  now?: () => number
  /** Step on a timer at rateHz (default); false leaves stepping to tick(). */
  autoTick?: boolean
}

export interface SiteRunner {
  readonly simulation: SiteSimulation
  play(scenario: string): ScenarioRun
  /** One simulation step; resolves when every message it published was acknowledged. */
  tick(): Promise<void>
  stats(): { devices: number; connected: number; published: number; dropped: number; failed: number }
  stop(): Promise<void>
}

export class BrokerUnreachableError extends Error {
  override name = 'BrokerUnreachableError'
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'mqtt:': 1883, 'tcp:': 1883, 'mqtts:': 8883, 'ssl:': 8883, 'ws:': 80, 'wss:': 443 }

/** A TCP connect to the broker's address: an unreachable broker is reported before anything is registered. */
export async function probeBroker(url: string, timeoutMs = 5_000): Promise<void> {
  const u = new URL(url)
  const port = u.port ? Number(u.port) : (DEFAULT_PORTS[u.protocol] ?? 1883)
  const host = u.hostname.replace(/^\[|\]$/g, '')
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port })
    const fail = (why: string): void => {
      socket.destroy()
      reject(new BrokerUnreachableError(`cannot reach the MQTT broker at ${url}: ${why}`))
    }
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs / 1000} s`))
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message))
    socket.once('connect', () => {
      socket.destroy()
      resolve()
    })
  })
}

export async function startSiteRunner(opts: SiteRunnerOptions): Promise<SiteRunner> {
  const { api, secrets, log } = opts
  await probeBroker(opts.mqttUrl)
  const prov = await provisionSite({ api, secrets, site: opts.site, devices: opts.specs })
  log(
    `site ${opts.site.id} (${opts.site.name})${prov.siteCreated ? ' created' : ''}: ${opts.specs.length} devices ` +
      `(${prov.registered} registered, ${prov.reused} known, ${prov.rotated} with a new secret)`,
  )
  const simulation = createSiteSimulation(createFleet(opts.specs, secrets.siteKey(opts.site.id)))
  const onAuthRefused = async (deviceId: string): Promise<string> => {
    const secret = await api.rotateSecret(deviceId)
    secrets.set(api.baseUrl, deviceId, secret)
    log(`${deviceId}: the broker refused its secret; issued a new one`)
    return secret
  }
  const links = new Map<string, DeviceLink>()
  for (const spec of opts.specs) {
    const secret = prov.secrets.get(spec.id)
    if (secret === undefined) continue
    links.set(spec.id, connectDevice({ url: opts.mqttUrl, siteId: opts.site.id, device: spec, secret, log, onAuthRefused }))
  }
  const stopLinks = async (): Promise<void> => {
    await Promise.all([...links.values()].map((l) => l.close()))
  }

  const results = await Promise.race([
    Promise.allSettled([...links.values()].map((l) => l.firstConnect)),
    new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), opts.connectTimeoutMs ?? 10_000).unref()),
  ])
  const anyConnected = [...links.values()].some((l) => l.connected)
  const failures = results === 'timeout' ? [] : results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as { code?: unknown; message?: string })
  // A refused secret means the broker answered: those devices retry with a rotated secret.
  const onlyRefusals = failures.length > 0 && failures.every((f) => f.code === 4 || f.code === 5)
  if (!anyConnected && !onlyRefusals) {
    await stopLinks()
    const first = failures[0]
    const why = first ? String(first.code ?? first.message) : 'no answer within the connect timeout'
    throw new BrokerUnreachableError(`cannot reach the MQTT broker at ${opts.mqttUrl}: ${why}`)
  }

  const now = opts.now ?? Date.now
  let published = 0
  let dropped = 0
  let failed = 0
  const tick = async (): Promise<void> => {
    const acks: Array<Promise<boolean>> = []
    for (const m of simulation.tick(now())) {
      const ack = links.get(m.deviceId)?.publish(m.kind, m.payload) ?? null
      if (ack === null) dropped += 1
      else acks.push(ack)
    }
    for (const ok of await Promise.all(acks)) {
      if (ok) published += 1
      else failed += 1
    }
  }
  const timer = opts.autoTick === false ? null : setInterval(() => void tick(), Math.max(20, Math.round(1000 / opts.rateHz)))
  if (timer) void tick()

  return {
    simulation,
    play: (scenario) => simulation.play(scenario, now()),
    tick,
    stats: () => ({ devices: links.size, connected: [...links.values()].filter((l) => l.connected).length, published, dropped, failed }),
    async stop() {
      if (timer) clearInterval(timer)
      await stopLinks()
    },
  }
}
