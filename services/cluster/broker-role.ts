// `vigil broker`: aedes with device authentication and the topic ACL (CONTRACT.md §2), clustered
// with the other brokers over Redis. It ingests nothing: a device's QoS 1 publish is acknowledged
// once the broker has it (its persistence is Redis), and the workers read it as subscribers.
import net from 'node:net'
import tls from 'node:tls'
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.js'
import type { Config } from '../config.js'
import { createDeviceDirectory } from '../devices/device-directory.js'
import { loadDirectory } from '../devices/device.service.js'
import { loadTls } from '../security/tls.js'
import { createBroker } from '../../broker/create-broker.js'
import { createRedisBackends } from '../../broker/redis-backends.js'
import { createServiceCheck } from '../../broker/service-identity.js'
import { listen } from '../listen.js'
import { createDirectoryRefresher, openRoleBasics } from './role-basics.js'

export interface RunningBroker {
  ports: { mqtt: number; mqtts: number | null }
  stop(): Promise<void>
}

export async function startBrokerRole(config: Readonly<Config>, opts: { clock?: Clock; logger?: Logger } = {}): Promise<RunningBroker> {
  const tlsMaterial = loadTls(config)
  const basics = await openRoleBasics(config, 'broker', opts)
  const { repos, relay, logger, metrics, clock, secrets, key } = basics
  const directory = createDeviceDirectory(await loadDirectory(repos))
  const refreshDirectory = createDirectoryRefresher(repos, directory)
  // A device registered, changed or removed through an API process is known here at once.
  relay.onRemote((e) => {
    if (e.name === 'DeviceRegistryChanged') refreshDirectory().catch((err: unknown) => logger.warn({ err }, 'device directory refresh failed'))
  })
  const broker = await createBroker({
    directory, secrets, metrics, clock, logger,
    cluster: { backends: createRedisBackends(basics.redisUrl, config.redisPrefix, logger), serviceCheck: createServiceCheck(key), refreshDirectory },
  })
  const mqttServer = net.createServer((socket) => broker.handleConnection(socket))
  const mqttsServer = tlsMaterial === null ? null : tls.createServer({ ...tlsMaterial, minVersion: 'TLSv1.2' }, (socket) => broker.handleConnection(socket))
  let stopping: Promise<void> | null = null
  const stop = (): Promise<void> => (stopping ??= (async () => {
    const closed = Promise.all([new Promise<void>((r) => mqttServer.close(() => r())), mqttsServer ? new Promise<void>((r) => mqttsServer.close(() => r())) : undefined])
    await broker.close()
    await closed
    await basics.close()
  })())
  try {
    const mqtt = await listen(mqttServer, config.mqttPort, config.host, 'MQTT')
    const mqtts = mqttsServer ? await listen(mqttsServer, config.mqttsPort, config.host, 'MQTTS') : null
    return { ports: { mqtt, mqtts }, stop }
  } catch (err) {
    await stop().catch(() => undefined)
    throw err
  }
}
