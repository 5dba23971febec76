// A fire door on the fire-door monitoring system (DOMAIN.md §3.3, GB 29364). NC doors are closed
// by their closer and open only for short passages; NO doors stand open on their energized
// electromagnetic holder.
import { createRandom } from '../random.js'
import { createCadence, createEnvelope, createStepTimer, type DeviceSim, type SimMessage } from './device-sim.js'

export interface FireDoorOptions {
  id: string
  doorType: 'NC' | 'NO'
  zone: string
  seed?: number | string
}

export interface FireDoorSim extends DeviceSim {
  readonly type: 'fire-door'
  readonly doorType: 'NC' | 'NO'
  /** Someone wedges the door open until `untilMs` (FD-02 "propped open"); NC doors only. */
  propOpen(untilMs: number): void
  /**
   * The fire linkage releases the door at `nowMs` (an NO door's holder drops; an NC door shuts) and
   * it reports closed at `closedAtMs` — late when its holder sticks (FD-05). Staff re-latch NO doors
   * open at `relatchAtMs`, after the fire.
   */
  fireRelease(nowMs: number, closedAtMs: number, relatchAtMs: number): void
}

const PERIOD_MS = 60_000
// A passage holds an NC door for a few seconds, well under FD-01's 10 s.
const PASSAGE_SEC = [2, 7] as const
const PASSAGES_PER_SEC = 1 / 240

export function createFireDoorSim(opts: FireDoorOptions): FireDoorSim {
  const rnd = createRandom(opts.seed ?? opts.id)
  const env = createEnvelope()
  const cadence = createCadence()
  const elapsed = createStepTimer()
  const isNC = opts.doorType === 'NC'
  let open = !isNC
  let openUntilMs = 0
  let lastOpen = open
  let released = false
  let closeAtMs = 0
  let relatchAtMs = 0
  const events: SimMessage[] = []

  const snapshot = (): Record<string, unknown> => ({
    doorType: opts.doorType,
    zone: opts.zone,
    position: open ? 'open' : 'closed',
    ...(isNC ? {} : { holder: released ? 'released' : 'energized' }),
    closer: 'ok',
    fault: 'none',
    releaseCmd: released,
  })

  return {
    id: opts.id,
    type: 'fire-door',
    doorType: opts.doorType,
    propOpen(untilMs) {
      if (!isNC) return
      open = true
      openUntilMs = untilMs
    },
    fireRelease(nowMs, closedAtMs, relatchAt) {
      released = true
      closeAtMs = closedAtMs
      relatchAtMs = relatchAt
      if (!isNC) events.push(env.stamp('event', nowMs, { event: 'release', cause: 'fire_linkage' }))
    },
    step(nowMs) {
      const dt = elapsed(nowMs)
      if (released) {
        if (open && nowMs >= closeAtMs) open = false
        if (nowMs >= relatchAtMs) {
          released = false
          if (!isNC) open = true
        }
      } else if (isNC) {
        if (open && nowMs >= openUntilMs) open = false
        else if (!open && rnd.chance(dt * PASSAGES_PER_SEC)) {
          open = true
          openUntilMs = nowMs + rnd.between(...PASSAGE_SEC) * 1000
        }
      }
      const changed = open !== lastOpen
      lastOpen = open
      const out: SimMessage[] = events.splice(0)
      if (cadence.due(nowMs, changed || out.length > 0, PERIOD_MS)) out.push(env.stamp('telemetry', nowMs, snapshot()))
      return out
    },
  }
}
