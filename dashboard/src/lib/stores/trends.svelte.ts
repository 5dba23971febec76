// History series for the panels' trend charts (CONTRACT.md §3 telemetry history), fetched when a
// chart is shown and refreshed while it stays on screen; the live value is appended by the view.
import { SvelteMap } from 'svelte/reactivity'
import { api } from '../api/http.js'

export interface Series {
  t: number[]
  v: (number | null)[]
  loadedAt: number
}

const WINDOW_MS = 60 * 60_000
const EVERY = '30s'
const REFRESH_MS = 30_000

export class Trends {
  series = new SvelteMap<string, Series>()
  #inflight = new Set<string>()

  constructor(
    private readonly tokenOf: () => string | null,
    private readonly onError: (err: unknown) => void,
  ) {}

  static key(deviceId: string, field: string): string {
    return `${deviceId}|${field}`
  }

  /** The last hour of `field`, 30 s means; does nothing while a fresh copy is at hand or on its way. */
  want(deviceId: string, field: string, now = Date.now()): void {
    const key = Trends.key(deviceId, field)
    const have = this.series.get(key)
    const token = this.tokenOf()
    if (!token || this.#inflight.has(key) || (have && now - have.loadedAt < REFRESH_MS)) return
    this.#inflight.add(key)
    api
      .history(token, deviceId, field, { from: now - WINDOW_MS, to: now, every: EVERY, agg: 'mean' })
      .then((points) => {
        this.series.set(key, {
          t: points.map((p) => p.t),
          v: points.map((p) => (typeof p.v === 'number' ? p.v : null)),
          loadedAt: now,
        })
      })
      .catch((err: unknown) => {
        // Remember the failure for the refresh period so a down telemetry store is not hammered.
        this.series.set(key, { t: [], v: [], loadedAt: now })
        this.onError(err)
      })
      .finally(() => this.#inflight.delete(key))
  }
}
