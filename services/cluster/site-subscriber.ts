// A worker reads one site's device topics as an MQTT client of the broker (`vigil broker` or an
// external one). The client id is the site's, not the worker's, and the session is persistent
// (clean: false) with QoS 1: messages published while no worker runs the site are queued by the
// broker under that id, and the worker that takes the site over inherits them. The PUBACK for
// each message goes back only after ingest has handled it (mqtt.js handleMessage), so a worker
// killed mid-batch leaves the unacknowledged messages to be delivered again to the next owner.
import mqtt, { type MqttClient } from 'mqtt'
import type { Logger } from 'pino'

export interface SiteSubscriber {
  siteId: string
  close(): Promise<void>
}

export function siteClientId(prefix: string, siteId: string): string {
  return `${prefix}-site-${siteId}`
}

export function siteTopicFilter(siteId: string): string {
  return `bldg/${siteId}/+/+/+`
}

/** Connects in the background and keeps reconnecting: a broker that is down now is tried again. */
export function connectSiteSubscriber(opts: {
  /** One or more brokers of the cluster; the client moves to the next when one fails. */
  brokerUrls: readonly string[]
  username: string
  password: string
  clientPrefix: string
  siteId: string
  handle: (topic: string, payload: Buffer) => Promise<void>
  logger: Logger
}): SiteSubscriber {
  const { siteId, logger } = opts
  const servers = opts.brokerUrls.map((u) => {
    const url = new URL(u)
    return { host: url.hostname, port: Number(url.port || (url.protocol === 'mqtts:' ? 8883 : 1883)), protocol: url.protocol.replace(':', '') as 'mqtt' | 'mqtts' }
  })
  const client: MqttClient = mqtt.connect({
    servers,
    clientId: siteClientId(opts.clientPrefix, siteId),
    clean: false,
    username: opts.username,
    password: opts.password,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    protocolVersion: 4,
  })
  client.handleMessage = (packet, done) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
    opts.handle(packet.topic, payload).then(
      () => done(),
      (err: unknown) => {
        // No PUBACK: the broker keeps the message in the site's session and delivers it again.
        logger.error({ err, siteId }, 'message not stored; the broker will deliver it again')
        client.end(true, () => client.reconnect())
      },
    )
  }
  client.on('error', (err) => logger.warn({ err: err.message, siteId }, 'site subscriber MQTT error'))
  client.on('connect', (connack) => {
    // A session the broker kept still has the subscription; subscribing again is harmless.
    if (!connack.sessionPresent) logger.info({ siteId }, 'new MQTT session for the site')
    client.subscribe(siteTopicFilter(siteId), { qos: 1 }, (err, granted) => {
      if (err || granted?.some((g) => g.qos === 128)) logger.error({ err, siteId, granted }, 'subscription to the site refused')
    })
  })
  return {
    siteId,
    close: () => client.endAsync(),
  }
}
