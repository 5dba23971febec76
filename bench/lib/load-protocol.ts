// Messages between the bench and its load-generator processes (load-worker.ts), over Node's IPC.
import type { DeviceType } from '../../services/core/device-types.js'
import type { HistogramCounts } from './stats.js'

export interface LoadDevice {
  id: string
  siteId: string
  type: DeviceType
  /** The MQTT password; empty for the bare-aedes baseline, which authenticates nobody. */
  secret: string
  pool: string
}

export type ToWorker =
  | { cmd: 'init'; host: string; port: number; devices: LoadDevice[]; pools: Record<string, { kind: 'telemetry' | 'event'; rest: string }[]>; connectConcurrency: number }
  | { cmd: 'subscribe'; host: string; port: number; filter: string; qos: 0 | 1 }
  | { cmd: 'rate'; perSecond: number; qos: 0 | 1 }
  | { cmd: 'snapshot' }
  | { cmd: 'close' }

export interface WorkerCounters {
  /** Messages due at the offered rate since the worker started. */
  due: number
  sent: number
  /** Due but not sent: the device's connection was closed, over its in-flight cap or back-pressured. */
  skipped: number
  acked: number
  inFlight: number
  /** Subscriber only: PUBLISH packets received. */
  received: number
  connected: number
  /** Latency since the previous snapshot: PUBACK for publishers, publish-to-delivery (ms clock) for subscribers. */
  latency: HistogramCounts
  /** CPU this process used since it started, in ms (user + system): is the generator the bottleneck? */
  cpuMs: number
}

export type FromWorker =
  | { kind: 'ready'; connected: number; failed: number; firstError: string | null; connectMs: number }
  | { kind: 'snapshot'; counters: WorkerCounters }
  | { kind: 'closed' }
