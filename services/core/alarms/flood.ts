// Alarm flood per operator console, i.e. per site (DOMAIN.md §4.3, [R:EEMUA][R:ISA]): more than
// 10 new annunciated alarms within 10 min start a flood; it ends when fewer than 5 new alarms fall
// in the last 10 min. Pure: the service feeds annunciations and wakes at `nextCheckAt`.

export const FLOOD_WINDOW_MS = 10 * 60_000
/** Flood when the count exceeds this (the 11th alarm within 10 min). */
export const FLOOD_ENTER_ABOVE = 10
/** The flood ends when the count falls below this. */
export const FLOOD_EXIT_BELOW = 5

export interface FloodState {
  /** Annunciation times within the window, oldest first. */
  recent: readonly number[]
  active: boolean
  since: number | null
  /** The largest count seen during the current flood. */
  peak: number
}

export const emptyFlood = (): FloodState => ({ recent: [], active: false, since: null, peak: 0 })

export interface FloodStep {
  state: FloodState
  /** The flood started or ended with this step. */
  changed: boolean
}

const inWindow = (recent: readonly number[], now: number): number[] => recent.filter((t) => t > now - FLOOD_WINDOW_MS)

/** Re-reads the window at `now`: a flood may end with no new alarm, only by time passing. */
export function evaluateFlood(state: FloodState, now: number): FloodStep {
  const recent = inWindow(state.recent, now)
  if (!state.active && recent.length > FLOOD_ENTER_ABOVE) {
    return { state: { recent, active: true, since: now, peak: recent.length }, changed: true }
  }
  if (state.active && recent.length < FLOOD_EXIT_BELOW) {
    return { state: { recent, active: false, since: state.since, peak: state.peak }, changed: true }
  }
  return { state: { ...state, recent, peak: state.active ? Math.max(state.peak, recent.length) : state.peak }, changed: false }
}

export function recordAnnunciation(state: FloodState, at: number): FloodStep {
  return evaluateFlood({ ...state, recent: [...state.recent, at].sort((a, b) => a - b) }, at)
}

/** When the count can next fall below FLOOD_EXIT_BELOW (null when no flood is on). */
export function nextFloodCheckAt(state: FloodState): number | null {
  if (!state.active) return null
  const n = state.recent.length
  if (n < FLOOD_EXIT_BELOW) return 0
  // Once the (n - FLOOD_EXIT_BELOW + 1) oldest have left the window, FLOOD_EXIT_BELOW - 1 remain.
  return state.recent[n - FLOOD_EXIT_BELOW]! + FLOOD_WINDOW_MS
}

export const floodCount = (state: FloodState, now: number): number => inWindow(state.recent, now).length
