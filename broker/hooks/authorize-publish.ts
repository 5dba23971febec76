// PUBLISH: the topic ACL (CONTRACT.md §2: a device publishes only to its own telemetry, event and
// status topics), then the hand-over to ingest.
//
// Why ingest runs here and not in the `published` hook: in aedes 1.2.0 a PUBLISH goes through
// runSeries(client, [authorizePublish, enqueuePublish]) (lib/handlers/publish.js handlePublish),
// and for QoS 1 enqueuePublish writes the PUBACK *before* calling broker.publish, which is what
// ends in `published` (lib/handlers/publish.js enqueuePublish, `case 1`; aedes.js callPublished).
// So `published` runs after the PUBACK is on the wire; only this hook runs before it. Calling back
// when ingest has committed the message is what makes an acknowledged QoS 1 publish durable.
// In the broker role (`vigil broker`) there is no ingest here: the broker acknowledges on its own
// terms (stored in Redis) and the workers ingest as subscribers; Vigil's service client may then
// publish only device commands.
// aedes also routes a client's will through this hook (lib/client.js close -> finish), so a
// device's `{"online": false}` will reaches ingest like any status.
import type { AedesOptions } from 'aedes'
import type { Logger } from 'pino'
import type { Metrics } from '../../services/adapters/metrics.js'
import { parseTopic } from '../../services/core/topics.js'
import type { IngestService } from '../../services/contracts.js'
import type { DeviceDirectory } from '../../services/devices/device-directory.js'
import type { ConnectionRegistry } from '../connection-registry.js'

export function createAuthorizePublish(deps: {
  directory: DeviceDirectory
  registry: ConnectionRegistry
  /** Embedded broker only; absent in the broker role. */
  ingest?: IngestService
  metrics: Metrics
  logger: Logger
}): NonNullable<AedesOptions['authorizePublish']> {
  const { directory, registry, ingest, metrics, logger } = deps
  return (client, packet, callback) => {
    // The server's own publishes (commands, $SYS, wills of another broker) have no client.
    if (client === null) return callback(null)
    if (registry.isService(client)) {
      if (parseTopic(packet.topic)?.suffix === 'cmd') return callback(null)
      metrics.mqttAclRefused.inc({ kind: 'publish' })
      return callback(new Error('publish not authorized'))
    }
    const deviceId = registry.deviceOf(client)
    const device = deviceId === undefined ? undefined : directory.device(deviceId)
    const topic = parseTopic(packet.topic)
    if (
      device === undefined ||
      topic === null ||
      topic.suffix === 'cmd' ||
      topic.deviceId !== device.id ||
      topic.siteId !== device.siteId ||
      topic.type !== device.type
    ) {
      metrics.mqttAclRefused.inc({ kind: 'publish' })
      logger.info({ deviceId, topic: packet.topic.slice(0, 256) }, 'MQTT publish refused by the topic ACL')
      // MQTT 3.1.1 has no negative PUBACK: aedes closes the connection on an error here.
      return callback(new Error('publish not authorized'))
    }
    if (ingest === undefined) return callback(null)
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
    const handled = ingest.handle({ topic: packet.topic, payload, deviceId: device.id })
    if (packet.qos === 0) {
      // QoS 0 has no acknowledgement to hold back: let aedes read the device's next packet while
      // the batch commits, instead of pacing every QoS 0 publisher by the commit.
      handled.catch((err: unknown) => logger.warn({ err, deviceId: device.id }, 'QoS 0 message not stored'))
      return callback(null)
    }
    handled.then(
      () => callback(null),
      // Not stored: no PUBACK; the connection closes and the device resends after reconnecting.
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    )
  }
}
