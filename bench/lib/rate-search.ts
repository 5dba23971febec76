// "The highest total rate at which the system keeps up without a growing backlog" (issue #8 item 2),
// found by stepping the offered rate. A step passes when, over its measuring window, the delivered
// rate (PUBACKs for Vigil at QoS 1, which it sends after the commit; messages committed for
// Vigil at QoS 0; messages relayed to the subscriber for bare aedes) is at least 95 % of the offered
// rate, the backlog (offered but not yet delivered) grows by less than 2 % of what was offered,
// p99 latency stays under half a second, and (QoS 0) Vigil's counters answer within 250 ms.
// Between steps the load stops and the backlog drains.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Histogram } from './stats.js'

export interface Reading {
  atMs: number
  /** Cumulative: offered (due at the offered rate), delivered, and not yet delivered. */
  due: number
  delivered: number
  backlog: number
  /** Latency since the previous reading. */
  latency: Histogram
  /** Vigil only: messages its ingest has finished with (cumulative), a cross-check of `delivered`. */
  processed?: number
  /** When `delivered` comes from the system's own counters: how long they took to answer. */
  readMs?: number
}

export interface Trial {
  rate: number
  offeredPerSec: number
  deliveredPerSec: number
  backlogGrowth: number
  p50Ms: number
  p99Ms: number
  /** Vigil only: what its ingest counters say it finished per second, next to what was acknowledged. */
  processedPerSec: number | null
  ok: boolean
  why: string
}

export interface Stepper {
  setRate(perSecond: number): void
  read(): Promise<Reading>
}

export const TRIAL = { settleMs: 1000, windowMs: 2500, drainMaxMs: 30_000, minDeliveredRatio: 0.95, maxBacklogGrowth: 0.02, maxP99Ms: 500, maxReadMs: 250 }

export async function trialAt(s: Stepper, rate: number): Promise<Trial> {
  s.setRate(rate)
  let a: Reading
  let b: Reading
  try {
    await sleep(TRIAL.settleMs)
    a = await s.read()
    await sleep(TRIAL.windowMs)
    b = await s.read()
  } catch (err) {
    // The system under test stopped answering (its /metrics timed out): it did not keep up.
    s.setRate(0)
    await drain(s)
    const why = `no reading: ${err instanceof Error ? err.message : String(err)}`
    return { rate, offeredPerSec: rate, deliveredPerSec: 0, backlogGrowth: Number.NaN, p50Ms: Number.NaN, p99Ms: Number.NaN, processedPerSec: null, ok: false, why }
  }
  s.setRate(0)
  const dt = (b.atMs - a.atMs) / 1000
  const offeredPerSec = (b.due - a.due) / dt
  const deliveredPerSec = (b.delivered - a.delivered) / dt
  const backlogGrowth = b.backlog - a.backlog
  const p50Ms = b.latency.percentile(50)
  const p99Ms = b.latency.percentile(99)
  const why: string[] = []
  if (deliveredPerSec < TRIAL.minDeliveredRatio * rate) why.push(`delivered ${Math.round(deliveredPerSec)}/s of ${rate}/s`)
  if (backlogGrowth > Math.max(50, TRIAL.maxBacklogGrowth * rate * dt)) why.push(`backlog grew by ${backlogGrowth}`)
  if (p99Ms > TRIAL.maxP99Ms) why.push(`p99 ${Math.round(p99Ms)} ms`)
  // Counters that took longer than a tenth of the window to answer cannot be placed in time, and a
  // system that slow to answer its probe is not keeping up.
  const readMs = Math.max(a.readMs ?? 0, b.readMs ?? 0)
  if (readMs > TRIAL.maxReadMs) why.push(`its counters took ${Math.round(readMs)} ms to answer`)
  const processedPerSec = a.processed !== undefined && b.processed !== undefined ? (b.processed - a.processed) / dt : null
  await drain(s)
  return { rate, offeredPerSec, deliveredPerSec, backlogGrowth, p50Ms, p99Ms, processedPerSec, ok: why.length === 0, why: why.join(', ') }
}

/**
 * Waits until the backlog is gone, or stops shrinking (a QoS 0 loss never comes back), so the next
 * step does not start behind the previous one's queue.
 */
async function drain(s: Stepper): Promise<void> {
  const end = performance.now() + TRIAL.drainMaxMs
  let last = Number.POSITIVE_INFINITY
  let still = 0
  while (performance.now() < end) {
    const r = await s.read().catch(() => null)
    if (r === null) {
      await sleep(1000)
      continue
    }
    if (r.backlog <= 0) return
    still = r.backlog >= last ? still + 1 : 0
    if (still >= 5) return
    last = r.backlog
    await sleep(200)
  }
}

export interface Search {
  best: number
  trials: Trial[]
}

/**
 * Steps up by `growth` from `start` until a step fails, then narrows the gap between the last
 * pass and the first failure by geometric bisection until it is under 8 %.
 */
export async function searchRate(s: Stepper, o: { start: number; growth: number; max: number; log: (line: string) => void }): Promise<Search> {
  const trials: Trial[] = []
  const run = async (rate: number): Promise<boolean> => {
    const t = await trialAt(s, Math.round(rate))
    trials.push(t)
    const processed = t.processedPerSec === null ? '' : ` (ingest ${Math.round(t.processedPerSec)}/s)`
    o.log(`    ${String(t.rate).padStart(6)}/s  ${t.ok ? 'kept up' : 'fell behind'}  delivered ${Math.round(t.deliveredPerSec)}/s${processed}  p50 ${t.p50Ms.toFixed(1)} ms  p99 ${t.p99Ms.toFixed(1)} ms${t.ok ? '' : `  (${t.why})`}`)
    return t.ok
  }
  let good = 0
  let bad = Number.POSITIVE_INFINITY
  let rate = o.start
  while (rate <= o.max) {
    if (await run(rate)) {
      good = rate
      rate *= o.growth
    } else {
      bad = rate
      break
    }
  }
  // Even the first step failed: come down until one passes.
  while (good === 0 && rate > 100) {
    rate *= 0.7
    if (await run(rate)) good = rate
    else bad = rate
  }
  while (good > 0 && Number.isFinite(bad) && bad / good > 1.08) {
    const mid = Math.sqrt(good * bad)
    if (await run(mid)) good = mid
    else bad = mid
  }
  return { best: Math.round(good), trials }
}
