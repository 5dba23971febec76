// A worker reads one site's device topics as an MQTT client of the broker (`vigil broker` or an
// external one). The client id is the site's, not the worker's, and the session is persistent
// (clean: false) with QoS 1: messages published while no worker runs the site are queued by the
// broker under that id, and the worker that takes the site over inherits them. The PUBACK for
// each message goes back only after ingest has handled it (mqtt.js handleMessage), so a worker
// killed mid-batch leaves the unacknowledged messages to be delivered again to the next owner.
//
// mqtt.js reads the next packet only once the PUBACK of the previous one is sent, which would
// allow one message in flight per site and one database commit per message (about 500 msg/s).
// pipelineAcks lets it read on while each PUBACK waits, in arrival order (MQTT-4.6.0-2), for
// its message to be stored, so ingest commits many messages per transaction.
import mqtt, { type IPublishPacket, type MqttClient, type Packet } from 'mqtt'
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
  pipelineAcks(client, (packet) => {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
    return opts.handle(packet.topic, payload)
  }, (err) => {
    // No PUBACK: the broker keeps the message in the site's session and delivers it again.
    logger.error({ err, siteId }, 'message not stored; the broker will deliver it again')
    client.end(true, () => client.reconnect())
  })
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

type SendPacket = (packet: Packet, cb?: (err?: Error) => void) => void

/**
 * Runs `store` for every QoS 1 message as it arrives and sends its PUBACK only once it and every
 * earlier message are stored. mqtt.js has no public hook for deferring a 3.1.1 PUBACK, so this
 * wraps its internal `_sendPacket`; without it (a changed mqtt.js), messages are handled one at a
 * time through the public `handleMessage`, which is correct but slower.
 */
function pipelineAcks(client: MqttClient, store: (packet: IPublishPacket) => Promise<void>, failed: (err: unknown) => void): void {
  const internals = client as unknown as { _sendPacket?: SendPacket }
  const original = internals._sendPacket?.bind(client)
  if (original === undefined) {
    client.handleMessage = (packet, done) => {
      store(packet).then(() => done(), failed)
    }
    return
  }
  const storing = new Map<number, Promise<void>>()
  let acks: Promise<unknown> = Promise.resolve()
  // A PUBACK belongs to the connection its PUBLISH came on: after a failure or a lost connection
  // the pending ones are dropped, and the broker delivers those messages again.
  let connection = 0
  const dropPending = (): void => {
    connection++
    storing.clear()
  }
  client.on('close', dropPending)
  client.handleMessage = (packet, done) => {
    const stored = store(packet)
    if (packet.qos === 1 && packet.messageId !== undefined) storing.set(packet.messageId, stored)
    else stored.catch(failed)
    done()
  }
  internals._sendPacket = (packet, cb) => {
    const messageId = packet.cmd === 'puback' ? packet.messageId : undefined
    const stored = messageId === undefined ? undefined : storing.get(messageId)
    if (stored === undefined) return original(packet, cb)
    storing.delete(messageId!)
    // The reader goes on at once; the PUBACK follows the store, after the earlier PUBACKs.
    const on = connection
    acks = acks.then(() => stored).then(
      () => { if (on === connection) original(packet) },
      (err: unknown) => { if (on === connection) { dropPending(); failed(err) } },
    )
    cb?.()
  }
}
