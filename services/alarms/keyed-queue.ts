// Runs async work one at a time per key. An alarm is read, transitioned and written back; two
// such changes to one alarm at once (an operator's ack and the rule clearing it) must not
// overwrite each other, while different alarms proceed in parallel.
export interface KeyedQueue {
  run<T>(key: string, fn: () => Promise<T>): Promise<T>
}

export function createKeyedQueue(): KeyedQueue {
  const tails = new Map<string, Promise<unknown>>()
  return {
    run(key, fn) {
      const prev = tails.get(key) ?? Promise.resolve()
      const result = prev.then(fn, fn)
      const tail = result.catch(() => undefined)
      tails.set(key, tail)
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key)
      })
      return result
    },
  }
}
