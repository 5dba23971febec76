// Moves the spool into InfluxDB: one chunk at a time through the WriteApi, trimmed from the spool
// only after InfluxDB confirmed it (issue #5 "No loss"). While InfluxDB is unreachable it retries
// with backoff and the spool grows; the first request of all is the retention set-up, so a
// server that was down at start is set up when it comes back.
import type { Logger } from 'pino'
import type { Metrics } from '../metrics.js'
import { isRejectedWrite, type InfluxClient } from './influx-client.js'
import type { Spool } from './spool.js'

export interface SenderState {
  /** null until the first request answered or failed. */
  reachable: boolean | null
  lastError: string | null
}

export interface SpoolSender {
  /** New lines are in the spool. */
  wake(): void
  state(): SenderState
  /** Resolves when the spool is empty and nothing is in flight (tests, benchmark, shutdown). */
  drained(): Promise<void>
  close(): Promise<void>
}

export interface SpoolSenderDeps {
  spool: Spool
  client: InfluxClient
  /** Run before the first write and again after a failure (the server may have lost its database). */
  prepare(): Promise<void>
  /** After InfluxDB confirmed a chunk; `idle` when the spool is now empty. */
  afterWrite(lines: readonly string[], idle: boolean): Promise<void>
  /** When the spool is empty, before drained() resolves and on every idle round after: work left over. */
  onIdle?(): Promise<void>
  metrics: Metrics
  logger: Logger
  options?: Partial<SenderOptions>
}

export interface SenderOptions {
  chunkBytes: number
  retryMinMs: number
  retryMaxMs: number
  idlePingMs: number
}

export const SENDER_DEFAULTS: Readonly<SenderOptions> = Object.freeze({
  chunkBytes: 1024 * 1024, // ≈ 7,000 points per write (STACK.md: 5,000-line batches ≈ 100k points/s)
  retryMinMs: 250,
  retryMaxMs: 5000,
  idlePingMs: 5000, // how often an idle sender checks InfluxDB is still there, for /readyz
})

export function createSpoolSender(deps: SpoolSenderDeps): SpoolSender {
  const { spool, client, metrics, logger } = deps
  const opts = { ...SENDER_DEFAULTS, ...deps.options }
  const state: SenderState = { reachable: null, lastError: null }
  let prepared = false
  let closed = false
  let retryMs = opts.retryMinMs
  let wakeUp: (() => void) | null = null
  let drainWaiters: Array<() => void> = []

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => {
    const timer = setTimeout(() => { wakeUp = null; resolve() }, ms)
    wakeUp = () => { clearTimeout(timer); wakeUp = null; resolve() }
  })

  function up(): void {
    if (state.reachable !== true) logger.info({ db: client.db }, 'InfluxDB reachable: writing telemetry from the spool')
    state.reachable = true
    state.lastError = null
    retryMs = opts.retryMinMs
    metrics.influxUp.set(1)
  }

  function down(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err)
    if (state.reachable !== false) logger.error({ err: message, spooledBytes: spool.pendingBytes() }, 'InfluxDB unreachable: telemetry is spooled on disk and written when it is back')
    state.reachable = false
    state.lastError = message
    prepared = false
    metrics.influxUp.set(0)
    metrics.influxWriteErrors.inc({ reason: 'unreachable' })
  }

  async function step(): Promise<void> {
    if (!prepared) {
      await deps.prepare()
      prepared = true
      up()
    }
    const chunk = spool.read(opts.chunkBytes)
    if (chunk === null) {
      await deps.onIdle?.()
      for (const w of drainWaiters.splice(0)) w()
      await sleep(opts.idlePingMs)
      if (!closed && spool.pendingBytes() === 0) {
        await client.ping()
        up()
      }
      return
    }
    try {
      await client.write(chunk.lines)
    } catch (err) {
      if (!isRejectedWrite(err)) throw err
      // A partial write: InfluxDB kept the good points and refused the rest (a field-type
      // conflict, a point beyond retention); resending cannot change that.
      metrics.influxWriteErrors.inc({ reason: 'rejected' })
      logger.warn({ err: (err as Error).message, lines: chunk.lines.length }, 'InfluxDB rejected some telemetry points; they are skipped')
    }
    spool.confirm(chunk.end)
    metrics.influxPointsWritten.inc(chunk.lines.length)
    metrics.telemetrySpoolBytes.set(spool.pendingBytes())
    up()
    await deps.afterWrite(chunk.lines, spool.pendingBytes() === 0)
  }

  const loop = (async () => {
    while (!closed) {
      try {
        await step()
      } catch (err) {
        if (closed) break
        down(err)
        await sleep(retryMs)
        retryMs = Math.min(opts.retryMaxMs, retryMs * 2)
      }
    }
  })()

  return {
    wake: () => wakeUp?.(),
    state: () => ({ ...state }),
    drained: () => spool.pendingBytes() === 0 && state.reachable === true
      ? Promise.resolve()
      : new Promise<void>((resolve) => { drainWaiters.push(resolve); wakeUp?.() }),
    async close() {
      closed = true
      wakeUp?.()
      await loop
      drainWaiters = []
    },
  }
}
