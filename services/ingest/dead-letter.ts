// The dead-letter list (CONTRACT.md §2): every rejected payload is counted per reason and kept,
// truncated and redacted, in a bounded list visible through the API. Rows are written in the
// ingest group commit's batches.
import type { Logger } from 'pino'
import type { Metrics } from '../adapters/metrics.js'
import type { Clock } from '../core/clock.js'
import type { Rejection, RejectionReason } from '../core/model.js'
import type { Repos } from '../core/ports.js'
import { redactPayload } from './redact-payload.js'

export type RejectionRow = Omit<Rejection, 'id'>

export interface DeadLetter {
  /** Counts the rejection and builds its row; `parsed` is the JSON value when the payload parsed. */
  row(
    reason: RejectionReason,
    message: string,
    input: { topic: string; payload: Buffer },
    who: { deviceId: string | null; siteId: string | null },
    parsed?: unknown,
  ): RejectionRow
  /** Stores rows and keeps the list bounded; never throws (a lost dead-letter row is logged, not retried). */
  store(rows: readonly RejectionRow[]): Promise<void>
  counts(): Partial<Record<RejectionReason, number>>
}

export function createDeadLetter(deps: { repos: Repos; metrics: Metrics; logger: Logger; clock: Clock; max: number }): DeadLetter {
  const { repos, metrics, logger, clock, max } = deps
  const counts: Partial<Record<RejectionReason, number>> = {}
  let sinceTrim = 0
  // Trimming is a DELETE over the list; under a flood of bad payloads do it every tenth of the bound.
  const trimEvery = Math.max(1, Math.ceil(max / 10))

  return {
    row(reason, message, input, who, parsed) {
      metrics.ingestRejected.inc({ reason })
      counts[reason] = (counts[reason] ?? 0) + 1
      return {
        at: new Date(clock.now()).toISOString(),
        topic: input.topic.slice(0, 256),
        deviceId: who.deviceId,
        siteId: who.siteId,
        reason,
        message,
        payload: redactPayload(input.payload, parsed),
      }
    },
    async store(rows) {
      if (rows.length === 0) return
      try {
        await repos.rejections.add(rows)
        sinceTrim += rows.length
        if (sinceTrim >= trimEvery) {
          sinceTrim = 0
          await repos.rejections.trim(max)
        }
      } catch (err) {
        logger.error({ err, rejections: rows.length }, 'could not store rejected payloads in the dead-letter list')
      }
    },
    counts: () => ({ ...counts }),
  }
}
