// Group commit (ARCHITECTURE.md "Durability"): the messages of a few milliseconds are stored in one
// telemetry append plus one live-state upsert, and only then acknowledged; a durable single-row
// commit costs ~0.3 ms while a 1,000-row transaction costs ~20 ms (STACK.md performance facts).
//
// Batching runs on the process's timers, not the injected Clock: it paces I/O, it is not domain
// time (ARCHITECTURE.md "Time" is about rules, SLA and shelving), and a scaled clock must not
// shrink it nor a test's manual clock stall it.
export interface GroupCommitOptions<A, R> {
  intervalMs: number
  maxBatch: number
  /** Stores one batch and settles its items (items of each list in arrival order). */
  commit(accepted: A[], rejected: R[]): Promise<void>
  onBacklog(size: number): void
  /** A commit that threw instead of settling its items: a bug, logged; the loop goes on. */
  onError(err: unknown): void
}

export interface GroupCommit<A, R> {
  pushAccepted(item: A): void
  pushRejected(item: R): void
  /** Commits everything queued, and what arrives meanwhile. */
  drain(): Promise<void>
  size(): number
}

/** With no interval, the batch is what arrived in the same turn of the event loop (no added latency). */
function later(fn: () => void, ms: number): { cancel(): void } {
  if (ms <= 0) {
    const h = setImmediate(fn)
    return { cancel: () => clearImmediate(h) }
  }
  const t = setTimeout(fn, ms)
  return { cancel: () => clearTimeout(t) }
}

export function createGroupCommit<A, R>(opts: GroupCommitOptions<A, R>): GroupCommit<A, R> {
  const accepted: A[] = []
  const rejected: R[] = []
  let timer: { cancel(): void } | null = null
  let running: Promise<void> | null = null

  const backlog = (): number => accepted.length + rejected.length

  function run(): Promise<void> {
    if (timer !== null) {
      timer.cancel()
      timer = null
    }
    if (running === null) {
      running = (async () => {
        try {
          // Messages that arrive while a commit runs form the next batch: under load the commit's
          // own duration is the batching window.
          while (backlog() > 0) {
            const a = accepted.splice(0, opts.maxBatch)
            const r = rejected.splice(0, opts.maxBatch)
            opts.onBacklog(backlog())
            try {
              await opts.commit(a, r)
            } catch (err) {
              opts.onError(err)
            }
          }
        } finally {
          running = null
        }
      })()
    }
    return running
  }

  function schedule(): void {
    opts.onBacklog(backlog())
    if (running !== null) return
    if (backlog() >= opts.maxBatch) void run()
    else if (timer === null) timer = later(() => void run(), opts.intervalMs)
  }

  return {
    pushAccepted(item) {
      accepted.push(item)
      schedule()
    },
    pushRejected(item) {
      rejected.push(item)
      schedule()
    },
    async drain() {
      while (backlog() > 0 || running !== null) await run()
    },
    size: backlog,
  }
}
