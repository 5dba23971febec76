// Which sound the wall plays, and when (DOMAIN.md §2 priority table, §4.1, §4.3). Pure, so the
// annunciation policy is tested without a browser; the Web Audio engine only plays what this says.
//
//   P1 unacknowledged   siren, continuously until acknowledged ("repeats 1/min until ack")
//   P2 unacknowledged   one tone, repeated every 5 min until acknowledged
//   P3 unacknowledged   one chime when it is annunciated
//   P4                  none
//   chattering alarms (annunciated once already), RTNUN (§4.1 "flashing, no sound") and, in a
//   flood, a site's P3/P4 (§4.3 "grouped per device and silent"): none
import type { Alarm, AlarmState, Priority } from './api/types.js'

export type SoundKind = 'siren' | 'tone' | 'chime'

export const P2_REPEAT_MS = 5 * 60_000

export function soundFor(alarm: Alarm, flooded: boolean): SoundKind | null {
  if (alarm.acked || alarm.chattering) return null
  // A latched P1 nobody acknowledged yet (EL-03 cleared in seconds) still needs its acknowledgement.
  const waiting = alarm.state === 'unacked' || (alarm.priority === 1 && alarm.state === 'latched')
  if (!waiting) return null
  switch (alarm.priority) {
    case 1:
      return 'siren'
    case 2:
      return 'tone'
    case 3:
      return flooded ? null : 'chime'
    case 4:
      return null
  }
}

/** What the planner remembers of each alarm between two looks. */
export interface Heard {
  state: AlarmState
  priority: Priority
  /** When its one-shot sound last played; null if it never did. */
  soundedAt: number | null
}
export type SoundMemory = ReadonlyMap<string, Heard>

export interface SoundPlan {
  /** The siren runs while this is true. */
  siren: boolean
  /** A one-shot sound to play now, the most urgent due (a tone outranks a chime). */
  play: 'tone' | 'chime' | null
  memory: Map<string, Heard>
}

/**
 * A new annunciation is an alarm seen for the first time in a sounding state, or coming back to
 * one (A7 RTNUN → UNACK, A10 shelf expiry) or escalated to a higher priority while waiting.
 */
export function planSounds(prev: SoundMemory, alarms: Iterable<Alarm>, isFlooded: (siteId: string) => boolean, now: number): SoundPlan {
  const memory = new Map<string, Heard>()
  let siren = false
  let tone = false
  let chime = false
  for (const a of alarms) {
    const before = prev.get(a.id)
    const kind = soundFor(a, isFlooded(a.siteId))
    const fresh = !before || before.state !== a.state || before.priority !== a.priority
    let soundedAt = before?.soundedAt ?? null
    if (kind === 'siren') siren = true
    else if (kind === 'tone' && (fresh || soundedAt === null || now - soundedAt >= P2_REPEAT_MS)) {
      tone = true
      soundedAt = now
    } else if (kind === 'chime' && (fresh || soundedAt === null)) {
      chime = true
      soundedAt = now
    }
    // Leaving a sounding state forgets the timer: coming back is a new annunciation.
    if (kind === null) soundedAt = null
    memory.set(a.id, { state: a.state, priority: a.priority, soundedAt })
  }
  return { siren, play: tone ? 'tone' : chime ? 'chime' : null, memory }
}
