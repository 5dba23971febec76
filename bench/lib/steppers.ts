// How the rate search reads "delivered" and "backlog" for each system under test (rate-search.ts).
import type { LoadFleet } from './load-fleet.js'
import type { Reading, Stepper } from './rate-search.js'
import { createHistogram } from './stats.js'
import { readIngestCounters } from './vigil-metrics.js'

/** Bare aedes: delivered = relayed to the one subscriber; latency = publish → delivery. */
export function relayStepper(fleet: LoadFleet, qos: 0 | 1): Stepper {
  return {
    setRate: (r) => fleet.setRate(r, qos),
    async read(): Promise<Reading> {
      const s = await fleet.snapshot()
      return { atMs: s.atMs, due: s.due, delivered: s.received, backlog: s.sent - s.received, latency: s.deliveryLatency }
    },
  }
}

/**
 * Vigil at QoS 1: delivered = acknowledged, and the embedded broker acknowledges only after the
 * group commit (CONTRACT.md §2), so a PUBACK means validated and stored; latency = PUBACK.
 */
export function ackStepper(fleet: LoadFleet, http: string): Stepper {
  return {
    setRate: (r) => fleet.setRate(r, 1),
    async read(): Promise<Reading> {
      const [s, c] = await Promise.all([fleet.snapshot(), readIngestCounters(http)])
      return { atMs: s.atMs, due: s.due, delivered: s.acked, backlog: s.inFlight, latency: s.ackLatency, processed: c.processed }
    },
  }
}

/** Vigil at QoS 0: delivered = what ingest has finished with (its counters on /metrics). */
export async function ingestStepper(fleet: LoadFleet, http: string): Promise<Stepper> {
  const [s0, c0] = await Promise.all([fleet.snapshot(), readIngestCounters(http)])
  return {
    setRate: (r) => fleet.setRate(r, 0),
    async read(): Promise<Reading> {
      // The counters first, then the fleet: what was sent is read after what was processed, so the
      // backlog is never under-counted. How long /metrics took to answer is kept, since its counters
      // belong to some moment in that span (a saturated Vigil answered in 10 s and more, and a step
      // then "delivered" twice what was offered).
      const asked = performance.now()
      const c = await readIngestCounters(http)
      const readMs = performance.now() - asked
      const s = await fleet.snapshot()
      const delivered = c.processed - c0.processed
      return { atMs: s.atMs, due: s.due, delivered, backlog: s.sent - s0.sent - delivered, latency: createHistogram(), processed: c.processed, readMs }
    },
  }
}
