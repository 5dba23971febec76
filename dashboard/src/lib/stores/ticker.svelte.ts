// One clock for the whole page: the header time, "3 min ago" labels, and the blink phase.
// Flashing is driven from here rather than per-element CSS animations so every unacknowledged
// tile and alarm flashes in step, as on an annunciator panel.
export class Ticker {
  now = $state(Date.now())
  /** Toggles twice a second; flashing elements are bright while it is true. */
  blink = $state(false)
  #timer: ReturnType<typeof setInterval> | null = null

  start(): void {
    if (this.#timer) return
    this.#timer = setInterval(() => {
      this.blink = !this.blink
      this.now = Date.now()
    }, 500)
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
  }
}
