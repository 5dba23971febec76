// The embedded telemetry store's retention (DOMAIN.md §7.2: raw readings 90 days, 1-minute rollups
// 3 years), run at start and then daily on Vigil's clock. The store's prune never deletes device
// events (the fire-door and elevator fault records kept for years), and rolls up what it deletes
// first. With InfluxDB, the telemetry there has InfluxDB's own retention policies; this job still
// prunes the status readings the embedded store keeps.
import type { Logger } from 'pino'
import type { Clock, TimerHandle } from '../core/clock.js'

const DAY_MS = 86_400_000

export interface TelemetryRetention {
  start(): void
  /** Stops the daily run and waits for one in progress, so the store can be closed. */
  stop(): Promise<void>
}

export function createTelemetryRetention(deps: { store: { pruneExpired(nowMs: number): Promise<number> }; clock: Clock; logger: Logger }): TelemetryRetention {
  const { store, clock, logger } = deps
  let timer: TimerHandle | null = null
  let running: Promise<void> = Promise.resolve()
  const run = (): void => {
    running = running
      .then(() => store.pruneExpired(clock.now()))
      .then((rows) => { if (rows > 0) logger.info({ rows }, 'telemetry retention: raw readings older than 90 days deleted (their 1-minute rollups stay 3 years)') })
      .catch((err: unknown) => logger.error({ err }, 'telemetry retention failed; retried tomorrow'))
  }
  return {
    start() {
      // Not awaited: a first prune of a large store must not hold up the start.
      run()
      timer = clock.setInterval(run, DAY_MS)
    },
    async stop() {
      timer?.cancel()
      timer = null
      await running
    },
  }
}
