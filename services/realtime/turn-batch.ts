// Device events of one event-loop turn go out together: every screen's TCP socket is corked while
// they are emitted, so a screen receives the turn's frames in one write instead of one system call
// per frame (issue #8 profile: `writev` was the largest single cost of the ingest at 10 screens).
// Timers that end their 250 ms window in the same turn share the flush, as do the changes of one
// ingest commit.
import type net from 'node:net'

export interface TurnBatch<T> {
  push(item: T): void
  /** Sends what is waiting now: an event that must follow them on the wire (an alarm) calls this first. */
  flushNow(): void
  /** Drops what is waiting (shutdown). */
  close(): void
}

/** `send` gets the turn's items in the order they were pushed. */
export function createTurnBatch<T>(opts: { sockets: () => Iterable<net.Socket>; send: (items: readonly T[]) => void; onError: (err: unknown) => void }): TurnBatch<T> {
  let items: T[] = []
  let scheduled: NodeJS.Immediate | null = null

  function flush(): void {
    if (scheduled !== null) clearImmediate(scheduled)
    scheduled = null
    if (items.length === 0) return
    const batch = items
    items = []
    const corked: net.Socket[] = []
    for (const s of opts.sockets()) {
      s.cork()
      corked.push(s)
    }
    try {
      opts.send(batch)
    } catch (err) {
      opts.onError(err)
    } finally {
      for (const s of corked) s.uncork()
    }
  }

  return {
    push(item) {
      items.push(item)
      scheduled ??= setImmediate(flush)
    },
    flushNow: flush,
    close() {
      if (scheduled !== null) clearImmediate(scheduled)
      scheduled = null
      items = []
    },
  }
}
