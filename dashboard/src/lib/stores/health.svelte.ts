// Vigil's own dependencies, polled from GET /readyz while the wall is open, for the degraded banner.
// Polling, not the socket: when the database is down the server still answers /readyz, and when
// the server itself is gone the connection indicator already says so.
import { api } from '../api/http.js'
import { degradations, type Degradation } from '../health-view.js'

const POLL_MS = 5000

export class ServerHealth {
  down = $state<Degradation[]>([])
  /** Since when the current degradation has lasted (ms since epoch), null when all is well. */
  since = $state<number | null>(null)
  #timer: ReturnType<typeof setInterval> | null = null

  start(): void {
    this.stop()
    void this.poll()
    this.#timer = setInterval(() => void this.poll(), POLL_MS)
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer)
    this.#timer = null
  }

  async poll(): Promise<void> {
    const checks = await api.readiness()
    // Unreachable server (null): the connection indicator covers it; keep what was shown.
    if (checks === null) return
    const down = degradations(checks)
    if (down.length === 0) this.since = null
    else if (this.since === null) this.since = Date.now()
    this.down = down
  }
}
