// Alarm-system KPIs (DOMAIN.md §4.4) from alarm histories and flood periods.
import { describe, expect, it } from 'vitest'
import { computeKpis } from '../../services/core/alarms/alarm-kpis.js'
import type { Alarm, AlarmHistoryEntry, AlarmState, FloodPeriod, Priority } from '../../services/core/model.js'

const T0 = Date.UTC(2026, 2, 1)
const MIN = 60_000
const DAY = 86_400_000
const iso = (ms: number): string => new Date(ms).toISOString()
let n = 0

function entry(at: number, action: string, to: AlarmState, actor = 'system'): AlarmHistoryEntry {
  return { at: iso(at), actor, action, from: null, to, note: null }
}
function alarm(o: { deviceId?: string; ruleId?: string; siteId?: string; priority?: Priority; history: AlarmHistoryEntry[]; chattering?: boolean }): Alarm {
  return {
    id: `a${++n}`, siteId: o.siteId ?? 'S1', deviceId: o.deviceId ?? 'D1', deviceType: 'access-door', ruleId: o.ruleId ?? 'AC-01', priority: o.priority ?? 3,
    title: 't', active: false, acked: true, state: o.history.at(-1)!.to, shelvedUntil: null, chattering: o.chattering ?? false, emergencyId: null,
    raisedAt: o.history[0]!.at, ackedAt: null, ackedBy: null, clearedAt: null, occurrences: 1, workOrderIds: [], drill: false, history: o.history,
  }
}

describe('alarm KPIs (DOMAIN.md §4.4)', () => {
  const alarms = [
    // acked after 60 s, ended after 300 s
    alarm({ deviceId: 'D1', priority: 3, history: [entry(T0, 'raised', 'unacked'), entry(T0 + MIN, 'ack', 'acked', 'op'), entry(T0 + 5 * MIN, 'cleared', 'normal')] }),
    // acked after 180 s, reactivated once (acked 120 s later), still active at the end: stale
    alarm({ deviceId: 'D2', ruleId: 'FD-02', priority: 3, history: [
      entry(T0 + DAY, 'raised', 'unacked'), entry(T0 + DAY + 3 * MIN, 'ack', 'acked', 'op'), entry(T0 + DAY + 10 * MIN, 'cleared', 'normal'),
    ] }),
    alarm({ deviceId: 'D3', priority: 1, history: [entry(T0 + 2 * DAY, 'raised', 'unacked'), entry(T0 + 2 * DAY + 120_000, 'ack', 'acked', 'op')] }),
    // chattering: raised, reactivated, then two silent repeats; never acked
    alarm({ deviceId: 'D4', priority: 4, chattering: true, history: [
      entry(T0 + 3 * DAY, 'raised', 'unacked'), entry(T0 + 3 * DAY + 10_000, 'cleared', 'rtn-unacked'), entry(T0 + 3 * DAY + 20_000, 'reactivated', 'unacked'),
      entry(T0 + 3 * DAY + 30_000, 'cleared', 'rtn-unacked'), entry(T0 + 3 * DAY + 40_000, 'reactivated-chattering', 'unacked'),
      entry(T0 + 3 * DAY + 50_000, 'cleared', 'rtn-unacked'), entry(T0 + 3 * DAY + 60_000, 'reactivated-chattering', 'unacked'),
    ] }),
    // raised before the range: its raise does not count, only what happened inside
    alarm({ deviceId: 'D5', history: [entry(T0 - DAY, 'raised', 'unacked'), entry(T0 - DAY + MIN, 'ack', 'acked', 'op')] }),
  ]
  const floods: FloodPeriod[] = [{ id: 1, siteId: 'S1', startedAt: iso(T0 + 3 * DAY), endedAt: iso(T0 + 3 * DAY + 15 * MIN), peakCount: 12 }]
  const report = computeKpis({ siteId: 'S1', from: T0, to: T0 + 10 * DAY, now: T0 + 10 * DAY, alarms, floods })

  it('counts annunciations (raises and reactivations, not chattering repeats) per day and per hour', () => {
    expect(report.alarmLoad).toMatchObject({ annunciated: 5, perDay: 0.5, perHour: 0.02 })
    expect(report.alarmLoad.bySite).toEqual([{ siteId: 'S1', annunciated: 5, perDay: 0.5, perHour: 0.02, pctTenMinutePeriodsInFlood: 0.14 }])
  })

  it('gives the priority mix in counts and percent', () => {
    expect(report.priorityMix).toEqual([
      { priority: 1, count: 1, pct: 20 }, { priority: 2, count: 0, pct: 0 }, { priority: 3, count: 2, pct: 40 }, { priority: 4, count: 2, pct: 40 },
    ])
  })

  it('MTTA is measured per acknowledged annunciation, MTTR from raise to the alarm ending', () => {
    expect(report.mtta).toEqual({ count: 3, medianSec: 120, meanSec: 120 })
    expect(report.mttr).toEqual({ count: 2, medianSec: 450, meanSec: 450 })
  })

  it('flood: the periods and the share of 10-minute periods in flood', () => {
    expect(report.flood.periods).toEqual([{ siteId: 'S1', startedAt: iso(T0 + 3 * DAY), endedAt: iso(T0 + 3 * DAY + 15 * MIN), peakCount: 12 }])
    expect(report.flood).toMatchObject({ tenMinutePeriods: 1440, periodsInFlood: 2, pctTenMinutePeriodsInFlood: 0.14 })
  })

  it('counts chattering alarms and their silent repeats', () => {
    expect(report.chattering).toEqual({ alarms: 1, items: [{ siteId: 'S1', deviceId: 'D4', ruleId: 'AC-01', silentRepeats: 2 }] })
  })

  it('ranks bad actors by annunciations with their share of the load', () => {
    expect(report.badActors.items[0]).toEqual({ siteId: 'S1', deviceId: 'D4', ruleId: 'AC-01', count: 2, share: 40 })
    expect(report.badActors.items).toHaveLength(4)
    expect(report.badActors.top10Share).toBe(100)
  })

  it('lists alarms active for more than 24 h as stale', () => {
    expect(report.stale.items.map((s) => [s.deviceId, s.stillActive])).toEqual([['D3', true], ['D4', true], ['D5', true]])
    expect(report.stale.count).toBe(3)
  })

  it('an empty range has zero load and no averages', () => {
    const empty = computeKpis({ siteId: 'S9', from: T0, to: T0 + DAY, now: T0 + DAY, alarms: [], floods: [] })
    expect(empty).toMatchObject({ alarmLoad: { annunciated: 0, perDay: 0 }, mtta: { count: 0, medianSec: null }, flood: { periodsInFlood: 0, pctTenMinutePeriodsInFlood: 0 } })
  })
})
