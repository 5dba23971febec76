// The embedded MQTT broker (aedes 1.2, MQTT 3.1.1): device authentication, the topic ACL and the
// hand-over of every device publish to ingest. No business rules here (STYLE.md layout).
import type net from 'node:net'
import { Aedes } from 'aedes'
import type { Logger } from 'pino'
import type { Metrics } from '../services/adapters/metrics.js'
import type { Clock } from '../services/core/clock.js'
import type { Device } from '../services/core/model.js'
import { deviceTopic } from '../services/core/topics.js'
import type { IngestService, LiveStateService } from '../services/contracts.js'
import type { DeviceDirectory } from '../services/devices/device-directory.js'
import type { DeviceSecrets } from '../services/devices/device-secrets.js'
import { createConnectionRegistry } from './connection-registry.js'
import { createAuthenticate } from './hooks/authenticate.js'
import { createAuthorizePublish } from './hooks/authorize-publish.js'
import { createAuthorizeSubscribe } from './hooks/authorize-subscribe.js'
import type { RedisBackends } from './redis-backends.js'

export interface BrokerDeps {
  directory: DeviceDirectory
  secrets: DeviceSecrets
  /** Embedded (`vigil all`): every device publish is ingested before its PUBACK. Absent in the broker role. */
  ingest?: IngestService
  /** Embedded: a device's last disconnect marks it offline. The broker role publishes an offline status instead. */
  liveState?: LiveStateService
  /** Broker role: aedes instances clustered over Redis, Vigil's workers as service clients. */
  cluster?: {
    backends: RedisBackends
    serviceCheck: (password: Buffer) => boolean
    refreshDirectory: () => Promise<void>
  }
  metrics: Metrics
  clock: Clock
  logger: Logger
}

export interface VigilBroker {
  aedes: Aedes
  /** Hands an accepted TCP (or TLS) socket to the broker. */
  handleConnection(socket: net.Socket): void
  /** Publishes a command to a device's `/cmd` topic at QoS 1 (CONTRACT.md §2). */
  publishCommand(device: Device, payload: object): Promise<void>
  close(): Promise<void>
}

export async function createBroker(deps: BrokerDeps): Promise<VigilBroker> {
  const { directory, secrets, ingest, liveState, cluster, metrics, clock, logger } = deps
  const registry = createConnectionRegistry()
  const aedes = await Aedes.createBroker({
    authenticate: createAuthenticate({
      directory, secrets, registry, metrics, clock, logger,
      ...(cluster ? { serviceCheck: cluster.serviceCheck, refreshDirectory: cluster.refreshDirectory } : {}),
    }),
    authorizePublish: createAuthorizePublish({ directory, registry, metrics, logger, ...(ingest ? { ingest } : {}) }),
    authorizeSubscribe: createAuthorizeSubscribe({ directory, registry, metrics }),
    ...(cluster ? { mq: cluster.backends.mq, persistence: cluster.backends.persistence } : {}),
  })

  /** Broker role: the workers learn of a device's last disconnect as an offline status (a will of sorts). */
  const announceOffline = (deviceId: string): void => {
    const device = directory.device(deviceId)
    if (device === undefined) return
    aedes.publish(
      { cmd: 'publish', topic: deviceTopic(device, 'status'), payload: Buffer.from('{"online":false}'), qos: 1, retain: false, dup: false },
      (err) => { if (err) logger.warn({ err, deviceId }, 'offline status not published') },
    )
  }

  aedes.on('client', (client) => {
    const deviceId = registry.connected(client)
    metrics.mqttConnected.set(registry.size())
    // A seq that falls back after a reconnect is a device restart (CONTRACT.md §2).
    if (deviceId !== undefined) ingest?.deviceConnected(deviceId)
  })
  const gone = (client: Parameters<typeof registry.disconnected>[0]): void => {
    const left = registry.disconnected(client)
    metrics.mqttConnected.set(registry.size())
    if (!left?.last) return
    if (liveState) liveState.markOffline(left.deviceId, 'disconnect')
    else if (cluster && !aedes.closed) announceOffline(left.deviceId)
  }
  aedes.on('clientDisconnect', gone)
  aedes.on('clientError', (client, err) => {
    logger.debug({ clientId: client.id, err: err.message }, 'MQTT client error')
    gone(client)
  })

  return {
    aedes,
    handleConnection(socket) {
      // Nagle's algorithm doubles p99 latency of small MQTT packets (STACK.md performance facts).
      socket.setNoDelay(true)
      aedes.handle(socket)
    },
    publishCommand(device, payload) {
      return new Promise<void>((resolve, reject) => {
        aedes.publish(
          { cmd: 'publish', topic: deviceTopic(device, 'cmd'), payload: Buffer.from(JSON.stringify(payload)), qos: 1, retain: false, dup: false },
          (err) => (err ? reject(err) : resolve()),
        )
      })
    },
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()))
      const persistence = cluster?.backends.persistence as { destroy?: (cb: () => void) => void } | undefined
      if (persistence?.destroy) await new Promise<void>((resolve) => persistence.destroy!(() => resolve()))
    },
  }
}
