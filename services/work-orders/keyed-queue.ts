// Runs tasks for one key one at a time (one work order's changes never interleave), in order.
export interface KeyedQueue {
  run<T>(key: string, task: () => Promise<T>): Promise<T>
  /** Resolves when every queued task has finished (stop). */
  idle(): Promise<void>
}

export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<unknown>>()
  return {
    run(key, task) {
      const prev = tails.get(key) ?? Promise.resolve()
      const next = prev.then(task, task)
      const tail = next.catch(() => undefined)
      tails.set(key, tail)
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key)
      })
      return next
    },
    async idle() {
      while (tails.size > 0) await Promise.all([...tails.values()])
    },
  }
}
