// Per (device, rule) chattering tracks (core/alarms/chattering.ts) with the timer that clears the
// flag after 10 quiet minutes (DOMAIN.md §4.3). In memory: after a restart an alarm that was
// chattering stays flagged for another quiet period, then clears.
import type { Clock, TimerHandle } from '../core/clock.js'
import { CHATTER_QUIET_MS, CHATTER_WINDOW_MS, isQuiet, recordActivation, type ChatterStep, type ChatterTrack } from '../core/alarms/chattering.js'

const SWEEP_ABOVE = 1000

export interface ChatteringMonitor {
  activate(deviceId: string, ruleId: string, at: number): ChatterStep
  /** An alarm found flagged at start: keep it flagged until a quiet period has passed. */
  resume(deviceId: string, ruleId: string): void
  stop(): void
}

export function createChatteringMonitor(deps: { clock: Clock; onQuiet: (deviceId: string, ruleId: string) => void }): ChatteringMonitor {
  const tracks = new Map<string, { deviceId: string; ruleId: string; track: ChatterTrack; timer: TimerHandle | null }>()
  const key = (deviceId: string, ruleId: string): string => `${deviceId}\u0000${ruleId}`

  function arm(k: string, at: number): void {
    const entry = tracks.get(k)
    if (!entry) return
    entry.timer?.cancel()
    entry.timer = deps.clock.setTimeout(() => {
      const e = tracks.get(k)
      if (!e || !isQuiet(e.track, deps.clock.now())) return
      tracks.delete(k)
      deps.onQuiet(e.deviceId, e.ruleId)
    }, Math.max(0, at + CHATTER_QUIET_MS - deps.clock.now()))
  }

  // Tracks that are not chattering only matter for CHATTER_WINDOW_MS; drop them once the map grows.
  function sweep(now: number): void {
    for (const [k, e] of tracks) if (!e.track.chattering && now - e.track.lastAt >= CHATTER_WINDOW_MS) tracks.delete(k)
  }

  return {
    activate(deviceId, ruleId, at) {
      const k = key(deviceId, ruleId)
      const prev = tracks.get(k)
      const step = recordActivation(prev?.track, at)
      tracks.set(k, { deviceId, ruleId, track: step.track, timer: prev?.timer ?? null })
      if (step.track.chattering) arm(k, at)
      else if (tracks.size > SWEEP_ABOVE) sweep(at)
      return step
    },
    resume(deviceId, ruleId) {
      const k = key(deviceId, ruleId)
      const at = deps.clock.now()
      tracks.set(k, { deviceId, ruleId, track: { recent: [], chattering: true, lastAt: at }, timer: null })
      arm(k, at)
    },
    stop() {
      for (const e of tracks.values()) e.timer?.cancel()
      tracks.clear()
    },
  }
}
