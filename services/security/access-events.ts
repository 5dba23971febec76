// Access-door events kept for the record (DOMAIN.md §7.3): written from the ingest path one batch
// per group commit (never one insert per message), announced on socket.io with the credential
// token reduced to its last 4 hex digits, and deleted after exactly 180 days by a retention job on
// Vigil's clock (daily, and once at start).
import type { Logger } from 'pino'
import type { Clock, TimerHandle } from '../core/clock.js'
import type { AccessEventRecord, AcceptedMessage, AccessEventRepo } from '../core/ports.js'

export const ACCESS_EVENT_RETENTION_MS = 180 * 86_400_000
const DAY_MS = 86_400_000

/** The socket.io `access` event (the dashboard's AccessEvent). */
export interface AccessEventPayload {
  deviceId: string
  siteId: string
  event: string
  at: string
  credential: { type: string | null; tokenSuffix: string | null }
  reason?: string
}

/** The last 4 characters of the token: enough to tell two cards apart on a screen, useless to replay. */
export const tokenSuffix = (token: string | null): string | null => (token === null ? null : token.slice(-4))

export const maskedView = (r: AccessEventRecord) => ({
  id: r.id, siteId: r.siteId, deviceId: r.deviceId, at: r.at, event: r.event,
  credential: { type: r.credentialType, tokenSuffix: tokenSuffix(r.credentialToken) },
  reason: r.reason,
})

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

export function toAccessRecord(msg: AcceptedMessage): Omit<AccessEventRecord, 'id'> | null {
  if (msg.type !== 'access-door' || msg.kind !== 'event') return null
  const event = str(msg.fields.event)
  if (event === null) return null
  return {
    // A device clock ahead of Vigil's must not keep an event past its 180 days: never later than receipt.
    siteId: msg.siteId, deviceId: msg.deviceId, at: new Date(Math.min(msg.ts, msg.rxTs)).toISOString(), event,
    credentialType: str(msg.fields['credential.type']), credentialToken: str(msg.fields['credential.token']),
    subjectRef: str(msg.fields.subjectRef), reason: str(msg.fields.reason),
  }
}

export interface AccessEventRecorder {
  /** Called by ingest after each group commit with the batch's accepted messages. */
  observe(batch: readonly AcceptedMessage[]): void
  /** Resolves once everything observed so far is stored. */
  drain(): Promise<void>
  /** Deletes events older than 180 days; returns how many. */
  runRetention(): Promise<number>
  start(): Promise<void>
  stop(): Promise<void>
}

export function createAccessEventRecorder(deps: {
  repo: AccessEventRepo
  clock: Clock
  logger: Pick<Logger, 'error' | 'info'>
  announce: (e: AccessEventPayload) => void
}): AccessEventRecorder {
  const { repo, clock, logger, announce } = deps
  // One chain: batches are stored in commit order and announced only once stored.
  let chain: Promise<void> = Promise.resolve()
  let timer: TimerHandle | null = null

  async function runRetention(): Promise<number> {
    const cutoff = new Date(clock.now() - ACCESS_EVENT_RETENTION_MS).toISOString()
    const n = await repo.deleteBefore(cutoff)
    if (n > 0) logger.info({ deleted: n, cutoff }, 'access events past their 180-day retention deleted')
    return n
  }

  return {
    observe(batch) {
      const rows = batch.map(toAccessRecord).filter((r): r is Omit<AccessEventRecord, 'id'> => r !== null)
      if (rows.length === 0) return
      chain = chain.then(async () => {
        try {
          await repo.addMany(rows)
        } catch (err) {
          logger.error({ err, rows: rows.length }, 'storing access events failed')
          return
        }
        for (const r of rows) {
          announce({
            deviceId: r.deviceId, siteId: r.siteId, event: r.event, at: r.at,
            credential: { type: r.credentialType, tokenSuffix: tokenSuffix(r.credentialToken) },
            ...(r.reason !== null ? { reason: r.reason } : {}),
          })
        }
      })
    },
    drain: () => chain,
    runRetention,
    async start() {
      await runRetention().catch((err: unknown) => logger.error({ err }, 'access-event retention failed'))
      timer = clock.setInterval(() => {
        runRetention().catch((err: unknown) => logger.error({ err }, 'access-event retention failed'))
      }, DAY_MS)
    },
    async stop() {
      timer?.cancel()
      timer = null
      await chain
    },
  }
}
