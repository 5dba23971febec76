// What the rule engine remembers per device between messages: the previous state (for
// transitions like FP-03 and EL-14) and when stamped occurrences last happened (for "not in N
// days" rules like EL-10 and FP-05). In memory: after a restart the baselines start again from
// the device's registration; the delay phases and count windows are what rule-phase-store.ts keeps.
import type { FlatState } from '../core/model.js'

export interface RuleMemory {
  previous(deviceId: string): FlatState | undefined
  setPrevious(deviceId: string, state: FlatState): void
  lastAt(deviceId: string, key: string): number | null
  stamp(deviceId: string, key: string, at: number): void
  forget(deviceId: string): void
}

export function createRuleMemory(): RuleMemory {
  const previous = new Map<string, FlatState>()
  const stamps = new Map<string, Map<string, number>>()
  return {
    previous: (id) => previous.get(id),
    setPrevious: (id, state) => void previous.set(id, { ...state }),
    lastAt: (id, key) => stamps.get(id)?.get(key) ?? null,
    stamp(id, key, at) {
      let m = stamps.get(id)
      if (!m) stamps.set(id, (m = new Map()))
      m.set(key, at)
    },
    forget(id) {
      previous.delete(id)
      stamps.delete(id)
    },
  }
}
