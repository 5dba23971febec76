// A load-generator process (forked by load-fleet.ts): holds one MQTT connection per device, as real
// controllers do (CONTRACT.md §2: username = device id, a retained `{"online":false}` will, a
// retained `{"online":true}` on connect), and publishes at the rate the bench asks for, spread
// round-robin over its devices. Or, in subscriber mode, one connection counting what it receives
// (the bare-aedes baseline's subscriber).
import { connectMqtt, type MqttConn } from './mqtt-conn.js'
import { encodeTopic } from './mqtt-wire.js'
import type { FromWorker, LoadDevice, ToWorker, WorkerCounters } from './load-protocol.js'
import { encodeMessage, type PoolMessage } from './payloads.js'
import { createHistogram } from './stats.js'

// A controller with more than this many unacknowledged publishes waits (mqtt.js and the
// simulators bound theirs too); the message it would have sent counts as skipped.
const MAX_IN_FLIGHT = 16
const TICK_MS = 5
// After a stalled event loop, release at most this much backlog at once; the rest is skipped,
// which makes a saturated generator visible instead of bursting.
const MAX_BURST_MS = 100
const KEEPALIVE_SEC = 60

interface Dev {
  conn: MqttConn | null
  telemetry: Buffer
  event: Buffer
  pool: PoolMessage[]
  pos: number
  seq: number
}

const send = (m: FromWorker): void => void process.send?.(m)
const latency = createHistogram()
const c = { due: 0, sent: 0, skipped: 0, acked: 0, received: 0 }
let devs: Dev[] = []
let subscriber: MqttConn | null = null
let rate = 0
let qos: 0 | 1 = 1
let rateStart = 0
let issued = 0
let cursor = 0

function tick(): void {
  if (rate <= 0 || devs.length === 0) return
  const now = performance.now()
  let n = Math.floor((rate * (now - rateStart)) / 1000) - issued
  const cap = Math.max(1, Math.floor((rate * MAX_BURST_MS) / 1000))
  if (n > cap) {
    c.due += n - cap
    c.skipped += n - cap
    issued += n - cap
    n = cap
  }
  const ts = Date.now()
  for (let i = 0; i < n; i++) {
    issued++
    c.due++
    const d = devs[cursor]!
    cursor = cursor + 1 === devs.length ? 0 : cursor + 1
    const conn = d.conn
    if (conn === null || conn.closed || (qos === 1 ? conn.inFlight >= MAX_IN_FLIGHT : !conn.writable)) {
      c.skipped++
      continue
    }
    const m = d.pool[d.pos]!
    d.pos = d.pos + 1 === d.pool.length ? 0 : d.pos + 1
    conn.publish(m.kind === 'event' ? d.event : d.telemetry, encodeMessage(m, ts, ++d.seq), qos)
    c.sent++
  }
}

async function connectAll(host: string, port: number, list: LoadDevice[], pools: Record<string, PoolMessage[]>, concurrency: number): Promise<void> {
  const started = performance.now()
  let failed = 0
  let firstError: string | null = null
  devs = list.map((d) => {
    const base = `bldg/${d.siteId}/${d.type}/${d.id}`
    const pool = pools[d.pool] ?? [{ kind: 'telemetry', rest: '' }]
    return { conn: null, telemetry: encodeTopic(`${base}/telemetry`), event: encodeTopic(`${base}/event`), pool, pos: Math.floor(Math.random() * pool.length), seq: 0 }
  })
  let next = 0
  const one = async (): Promise<void> => {
    while (next < list.length) {
      const i = next++
      const d = list[i]!
      const status = `bldg/${d.siteId}/${d.type}/${d.id}/status`
      try {
        const conn = await connectMqtt(host, port, {
          clientId: `bench-${d.id}`,
          username: d.id,
          password: d.secret || 'none',
          keepaliveSec: KEEPALIVE_SEC,
          will: { topic: status, payload: '{"online":false}', qos: 1, retain: true },
        }, { onAck: (ms) => { c.acked++; latency.add(ms) } })
        conn.publish(encodeTopic(status), Buffer.from('{"online":true}'), 1, true)
        devs[i]!.conn = conn
      } catch (err) {
        failed++
        firstError ??= err instanceof Error ? err.message : String(err)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, one))
  send({ kind: 'ready', connected: list.length - failed, failed, firstError, connectMs: performance.now() - started })
}

async function subscribe(host: string, port: number, filter: string, q: 0 | 1): Promise<void> {
  const started = performance.now()
  subscriber = await connectMqtt(host, port, { clientId: `bench-subscriber-${process.pid}`, keepaliveSec: KEEPALIVE_SEC }, {
    onMessage: (_topic, payload) => {
      c.received++
      // Payloads start with {"ts":<13 digits>: the publisher's clock, same machine.
      const ts = Number(payload.toString('latin1', 6, 19))
      if (Number.isFinite(ts)) latency.add(Math.max(0.01, Date.now() - ts))
    },
  })
  const code = await subscriber.subscribe(filter, q)
  send({ kind: 'ready', connected: code === 128 ? 0 : 1, failed: code === 128 ? 1 : 0, firstError: code === 128 ? 'SUBACK 128' : null, connectMs: performance.now() - started })
}

function counters(): WorkerCounters {
  let inFlight = 0
  let connected = 0
  for (const d of devs) {
    if (d.conn === null || d.conn.closed) continue
    connected++
    inFlight += d.conn.inFlight
  }
  if (subscriber !== null && !subscriber.closed) connected++
  const cpu = process.cpuUsage()
  const out: WorkerCounters = { ...c, inFlight, connected, latency: latency.counts(), cpuMs: (cpu.user + cpu.system) / 1000 }
  latency.reset()
  return out
}

setInterval(tick, TICK_MS)
setInterval(() => {
  const now = Date.now()
  for (const d of devs) d.conn?.keepAlive(now)
  subscriber?.keepAlive(now)
}, 5000)

process.on('message', (m: ToWorker) => {
  switch (m.cmd) {
    case 'init':
      void connectAll(m.host, m.port, m.devices, m.pools, m.connectConcurrency)
      return
    case 'subscribe':
      subscribe(m.host, m.port, m.filter, m.qos).catch((err: unknown) => {
        send({ kind: 'ready', connected: 0, failed: 1, firstError: String(err), connectMs: 0 })
      })
      return
    case 'rate':
      tick()
      rate = m.perSecond
      qos = m.qos
      rateStart = performance.now()
      issued = 0
      return
    case 'snapshot':
      send({ kind: 'snapshot', counters: counters() })
      return
    case 'close':
      rate = 0
      for (const d of devs) d.conn?.end()
      subscriber?.end()
      send({ kind: 'closed' })
      setTimeout(() => process.exit(0), 200).unref()
      return
  }
})
process.on('disconnect', () => process.exit(0))
