// Routing a device's publish through Redis pub/sub (mqemitter-redis) so that a Redis restart loses
// nothing aedes already acknowledged (aedes 1.2 sends a QoS 1 PUBACK on receipt, then routes).
// Pub/sub keeps nothing: a PUBLISH that reaches Redis before this broker's subscriber connection
// has subscribed again reaches no one here, and one in flight when Redis died may have been lost
// with it, even after Redis answered the PUBLISH. So a publish waits until the subscriber connection is subscribed again (a PING behind
// the re-subscriptions proves it), fails at once rather than queueing while Redis is away, and is
// retried until Redis has answered it, also when the connection dropped with it unanswered, and
// until the subscriber connection has proved it received what came before (deliveryProof). A retry may deliver a message twice; the workers drop the
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

/**
 * Proof that what Redis has already sent to `sub` has arrived: a PING on `sub`, answered. Redis
 * writes a PUBLISH's message into each subscriber's output before it answers the PUBLISH, and a
 * connection's replies come in order, so a PING sent after that answer comes back only behind the
 * message. Answered PUBLISHes of one turn share one PING. False when `sub` closed first: the
 * message may have died with Redis.
 */
function deliveryProof(sub: Redis): () => Promise<boolean> {
  type Waiter = { closesBefore: number; resolve: (ok: boolean) => void }
  let closes = 0
  let queued: Waiter[] = []
  // PINGs sent and not answered: ioredis does not settle them when the connection drops.
  const inFlight = new Set<Waiter[]>()
  // A close since the PUBLISH was answered makes the proof worthless, even if a PING queued
  // meanwhile is answered by the next connection.
  const settle = (batch: Waiter[], answered: boolean): void => {
    if (!inFlight.delete(batch)) return
    for (const w of batch) w.resolve(answered && w.closesBefore === closes)
  }
  sub.on('close', () => {
    closes++
    for (const batch of [...inFlight]) settle(batch, false)
  })
  return () => new Promise<boolean>((resolve) => {
    // Already lost (its close may have come before the PUBLISH's answer was read): no proof possible.
    if (sub.status !== 'ready') return resolve(false)
    queued.push({ closesBefore: closes, resolve })
    if (queued.length > 1) return
    setImmediate(() => {
      const batch = queued
      queued = []
      inFlight.add(batch)
      sub.ping().then(() => settle(batch, true), () => settle(batch, false))
    })
  })
}

export function retryRoutingAcrossOutages(mq: Emitter, pub: Redis, sub: Redis, onRetry: (err: Error) => void): void {
  const subscribed = subscribedGate(sub)
  const delivered = deliveryProof(sub)
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
          } else if (err) done?.(err)
          // Answered is not yet delivered: Redis may die with the message still on its way to the
          // subscriber connection (seen in the Redis-outage test: two acknowledged messages lost).
          else void delivered().then((ok) => {
            if (ok || mq.closed || mq.closing) return done?.()
            onRetry(new Error('connection to Redis lost before the message reached the subscribers'))
            setTimeout(attempt, RETRY_MS)
          })
        })
      })
    }
    attempt()
    return mq
  }
}
