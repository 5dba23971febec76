// Alarm-system KPIs (DOMAIN.md §4.4; ISA-18.2 and EEMUA 191 targets) computed from the alarms'
// histories and the recorded flood periods. Pure. Drills are excluded by the caller's query.
// Annunciated = A1 raises and A7 reactivations, not chattering repeats (DOMAIN.md §4.3).
import type { Alarm, AlarmHistoryEntry, FloodPeriod, Priority } from '../model.js'
import { ANNUNCIATING_ACTIONS, CHATTERING_ACTIONS } from './alarm-lifecycle.js'

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
const SLOT_MS = 10 * 60_000
/** DOMAIN.md §4.3: active > 24 h is stale. */
export const STALE_AFTER_MS = DAY_MS
const TOP_BAD_ACTORS = 10
const ACK_ACTIONS = ['ack', 'reset']
const ACTIVE_STARTS = [...ANNUNCIATING_ACTIONS, ...CHATTERING_ACTIONS, 'condition-returned'] as string[]
const ACTIVE_ENDS = ['cleared', 'condition-cleared']

/** GET /reports/kpis: epoch ms. */
export interface KpiQuery {
  /** One site (one operator console), or every site the user sees. */
  siteId?: string | undefined
  /** The user's sites; undefined = every site. */
  siteIds?: string[] | undefined
  from: number
  to: number
}

export interface KpiInput {
  siteId: string | null
  from: number
  to: number
  now: number
  alarms: readonly Alarm[]
  floods: readonly FloodPeriod[]
}

export interface Durations { count: number; medianSec: number | null; meanSec: number | null }
export interface SiteLoad { siteId: string; annunciated: number; perDay: number; perHour: number; pctTenMinutePeriodsInFlood: number }

export interface KpiReport {
  siteId: string | null
  from: string
  to: string
  days: number
  alarmLoad: { annunciated: number; perDay: number; perHour: number; bySite: SiteLoad[] }
  priorityMix: Array<{ priority: Priority; count: number; pct: number }>
  mtta: Durations
  mttr: Durations
  flood: { periods: Array<Omit<FloodPeriod, 'id'>>; tenMinutePeriods: number; periodsInFlood: number; pctTenMinutePeriodsInFlood: number }
  chattering: { alarms: number; items: Array<{ siteId: string; deviceId: string; ruleId: string; silentRepeats: number }> }
  badActors: { items: Array<{ siteId: string; deviceId: string; ruleId: string; count: number; share: number }>; top10Share: number }
  stale: { count: number; items: Array<{ alarmId: string; siteId: string; deviceId: string; ruleId: string; priority: Priority; activeSince: string; activeSec: number; stillActive: boolean }> }
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits
const pct = (part: number, whole: number): number => (whole === 0 ? 0 : round((100 * part) / whole))
const t = (e: AlarmHistoryEntry): number => Date.parse(e.at)

function durations(values: number[]): Durations {
  if (values.length === 0) return { count: 0, medianSec: null, meanSec: null }
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { count: values.length, medianSec: round(median / 1000, 1), meanSec: round(values.reduce((a, b) => a + b, 0) / values.length / 1000, 1) }
}

function floodSlots(floods: readonly FloodPeriod[], from: number, end: number, now: number): { slots: number; inFlood: number } {
  const slots = Math.max(0, Math.ceil((end - from) / SLOT_MS))
  let inFlood = 0
  for (let i = 0; i < slots; i++) {
    const s = from + i * SLOT_MS
    const e = Math.min(s + SLOT_MS, end)
    if (floods.some((f) => Date.parse(f.startedAt) < e && (f.endedAt === null ? now : Date.parse(f.endedAt)) > s)) inFlood++
  }
  return { slots, inFlood }
}

/** Continuous active stretches of an alarm, from its history. */
function activeStretches(alarm: Alarm, end: number): Array<{ start: number; end: number; open: boolean }> {
  const out: Array<{ start: number; end: number; open: boolean }> = []
  let start: number | null = null
  for (const e of alarm.history ?? []) {
    if (ACTIVE_STARTS.includes(e.action) && start === null) start = t(e)
    else if (start !== null && (ACTIVE_ENDS.includes(e.action) || e.to === 'normal')) {
      out.push({ start, end: t(e), open: false })
      start = null
    }
  }
  if (start !== null) out.push({ start, end, open: true })
  return out
}

export function computeKpis(input: KpiInput): KpiReport {
  const { from, now, alarms } = input
  const end = Math.min(input.to, now)
  const inRange = (e: AlarmHistoryEntry): boolean => t(e) >= from && t(e) < input.to
  const days = Math.max(end - from, 0) / DAY_MS

  const annunciations: Array<{ alarm: Alarm; entry: AlarmHistoryEntry; index: number }> = []
  const ackTimes: number[] = []
  const repairTimes: number[] = []
  const chattering = new Map<string, { siteId: string; deviceId: string; ruleId: string; silentRepeats: number }>()
  const stale: KpiReport['stale']['items'] = []

  for (const alarm of alarms) {
    const history = alarm.history ?? []
    history.forEach((entry, index) => {
      if (!inRange(entry)) return
      if ((ANNUNCIATING_ACTIONS as readonly string[]).includes(entry.action)) {
        annunciations.push({ alarm, entry, index })
        const ack = history.slice(index + 1).find((e) => ACK_ACTIONS.includes(e.action))
        if (ack) ackTimes.push(t(ack) - t(entry))
      }
      if (entry.action === 'raised') {
        const closed = history.slice(index + 1).find((e) => e.to === 'normal')
        if (closed) repairTimes.push(t(closed) - t(entry))
      }
      if ((CHATTERING_ACTIONS as readonly string[]).includes(entry.action)) {
        const key = `${alarm.deviceId}\u0000${alarm.ruleId}`
        const c = chattering.get(key) ?? { siteId: alarm.siteId, deviceId: alarm.deviceId, ruleId: alarm.ruleId, silentRepeats: 0 }
        c.silentRepeats++
        chattering.set(key, c)
      }
    })
    for (const s of activeStretches(alarm, end)) {
      if (s.end - s.start > STALE_AFTER_MS && s.end > from) {
        stale.push({ alarmId: alarm.id, siteId: alarm.siteId, deviceId: alarm.deviceId, ruleId: alarm.ruleId, priority: alarm.priority,
          activeSince: new Date(s.start).toISOString(), activeSec: Math.round((s.end - s.start) / 1000), stillActive: s.open })
      }
    }
  }

  const total = annunciations.length
  const byPriority = ([1, 2, 3, 4] as const).map((priority) => {
    const count = annunciations.filter((a) => a.alarm.priority === priority).length
    return { priority, count, pct: pct(count, total) }
  })

  const actors = new Map<string, { siteId: string; deviceId: string; ruleId: string; count: number; share: number }>()
  for (const { alarm } of annunciations) {
    const key = `${alarm.deviceId}\u0000${alarm.ruleId}`
    const a = actors.get(key) ?? { siteId: alarm.siteId, deviceId: alarm.deviceId, ruleId: alarm.ruleId, count: 0, share: 0 }
    a.count++
    actors.set(key, a)
  }
  const top = [...actors.values()].sort((a, b) => b.count - a.count || a.deviceId.localeCompare(b.deviceId)).slice(0, TOP_BAD_ACTORS)
  for (const a of top) a.share = pct(a.count, total)

  const siteIds = [...new Set([...(input.siteId ? [input.siteId] : []), ...annunciations.map((a) => a.alarm.siteId), ...input.floods.map((f) => f.siteId)])].sort()
  const bySite: SiteLoad[] = siteIds.map((siteId) => {
    const n = annunciations.filter((a) => a.alarm.siteId === siteId).length
    const f = floodSlots(input.floods.filter((p) => p.siteId === siteId), from, end, now)
    return { siteId, annunciated: n, perDay: days > 0 ? round(n / days) : 0, perHour: days > 0 ? round(n / (days * 24)) : 0, pctTenMinutePeriodsInFlood: pct(f.inFlood, f.slots) }
  })
  // One console per site: the overall share is over every site's 10-minute periods.
  const slotTotals = siteIds.map((siteId) => floodSlots(input.floods.filter((p) => p.siteId === siteId), from, end, now))
  const slots = slotTotals.reduce((a, s) => a + s.slots, 0)
  const flooded = slotTotals.reduce((a, s) => a + s.inFlood, 0)

  return {
    siteId: input.siteId,
    from: new Date(from).toISOString(),
    to: new Date(input.to).toISOString(),
    days: round(days, 3),
    alarmLoad: { annunciated: total, perDay: days > 0 ? round(total / days) : 0, perHour: days > 0 ? round(total / ((end - from) / HOUR_MS)) : 0, bySite },
    priorityMix: byPriority,
    mtta: durations(ackTimes),
    mttr: durations(repairTimes),
    flood: {
      periods: input.floods.map(({ siteId, startedAt, endedAt, peakCount }) => ({ siteId, startedAt, endedAt, peakCount })),
      tenMinutePeriods: slots,
      periodsInFlood: flooded,
      pctTenMinutePeriodsInFlood: pct(flooded, slots),
    },
    chattering: { alarms: chattering.size, items: [...chattering.values()] },
    badActors: { items: top, top10Share: round(top.reduce((a, b) => a + b.share, 0)) },
    stale: { count: stale.length, items: stale },
  }
}
