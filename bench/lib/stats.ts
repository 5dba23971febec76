// Figures as issue #8 asks for them: each one the median of at least 3 runs, with min and max;
// latency percentiles from raw samples or from mergeable log-bucket histograms (the load
// generator runs in several processes, and percentiles of parts cannot be combined).

export interface Figure {
  median: number
  min: number
  max: number
  runs: number[]
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  // Nearest rank (the value below which p % of the samples fall), no interpolation.
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank]!
}

export function figure(runs: readonly number[]): Figure {
  const finite = runs.filter((v) => Number.isFinite(v))
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: [...runs] }
  const sorted = [...finite].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: [...runs] }
}

export const round = (v: number, digits = 2): number => (Number.isFinite(v) ? Number(v.toFixed(digits)) : v)

/** Buckets 2 % wide from 10 µs: a latency p99 read from it is within 2 % of the exact one. */
const BASE_MS = 0.01
const GROWTH = 1.02
const LOG_GROWTH = Math.log(GROWTH)

export type HistogramCounts = Record<number, number>

export interface Histogram {
  add(ms: number): void
  merge(counts: HistogramCounts): void
  percentile(p: number): number
  count(): number
  /** Sparse bucket counts, to send across processes. */
  counts(): HistogramCounts
  reset(): void
}

export function createHistogram(): Histogram {
  let buckets = new Map<number, number>()
  let total = 0
  const index = (ms: number): number => (ms <= BASE_MS ? 0 : Math.floor(Math.log(ms / BASE_MS) / LOG_GROWTH) + 1)
  const upper = (i: number): number => BASE_MS * GROWTH ** i
  return {
    add(ms) {
      const i = index(ms)
      buckets.set(i, (buckets.get(i) ?? 0) + 1)
      total++
    },
    merge(counts) {
      for (const [k, n] of Object.entries(counts)) {
        const i = Number(k)
        buckets.set(i, (buckets.get(i) ?? 0) + n)
        total += n
      }
    },
    percentile(p) {
      if (total === 0) return Number.NaN
      const target = Math.max(1, Math.ceil((p / 100) * total))
      let seen = 0
      for (const i of [...buckets.keys()].sort((a, b) => a - b)) {
        seen += buckets.get(i)!
        if (seen >= target) return upper(i)
      }
      return Number.NaN
    },
    count: () => total,
    counts: () => Object.fromEntries(buckets),
    reset() {
      buckets = new Map()
      total = 0
    },
  }
}
