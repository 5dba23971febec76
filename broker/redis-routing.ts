// Routing a device's publish through Redis pub/sub (mqemitter-redis) so that a Redis restart loses
// nothing aedes already acknowledged (aedes 1.2 sends a QoS 1 PUBACK on receipt, then routes).
// Pub/sub keeps nothing: a PUBLISH that reaches Redis before this broker's subscriber connection
// has subscribed again reaches no one here, and one in flight when Redis died may have been lost
// with it. So a publish waits until the subscriber connection is subscribed again (a PING behind
// the re-subscriptions proves it), fails at once rather than queueing while Redis is away, and is
// retried until Redis has answered it, also when the connection dropped with it unanswered. A retry may deliver a message twice; the workers drop the
// second copy by its seq (README "Delivery guarantees").
import type { Redis } from 'ioredis'

const RETRY_MS = 200

interface Emitter {
  closed?: boolean
  closing?: boolean
  emit(msg: unknown, done?: (err?: Error) => void): unknown
}

/** Resolves at once while `sub` is subscribed; after it lost Redis, once it has subscribed again. */
function subscribedGate(sub: Redis): () => Promise<void> {
  let open: Promise<void> = Promise.resolve()
  let release: (() => void) | null = null
  sub.on('close', () => {
    if (release === null) open = new Promise((r) => { release = r })
  })
  // 'ready' comes after ioredis has sent the re-subscriptions; the PING's answer follows theirs.
  sub.on('ready', () => {
    sub.ping().then(() => { release?.(); release = null }, () => undefined)
  })
  return () => open
}

export function retryRoutingAcrossOutages(mq: Emitter, pub: Redis, sub: Redis, onRetry: (err: Error) => void): void {
  const subscribed = subscribedGate(sub)
  const emit = mq.emit.bind(mq)
  // Publishes written to Redis and not answered when the connection dropped: ioredis neither
  // answers nor resends them (autoResendUnfulfilledCommands off, so a resend cannot overtake the
  // re-subscription), so they are retried from here.
  const unanswered = new Set<() => void>()
  pub.on('close', () => {
    const retry = [...unanswered]
    unanswered.clear()
    for (const again of retry) again()
  })
  mq.emit = (msg, done) => {
    const attempt = (): void => {
      void subscribed().then(() => {
        let settled = false
        const again = (): void => {
          if (settled) return
          settled = true
          onRetry(new Error('connection to Redis lost before it answered'))
          setTimeout(attempt, RETRY_MS)
        }
        unanswered.add(again)
        emit(msg, (err) => {
          unanswered.delete(again)
          if (settled) return
          settled = true
          if (err && !mq.closed && !mq.closing) {
            onRetry(err)
            setTimeout(attempt, RETRY_MS)
          } else done?.(err)
        })
      })
    }
    attempt()
    return mq
  }
}
