// Background QoS 1 load for fault tests: one device publishing telemetry with a window of
// publishes in flight, recording which seqs the broker acknowledged (the ones that must never be
// lost). Publishes that fail (the connection dropped, the server went away) are simply not counted.
import mqtt, { type MqttClient } from 'mqtt'

export interface QosLoad {
  readonly acked: ReadonlySet<number>
  sent(): number
  /** Stops publishing and waits for what is in flight to settle (acknowledged or failed). */
  stop(): Promise<void>
}

export async function startQosLoad(opts: {
  mqttUrl: string
  username: string
  password: string
  topic: string
  /** The telemetry body for a seq; `seq` is added. */
  body: (seq: number) => Record<string, unknown>
  window?: number
}): Promise<QosLoad> {
  const client: MqttClient = await mqtt.connectAsync(opts.mqttUrl, { username: opts.username, password: opts.password, reconnectPeriod: 0, connectTimeout: 5000 })
  client.on('error', () => undefined)
  const acked = new Set<number>()
  let seq = 0
  let inFlight = 0
  let running = true
  let settled: (() => void) | null = null
  const publishOne = (): void => {
    if (!running || !client.connected) return
    const s = ++seq
    inFlight++
    client.publish(opts.topic, JSON.stringify({ ...opts.body(s), seq: s }), { qos: 1 }, (err) => {
      inFlight--
      if (!err) acked.add(s)
      if (running) setImmediate(publishOne)
      else if (inFlight === 0) settled?.()
    })
  }
  client.on('close', () => settled?.())
  for (let i = 0; i < (opts.window ?? 20); i++) publishOne()
  return {
    acked,
    sent: () => seq,
    async stop() {
      running = false
      if (inFlight > 0 && client.connected) await new Promise<void>((r) => { settled = r; setTimeout(r, 10_000) })
      client.end(true)
    },
  }
}
