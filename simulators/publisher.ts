// One MQTT connection per simulated device, as a real controller would hold (CONTRACT.md §2):
// username = device id, password = its secret, a retained `{"online":false}` will on its status
// topic, a retained `{"online":true}` on every connect, QoS 1, and reconnects with jittered
// exponential backoff so a broker restart is not met by every device at the same instant.
import mqtt, { type MqttClient } from 'mqtt'
import type { DeviceType } from '../services/core/device-types.js'
import { deviceTopic } from '../services/core/topics.js'

export interface Backoff {
  initialMs: number
  maxMs: number
}
export const DEFAULT_BACKOFF: Readonly<Backoff> = Object.freeze({ initialMs: 500, maxMs: 30_000 })
// Telemetry produced while a device cannot send is dropped, as a small controller without a
// buffer would; this bounds what waits for PUBACKs per connection.
const MAX_IN_FLIGHT = 500

/** "Equal jitter": half the exponential step fixed, half random. */
export function backoffDelay(attempt: number, b: Backoff, random: () => number = Math.random): number {
  const cap = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(attempt, 20))
  return Math.round(cap / 2 + (random() * cap) / 2)
}

export interface DeviceLinkOptions {
  url: string
  siteId: string
  device: { id: string; type: DeviceType }
  secret: string
  log: (line: string) => void
  /** The broker refused the credentials (CONNACK 4 or 5): a new secret to try, or null to keep the old one. */
  onAuthRefused?: (deviceId: string) => Promise<string | null>
  backoff?: Backoff
}

export interface DeviceLink {
  readonly deviceId: string
  readonly connected: boolean
  /** Resolves on the first accepted CONNACK; rejects with the first failure before it (retries go on). */
  readonly firstConnect: Promise<void>
  /**
   * QoS 1 publish: a promise that settles on the PUBACK (false if the send failed), or null when
   * the message was dropped because the device is offline or has too many unacknowledged.
   */
  publish(kind: 'telemetry' | 'event', payload: Record<string, unknown>): Promise<boolean> | null
  /** Says `{"online":false}` and disconnects cleanly. */
  close(): Promise<void>
}

const isAuthRefusal = (err: unknown): boolean => {
  const code = (err as { code?: unknown }).code
  return code === 4 || code === 5
}

export function connectDevice(opts: DeviceLinkOptions): DeviceLink {
  const ref = { siteId: opts.siteId, type: opts.device.type, id: opts.device.id }
  const statusTopic = deviceTopic(ref, 'status')
  const backoff = opts.backoff ?? DEFAULT_BACKOFF
  const client: MqttClient = mqtt.connect(opts.url, {
    username: opts.device.id,
    password: opts.secret,
    clientId: `sim-${opts.device.id}`,
    protocolVersion: 4,
    clean: true,
    keepalive: 30,
    connectTimeout: 10_000,
    // Reconnects are ours (below): mqtt.js only knows a fixed period.
    reconnectPeriod: 0,
    will: { topic: statusTopic, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
  })
  let closing = false
  let attempt = 0
  let timer: NodeJS.Timeout | null = null
  let inFlight = 0
  let everConnected = false
  let lastRotationMs = 0
  let authRefresh: Promise<void> | null = null
  let settleFirst: { resolve: () => void; reject: (e: Error) => void } | null = null
  const firstConnect = new Promise<void>((resolve, reject) => (settleFirst = { resolve, reject }))
  firstConnect.catch(() => undefined)

  client.on('connect', () => {
    attempt = 0
    everConnected = true
    settleFirst?.resolve()
    settleFirst = null
    client.publish(statusTopic, '{"online":true}', { qos: 1, retain: true })
  })
  client.on('error', (err) => {
    settleFirst?.reject(err)
    settleFirst = null
    if (!isAuthRefusal(err) || !opts.onAuthRefused || closing) return
    // Rotate at most once a minute per device, so a broken registry is not hammered.
    if (Date.now() - lastRotationMs < 60_000) return
    lastRotationMs = Date.now()
    const ask = opts.onAuthRefused
    authRefresh = ask(opts.device.id)
      .then((secret) => {
        if (secret) client.options.password = secret
      })
      .catch((e: unknown) => opts.log(`${opts.device.id}: could not get a new secret: ${(e as Error).message}`))
      .finally(() => (authRefresh = null))
  })
  let retryPending = false
  client.on('close', () => {
    if (closing || retryPending) return
    retryPending = true
    const delay = backoffDelay(attempt, backoff)
    attempt += 1
    if (everConnected && attempt === 1) opts.log(`${opts.device.id}: connection lost; reconnecting`)
    void (authRefresh ?? Promise.resolve()).then(() => {
      if (closing) return
      timer = setTimeout(() => {
        timer = null
        retryPending = false
        // Keep the stores: QoS 1 messages not yet acknowledged are sent again (MQTT 3.1.1 §4.4).
        client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore })
      }, delay)
    })
  })

  return {
    deviceId: opts.device.id,
    get connected() {
      return client.connected
    },
    firstConnect,
    publish(kind, payload) {
      if (!client.connected || inFlight >= MAX_IN_FLIGHT) return null
      inFlight += 1
      return new Promise((resolve) => {
        client.publish(deviceTopic(ref, kind), JSON.stringify(payload), { qos: 1 }, (err) => {
          inFlight -= 1
          resolve(!err)
        })
      })
    },
    async close() {
      closing = true
      if (timer) clearTimeout(timer)
      timer = null
      if (client.connected) {
        await Promise.race([
          client.publishAsync(statusTopic, '{"online":false}', { qos: 1, retain: true }).catch(() => undefined),
          new Promise((r) => setTimeout(r, 2_000).unref()),
        ])
      }
      await client.endAsync(true).catch(() => undefined)
    },
  }
}
