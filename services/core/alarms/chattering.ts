// Chattering detection (DOMAIN.md §4.3, [R:PAS]): ≥3 activations (A1/A7) of the same alarm point
// (device, rule) within 60 s flag it; it is annunciated once and further activations are counted
// silently until 10 min pass without one. Pure: the service keeps one track per (device, rule).

export const CHATTER_WINDOW_MS = 60_000
export const CHATTER_ACTIVATIONS = 3
export const CHATTER_QUIET_MS = 10 * 60_000

export interface ChatterTrack {
  /** Activations within the last CHATTER_WINDOW_MS. */
  recent: readonly number[]
  chattering: boolean
  lastAt: number
}

export interface ChatterStep {
  track: ChatterTrack
  /** The activation is a chattering repeat: flag the alarm, count it, do not annunciate it. */
  silent: boolean
  /** This activation turned the flag on (announce once: the nuisance work-order hook). */
  becameChattering: boolean
  /** When the flag clears if nothing else happens. */
  quietAt: number
}

export function recordActivation(track: ChatterTrack | undefined, at: number): ChatterStep {
  const recent = [...(track?.recent ?? []).filter((t) => at - t < CHATTER_WINDOW_MS), at]
  const wasChattering = track !== undefined && track.chattering && at - track.lastAt < CHATTER_QUIET_MS
  const chattering = wasChattering || recent.length >= CHATTER_ACTIVATIONS
  return {
    track: { recent, chattering, lastAt: at },
    silent: chattering,
    becameChattering: chattering && !wasChattering,
    quietAt: at + CHATTER_QUIET_MS,
  }
}

/** The flag clears after CHATTER_QUIET_MS without activations. */
export const isQuiet = (track: ChatterTrack, now: number): boolean => now - track.lastAt >= CHATTER_QUIET_MS
