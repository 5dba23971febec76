// The InfluxDB telemetry store (issue #5): TelemetryStore over a durable on-disk spool. append()
// resolves once the points are in the spool (so a QoS 1 PUBACK never waits for InfluxDB, and an
// outage delays telemetry without losing it); the sender moves the spool into InfluxDB; history
// is InfluxQL. Only `telemetry` messages come here: events and status stay in SQL
// (routed-telemetry.store.ts; DOMAIN.md §7.2 keeps them under their own retention).
import path from 'node:path'
import type { Logger } from 'pino'
import type { InfluxConfig } from '../../config.js'
import type { DeviceType } from '../../core/device-types.js'
import { AppError } from '../../core/errors.js'
import type { DependencyHealth, TelemetryStore } from '../../core/ports.js'
import type { Metrics } from '../metrics.js'
import { createInfluxClient, InfluxQueryError } from './influx-client.js'
import { queryHistory } from './influx-history.js'
import { lineTimestamp, toLine } from './influx-point.js'
import { backfillStatement, DOWNSAMPLE_EVERY_MS, ensureV1Retention, type RetentionLayout } from './influx-retention.js'
import { createSpool } from './spool.js'
import { createSpoolSender, type SpoolSenderDeps } from './spool-sender.js'

export interface InfluxStoreDeps {
  influx: InfluxConfig
  dataDir: string
  spoolMaxBytes: number
  /** The registered device, for the `building` tag and the measurement of a history query. */
  lookupDevice(id: string): { type: DeviceType; location: { building: string } } | undefined
  metrics: Metrics
  logger: Logger
  /** Wall-clock time: InfluxDB applies retention on its own clock, not on Vigil's (scaled) one. */
  wallNow(): number
  sender?: SpoolSenderDeps['options']
}

export interface InfluxTelemetryStore extends TelemetryStore {
  /** Resolves once everything appended so far is confirmed by InfluxDB. */
  drained(): Promise<void>
}

// Points older than this when InfluxDB confirms them missed the continuous query's window.
const LATE_MS = 2 * DOWNSAMPLE_EVERY_MS
// Late ranges are downsampled in steps: a week of a whole site in one statement outlasts the query
// timeout. A step that fails is halved for the retry (down to 10 minutes), for a slow server.
const BACKFILL_STEP_MS = 6 * 3_600_000
const BACKFILL_MIN_STEP_MS = 10 * 60_000

export function createInfluxTelemetryStore(deps: InfluxStoreDeps): InfluxTelemetryStore {
  const { metrics, logger } = deps
  const client = createInfluxClient(deps.influx)
  let dropped = 0
  const spool = createSpool({
    dir: path.join(deps.dataDir, 'influx-spool'),
    maxBytes: deps.spoolMaxBytes,
    onDrop: ({ lines, bytes }) => {
      dropped += lines
      metrics.telemetrySpoolDropped.inc(lines)
      logger.error({ droppedPoints: lines, droppedBytes: bytes, spoolMaxBytes: deps.spoolMaxBytes, totalDropped: dropped },
        'telemetry spool full (VIGIL_SPOOL_MAX_MB): the oldest telemetry was dropped')
    },
  })
  metrics.telemetrySpoolBytes.set(spool.pendingBytes())
  // 2.x/3.x: the bucket's own retention, no downsampled series Vigil knows of.
  let layout: RetentionLayout = { rawRetentionMs: Infinity, downsampledRp: null }
  let backfill: { from: number; to: number } | null = null
  let backfillStep = BACKFILL_STEP_MS
  let closed = false

  const sender = createSpoolSender({
    spool, client, metrics, logger,
    ...(deps.sender ? { options: deps.sender } : {}),
    async prepare() {
      if (deps.influx.version === 1) layout = await ensureV1Retention(client)
      else await client.ping()
    },
    async afterWrite(lines, idle) {
      if (layout.downsampledRp === null || client.rawRp === null) return
      const late = deps.wallNow() - LATE_MS
      let oldest = Infinity
      let newest = -Infinity
      for (const l of lines) {
        const ts = lineTimestamp(l)
        if (ts >= late) continue
        oldest = Math.min(oldest, ts)
        newest = Math.max(newest, ts)
      }
      if (oldest !== Infinity) {
        const from = Math.floor(oldest / DOWNSAMPLE_EVERY_MS) * DOWNSAMPLE_EVERY_MS
        const to = (Math.floor(newest / DOWNSAMPLE_EVERY_MS) + 1) * DOWNSAMPLE_EVERY_MS
        backfill = { from: Math.min(from, backfill?.from ?? from), to: Math.max(to, backfill?.to ?? to) }
      }
      // Once the replay is complete, the 1-minute series of the replayed range is computed once.
      if (idle) await downsampleLate()
    },
    // A backfill that failed (InfluxDB busy, unreachable) is taken up again while the spool is idle.
    onIdle: () => downsampleLate(),
  })

  /**
   * Runs the continuous query's statement over the late range a step at a time, moving the range's
   * start on as each step is done, so a failure resumes where it stopped.
   */
  async function downsampleLate(): Promise<void> {
    if (backfill === null || client.rawRp === null) return
    const whole = { ...backfill }
    while (backfill !== null) {
      const from = backfill.from
      const to = Math.min(backfill.to, from + backfillStep)
      try {
        await client.query(backfillStatement(client.db, client.rawRp, from, to))
      } catch (err) {
        backfillStep = Math.max(BACKFILL_MIN_STEP_MS, backfillStep / 2)
        logger.warn({ err: (err as Error).message, from: new Date(from).toISOString(), nextStepMin: backfillStep / 60_000 }, 'downsampling late telemetry failed; retried while the spool is idle')
        return
      }
      backfill = to >= backfill.to ? null : { from: to, to: backfill.to }
    }
    logger.info({ from: new Date(whole.from).toISOString(), to: new Date(whole.to).toISOString() }, 'downsampled the telemetry InfluxDB received late')
  }

  return {
    append(batch) {
      if (closed) return Promise.reject(new AppError('DEPENDENCY_DOWN', 'telemetry store closed'))
      const lines: string[] = []
      for (const m of batch) {
        if (m.kind !== 'telemetry') continue
        const line = toLine(m, deps.lookupDevice(m.deviceId)?.location.building)
        if (line !== undefined) lines.push(line)
      }
      try {
        spool.append(lines)
      } catch (err) {
        return Promise.reject(new AppError('DEPENDENCY_DOWN', `telemetry spool write failed: ${(err as Error).message}`))
      }
      metrics.telemetrySpoolBytes.set(spool.pendingBytes())
      sender.wake()
      return Promise.resolve()
    },

    async history(q) {
      const device = deps.lookupDevice(q.deviceId)
      if (device === undefined) return []
      try {
        // Minutes still waiting for their late points to be downsampled are read raw.
        return await queryHistory(client, layout, device.type, q, deps.wallNow(), backfill?.from ?? null)
      } catch (err) {
        // Nothing was ever written (the sender creates the database on its first contact).
        if (err instanceof InfluxQueryError && /database not found/.test(err.message)) return []
        if (err instanceof InfluxQueryError) throw new AppError('DEPENDENCY_DOWN', `telemetry history unavailable: ${err.message}`)
        throw err
      }
    },

    health(): DependencyHealth {
      if (closed) return { ok: false, detail: 'telemetry store closed' }
      const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`
      const s = sender.state()
      if (spool.isFull()) {
        return { ok: false, detail: `InfluxDB spool full (${mb(spool.pendingBytes())} of ${mb(deps.spoolMaxBytes)}): oldest telemetry dropped, ${dropped} points so far` }
      }
      if (s.reachable === false) return { ok: false, detail: `InfluxDB unreachable (${s.lastError}); spooling, ${mb(spool.pendingBytes())} waiting` }
      if (s.reachable === null) return { ok: false, detail: 'InfluxDB not contacted yet' }
      return { ok: true }
    },

    drained: () => sender.drained(),

    async close() {
      if (closed) return
      closed = true
      await sender.close()
      spool.close()
      await client.close()
    },
  }
}
