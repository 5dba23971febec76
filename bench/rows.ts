// The suite's figures as table rows, with issue #8's targets and each figure's baseline.
import { atLeast, atMost, na, row, type Row } from './lib/report.js'
import { figure, round, type Figure } from './lib/stats.js'
import type { BaselineResult } from './suites/broker-baseline.js'
import type { BundleSize } from './suites/dashboard.js'
import type { HistoryResult } from './suites/history.js'
import type { InfluxResult } from './suites/influx.js'
import type { ClusterIngestResult } from './suites/cluster-ingest.js'
import type { LargeSessionResult, SmallSessionResult } from './suites/sessions.js'
import type { TimeToReadyResult } from './suites/time-to-ready.js'
import type { SoakResult } from './suites/soak.js'

/** Vigil's runs over the baseline's runs, pairwise in run order (both measured in this suite run). */
function ratio(v: Figure, base: Figure): Figure {
  return figure(v.runs.map((x, i) => round(x / (base.runs[i] ?? base.median), 3)))
}
const one = (v: number): Figure => figure([v])
const n = (v: number): string => Math.round(v).toLocaleString('en-US')

export function buildRows(r: {
  baseline: BaselineResult
  baselineLarge: BaselineResult
  small: SmallSessionResult
  large: LargeSessionResult
  history: HistoryResult
  influx: InfluxResult
  ready: TimeToReadyResult
  bundle: BundleSize
  soak: SoakResult | null
}): Row[] {
  const b = r.baseline
  const bl = r.baselineLarge
  const s = r.small.ingest
  const l = r.large
  const c = (k: number): string => `${n(k)} conn.`
  const rows: Row[] = [
    row('1', `bare aedes relay, QoS 1, ${c(b.connections)}`, 'msg/s', b.qos1.figure, null, '', 'the limit Vigil is compared to'),
    b.qos0 ? row('1', `bare aedes relay, QoS 0, ${c(b.connections)}`, 'msg/s', b.qos0.figure, null) : na('1', 'bare aedes relay, QoS 0', 'skipped'),
    row('1', `bare aedes relay, QoS 1, ${c(bl.connections)}`, 'msg/s', bl.qos1.figure, null),
    row('2', `Vigil sustained, QoS 1, ${c(s.connections)}`, 'msg/s', s.qos1.figure, atLeast(10_000), `aedes ${n(b.qos1.figure.median)}/s`),
    row('2', `Vigil ÷ bare aedes, QoS 1, ${c(s.connections)}`, '', ratio(s.qos1.figure, b.qos1.figure), atLeast(0.75)),
  ]
  if (s.qos0 && b.qos0) {
    rows.push(
      row('2', `Vigil sustained, QoS 0, ${c(s.connections)}`, 'msg/s', s.qos0.figure, null, `aedes ${n(b.qos0.figure.median)}/s`),
      row('2', `Vigil ÷ bare aedes, QoS 0, ${c(s.connections)}`, '', ratio(s.qos0.figure, b.qos0.figure), atLeast(0.5)),
    )
  }
  rows.push(
    row('2', `Vigil sustained, QoS 1, ${c(l.ingest.connections)}`, 'msg/s', l.ingest.qos1.figure, atLeast(10_000), `aedes ${n(bl.qos1.figure.median)}/s`),
    row('2', `Vigil ÷ bare aedes, QoS 1, ${c(l.ingest.connections)}`, '', ratio(l.ingest.qos1.figure, bl.qos1.figure), atLeast(0.75)),
    row('3', `alarm event p50, background ${n(l.alarmOffline.backgroundRate)}/s`, 'ms', l.alarmOffline.alarmP50Ms, atMost(5)),
    row('3', `alarm event p99, background ${n(l.alarmOffline.backgroundRate)}/s`, 'ms', l.alarmOffline.alarmP99Ms, atMost(25)),
    l.alarmOffline.assignP99Ms
      ? row('3', `work order assigned p99, background ${n(l.alarmOffline.backgroundRate)}/s`, 'ms', l.alarmOffline.assignP99Ms, atMost(100), '', l.alarmOffline.assignMissing ? `${l.alarmOffline.assignMissing} not assigned` : '')
      : na('3', 'work order assigned p99', l.alarmOffline.assignNote, '≤ 100 ms'),
    row('4', `offline beyond the ${l.alarmOffline.offlineTimeoutMs / 1000} s timeout, p99, ${c(l.ingest.connections)}`, 'ms', l.alarmOffline.offlineExcessP99Ms, atMost(1000)),
    row('5', `resident memory per device, ${c(l.memory.connections)}`, 'KB', l.memory.perDeviceKB, atMost(30)),
    row('6', 'history 24 h × 1 min, embedded store, p95', 'ms', r.history.store24hP95Ms, atMost(100), '', `${n(r.history.rows)} rows seeded`),
    row('6', 'history 7 d × 1 min, embedded store, p95', 'ms', r.history.store7dP95Ms, atMost(100)),
    row('6', 'history 24 h × 1 min, REST API, p95', 'ms', r.history.api24hP95Ms, atMost(100)),
    r.history.api7dStatus === 200
      ? na('6', 'history 7 d × 1 min, REST API', 'answered 200; timed through the store above')
      : na('6', 'history 7 d × 1 min, REST API', `HTTP ${r.history.api7dStatus}: 10,080 buckets exceed the API's 10,000`),
    ...influxHistoryRows(r.influx),
    row('7', `wall display frame time p95, ${n(l.dashboard.tiles)} tiles, ${n(l.dashboard.stateChangesPerSec)} changes/s`, 'ms', l.dashboard.frameP95Ms, atMost(33)),
    row('7', 'dashboard JavaScript, gzipped', 'KB', one(r.bundle.gzipKB), atMost(150)),
    row('8', 'demo start to a live wall display', 's', figure(r.ready.readyMs.runs.map((v) => v / 1000)), atMost(10)),
  )
  rows.push(...influxWriteRows(r.influx))
  if (r.soak) rows.push(...soakRows(r.soak))
  return rows
}

/** Issue #8 item 6 from InfluxDB (issue #5's store): the same queries as the embedded store's rows. */
export function influxHistoryRows(x: InfluxResult): Row[] {
  return [
    row('6', 'history 24 h × 1 min, InfluxDB store, p95', 'ms', x.store24hP95Ms, atMost(100), '', `${n(x.historyRows)} messages seeded`),
    row('6', 'history 7 d × 1 min, InfluxDB store, p95', 'ms', x.store7dP95Ms, atMost(100)),
  ]
}

/** Write throughput into InfluxDB through Vigil's store, against raw /write POSTs of the same lines. */
export function influxWriteRows(x: InfluxResult): Row[] {
  return [
    row('–', `InfluxDB raw /write, keep-alive, ${n(x.points)} points`, 'points/s', x.rawPointsPerSec, null, '', 'the limit the store is compared to'),
    row('–', `InfluxDB store write until confirmed, ${n(x.points)} points`, 'points/s', x.storePointsPerSec, null, `raw /write ${n(x.rawPointsPerSec.median)}/s`),
    row('–', 'InfluxDB store ÷ raw /write', '', x.ratio, null),
  ]
}

export const SOAK_ITEM = 'soak'

/** Issue #10 item 6: last ÷ first window of the soak; flat is 1.0, and a leak or a queue shows as growth. */
export function soakRows(x: SoakResult & { commit?: { sha: string } }): Row[] {
  const d = x.drift
  // A full run without --soak carries the last soak over: say which commit it measured.
  const at = x.commit ? `, commit ${x.commit.sha.slice(0, 7)}` : ''
  const what = `${x.minutes} min at ${n(x.offeredRate)}/s, ${n(x.connections)} conn.${at}; first vs last ${Math.round(d.windowSec / 60) || 1} min`
  const missing = x.samples.reduce((a, s) => a + s.alarmMissing, 0)
  return [
    row(SOAK_ITEM, `resident memory drift, ${what}`, '×', one(d.ratio.rssMB), atMost(1.1), `${d.first.rssMB} → ${d.last.rssMB} MB`),
    // The heap after a full collection is what a leak grows; samples of the heap in use catch the
    // collector's sawtooth anywhere (soaks before vigil_heap_after_major_gc_bytes have only those).
    ...(Number.isFinite(d.ratio.heapAfterGcMB)
      ? [
          row(SOAK_ITEM, 'V8 heap after full GC, drift', '×', one(d.ratio.heapAfterGcMB), atMost(1.1), `${d.first.heapAfterGcMB} → ${d.last.heapAfterGcMB} MB`),
          row(SOAK_ITEM, 'V8 heap in use (sawtooth samples), drift', '×', one(d.ratio.heapUsedMB), null, `${d.first.heapUsedMB} → ${d.last.heapUsedMB} MB`),
        ]
      : [row(SOAK_ITEM, 'V8 heap drift', '×', one(d.ratio.heapUsedMB), atMost(1.1), `${d.first.heapUsedMB} → ${d.last.heapUsedMB} MB`)]),
    row(SOAK_ITEM, 'alarm event p99 drift', '×', one(d.ratio.alarmP99Ms), atMost(1.5), `${d.first.alarmP99Ms} → ${d.last.alarmP99Ms} ms`, missing ? `${missing} alarms never arrived` : ''),
    row(SOAK_ITEM, 'acknowledged rate drift', '×', one(d.ratio.ackedPerSec), null, `${n(d.first.ackedPerSec)} → ${n(d.last.ackedPerSec)}/s`),
  ]
}

/** Issue #9: ingest through separate workers (two clustered brokers, PostgreSQL, Redis). */
export function clusterIngestRows(x: ClusterIngestResult): Row[] {
  const what = `${n(x.devices)} devices × ${n(x.messagesPerDevice)} msgs, QoS 1`
  return [
    row('–', `vigil worker ×1 (2 sites), ${what}`, 'msg/s', x.oneWorker, null, '', 'until every seq is in PostgreSQL'),
    row('–', `vigil worker ×2 (1 site each), ${what}`, 'msg/s', x.twoWorkers, null, `one worker ${n(x.oneWorker.median)}/s`),
    row('–', 'two workers ÷ one', '', x.ratio, null),
  ]
}
