// Alarm-flood mode per site (DOMAIN.md §4.3) on Vigil's clock: fed with every new annunciated
// alarm, it records flood periods in SQL (for the KPIs) before announcing FloodChanged (socket.io
// `flood`, CONTRACT.md §4). After a restart the windows are rebuilt from the alarm history.
import type { Logger } from 'pino'
import type { Clock, TimerHandle } from '../core/clock.js'
import type { EventBus } from '../core/events.js'
import type { FloodStatus } from '../core/model.js'
import type { Repos } from '../core/ports.js'
import { emptyFlood, evaluateFlood, FLOOD_WINDOW_MS, floodCount, nextFloodCheckAt, recordAnnunciation, type FloodState, type FloodStep } from '../core/alarms/flood.js'
import { createKeyedQueue } from './keyed-queue.js'

export interface FloodMonitor {
  start(): Promise<void>
  stop(): void
  /** A new annunciated alarm (A1 raise or A7 reactivation, not a chattering repeat, not a drill). */
  record(siteId: string, at: number): void
  status(siteId: string): FloodStatus
}

interface SiteFlood {
  flood: FloodState
  periodId: number | null
  timer: TimerHandle | null
}

const iso = (ms: number): string => new Date(ms).toISOString()

export function createFloodMonitor(deps: { repos: Repos; clock: Clock; events: EventBus; logger: Logger }): FloodMonitor {
  const { repos, clock, events, logger } = deps
  const sites = new Map<string, SiteFlood>()
  // Period writes of one site happen in order (the end of a flood after its start).
  const queue = createKeyedQueue()
  let stopped = false

  const siteOf = (siteId: string): SiteFlood => {
    let s = sites.get(siteId)
    if (!s) sites.set(siteId, (s = { flood: emptyFlood(), periodId: null, timer: null }))
    return s
  }

  function status(siteId: string): FloodStatus {
    const s = sites.get(siteId)
    if (!s) return { siteId, active: false, since: null, count: 0 }
    return { siteId, active: s.flood.active, since: s.flood.since === null ? null : iso(s.flood.since), count: floodCount(s.flood, clock.now()) }
  }

  function apply(siteId: string, step: FloodStep): void {
    const s = siteOf(siteId)
    s.flood = step.state
    if (step.changed) {
      const { active, since, peak } = step.state
      const at = clock.now()
      const announced = status(siteId)
      queue.run(siteId, async () => {
        if (active) s.periodId = await repos.floods.open(siteId, iso(since ?? at), peak)
        else if (s.periodId !== null) {
          await repos.floods.close(s.periodId, iso(at), peak)
          s.periodId = null
        }
        events.emit('FloodChanged', announced)
      }).catch((err: unknown) => logger.error({ err, siteId }, 'recording a flood period failed'))
    }
    s.timer?.cancel()
    s.timer = null
    const due = nextFloodCheckAt(s.flood)
    if (due !== null && !stopped) {
      s.timer = clock.setTimeout(() => apply(siteId, evaluateFlood(siteOf(siteId).flood, clock.now())), Math.max(0, due - clock.now()))
    }
  }

  return {
    async start() {
      const now = clock.now()
      for (const p of await repos.floods.listOpen()) {
        const s = siteOf(p.siteId)
        s.flood = { recent: [], active: true, since: Date.parse(p.startedAt), peak: p.peakCount }
        s.periodId = p.id
      }
      for (const a of await repos.alarms.annunciationsSince(iso(now - FLOOD_WINDOW_MS))) {
        const s = siteOf(a.siteId)
        s.flood = { ...s.flood, recent: [...s.flood.recent, Date.parse(a.at)] }
      }
      for (const siteId of sites.keys()) apply(siteId, evaluateFlood(siteOf(siteId).flood, now))
    },
    stop() {
      stopped = true
      for (const s of sites.values()) s.timer?.cancel()
    },
    record(siteId, at) {
      apply(siteId, recordAnnunciation(siteOf(siteId).flood, at))
    },
    status,
  }
}
