// The webhook notifier (issue #4 item 5): the Notifier port for SMS/IM gateways. Each notification is
// POSTed as JSON to the configured URL with `X-Vigil-Timestamp` (epoch ms) and `X-Vigil-Signature:
// sha256=<hex HMAC-SHA-256 of "<timestamp>.<body>">`, so the receiver can check origin and freshness.
// Failures (no answer, non-2xx) are retried with exponential backoff on the injected clock; every
// attempt and its result is recorded (WebhookDeliveryRepo). `send` resolves after the first attempt:
// a slow gateway never holds up the other channels.
import { createHmac } from 'node:crypto'
import type { Logger } from 'pino'
import type { Clock } from '../../core/clock.js'
import type { Notifier, WebhookDeliveryRepo } from '../../core/ports.js'
import type { Notification } from '../../core/work-orders/duty.js'

export const SIGNATURE_HEADER = 'x-vigil-signature'
export const TIMESTAMP_HEADER = 'x-vigil-timestamp'

export interface WebhookOptions {
  url: string
  secret: string
  /** Attempts in all (first + retries). */
  maxAttempts?: number
  /** First retry after this many ms of Vigil's clock, doubling each time. */
  backoffMs?: number
  /** Per-attempt timeout (wall clock: it bounds a network call). */
  timeoutMs?: number
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

export interface WebhookNotifier extends Notifier {
  /** Resolves when no retry is pending (tests, shutdown). */
  idle(): Promise<void>
  stop(): void
}

export function createWebhookNotifier(deps: { options: WebhookOptions; clock: Clock; deliveries: WebhookDeliveryRepo; logger: Logger }): WebhookNotifier {
  const { options, clock, deliveries, logger } = deps
  const maxAttempts = options.maxAttempts ?? 5
  const backoffMs = options.backoffMs ?? 5_000
  const timeoutMs = options.timeoutMs ?? 10_000
  const pending = new Set<Promise<void>>()
  const timers = new Set<{ cancel(): void }>()
  let stopped = false

  async function attempt(n: Notification, body: string, i: number): Promise<boolean> {
    const timestamp = String(clock.now())
    let status: number | null = null
    let error: string | null = null
    try {
      const res = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signWebhook(options.secret, timestamp, body) },
        body, signal: AbortSignal.timeout(timeoutMs),
      })
      status = res.status
      await res.arrayBuffer().catch(() => undefined)
      if (!res.ok) error = `HTTP ${res.status}`
    } catch (err) {
      error = err instanceof Error ? err.message : String(err)
    }
    const ok = error === null
    await deliveries.record({ notificationId: n.id, attempt: i, at: new Date(clock.now()).toISOString(), status, ok, error })
    if (!ok) logger.warn({ notificationId: n.id, attempt: i, status, error }, 'webhook delivery failed')
    return ok
  }

  function track(p: Promise<void>): void {
    pending.add(p)
    void p.finally(() => pending.delete(p))
  }

  function retry(n: Notification, body: string, i: number): void {
    if (stopped || i > maxAttempts) return
    let handle: { cancel(): void } | null = null
    let release: () => void = () => undefined
    track(new Promise<void>((r) => { release = r }))
    handle = clock.setTimeout(() => {
      if (handle) timers.delete(handle)
      void attempt(n, body, i).then((ok) => { if (!ok) retry(n, body, i + 1) })
        .catch((err: unknown) => logger.error({ err }, 'webhook retry failed')).finally(release)
    }, backoffMs * 2 ** (i - 2))
    timers.add(handle)
  }

  return {
    async send(n) {
      const body = JSON.stringify(n)
      const first = attempt(n, body, 1).then((ok) => { if (!ok) retry(n, body, 2) })
      track(first)
      await first
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending])
    },
    stop() {
      stopped = true
      for (const t of timers) t.cancel()
      timers.clear()
      pending.clear()
    },
  }
}
