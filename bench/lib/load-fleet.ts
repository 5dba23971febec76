// The load generator as the bench sees it: a few worker processes (load-worker.ts) sharing the
// devices and the offered rate, plus an optional subscriber process; their counters summed.
import { forkWorker, type Worker } from './child.js'
import type { FromWorker, LoadDevice, ToWorker, WorkerCounters } from './load-protocol.js'
import type { Pools } from './payloads.js'
import { createHistogram, type Histogram } from './stats.js'

export interface FleetSnapshot {
  atMs: number
  due: number
  sent: number
  skipped: number
  acked: number
  inFlight: number
  received: number
  connected: number
  /** Publishers' PUBACK latency since the previous snapshot. */
  ackLatency: Histogram
  /** The subscriber's publish-to-delivery latency since the previous snapshot (ms resolution). */
  deliveryLatency: Histogram
  /** CPU ms used by the generator processes since they started. */
  cpuMs: number
}

export interface LoadFleet {
  readonly size: number
  setRate(perSecond: number, qos: 0 | 1): void
  snapshot(): Promise<FleetSnapshot>
  close(): Promise<void>
}

type LoadWorker = Worker<ToWorker, FromWorker>
const WORKER = new URL('./load-worker.ts', import.meta.url)

export async function startLoadFleet(opts: {
  host: string
  port: number
  devices: readonly LoadDevice[]
  pools: Pools
  processes: number
  subscriber?: { filter: string; qos: 0 | 1 }
}): Promise<LoadFleet> {
  const n = Math.max(1, Math.min(opts.processes, opts.devices.length))
  const workers: LoadWorker[] = Array.from({ length: n }, (_, i) => forkWorker<ToWorker, FromWorker>(WORKER, `load worker ${i + 1}`))
  const sub = opts.subscriber ? forkWorker<ToWorker, FromWorker>(WORKER, 'subscriber') : null
  const all = sub ? [...workers, sub] : workers
  try {
    const pools = Object.fromEntries(opts.pools)
    const connectConcurrency = 100
    if (sub && opts.subscriber) {
      const r = await sub.request({ cmd: 'subscribe', host: opts.host, port: opts.port, ...opts.subscriber }, 'ready')
      if (r.failed > 0) throw new Error(`the subscriber could not subscribe: ${r.firstError}`)
    }
    const shares = workers.map((_, i) => opts.devices.filter((_d, j) => j % n === i))
    const ready = await Promise.all(
      workers.map((w, i) => w.request({ cmd: 'init', host: opts.host, port: opts.port, devices: shares[i]!, pools, connectConcurrency }, 'ready', 300_000)),
    )
    const failed = ready.reduce((a, r) => a + r.failed, 0)
    if (failed > 0) throw new Error(`${failed} of ${opts.devices.length} devices could not connect; first error: ${ready.find((r) => r.firstError)?.firstError}`)
  } catch (err) {
    await Promise.all(all.map((w) => w.kill()))
    throw err
  }

  return {
    size: opts.devices.length,
    setRate(perSecond, qos) {
      for (const w of workers) w.send({ cmd: 'rate', perSecond: perSecond / workers.length, qos })
    },
    async snapshot() {
      const parts = await Promise.all(all.map((w) => w.request({ cmd: 'snapshot' }, 'snapshot', 30_000).then((r) => ({ w, c: r.counters }))))
      const s: FleetSnapshot = {
        atMs: performance.now(), due: 0, sent: 0, skipped: 0, acked: 0, inFlight: 0, received: 0, connected: 0,
        ackLatency: createHistogram(), deliveryLatency: createHistogram(), cpuMs: 0,
      }
      for (const { w, c } of parts) {
        add(s, c)
        ;(w === sub ? s.deliveryLatency : s.ackLatency).merge(c.latency)
      }
      return s
    },
    async close() {
      await Promise.all(all.map((w) => w.request({ cmd: 'close' }, 'closed', 10_000).catch(() => undefined)))
      await Promise.all(all.map((w) => w.kill()))
    },
  }
}

function add(s: FleetSnapshot, c: WorkerCounters): void {
  s.due += c.due
  s.sent += c.sent
  s.skipped += c.skipped
  s.acked += c.acked
  s.inFlight += c.inFlight
  s.received += c.received
  s.connected += c.connected
  s.cpuMs += c.cpuMs
}
