// The access doors' recent events, newest first, bounded (the wall shows a window, not a log:
// access history is personal data kept by the server for 180 days, DOMAIN.md §7.2).
import type { TickerEntry } from '../access-view.js'

const MAX_ENTRIES = 200

export class AccessTicker {
  entries = $state<TickerEntry[]>([])

  push(items: readonly TickerEntry[]): void {
    if (items.length === 0) return
    const seen = new Set(this.entries.map((e) => e.id))
    const fresh = items.filter((e) => !seen.has(e.id))
    if (fresh.length === 0) return
    this.entries = [...fresh.sort((a, b) => b.at - a.at), ...this.entries].slice(0, MAX_ENTRIES)
  }

  clear(): void {
    this.entries = []
  }
}
