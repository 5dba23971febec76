// Prometheus metrics (prom-client), one registry per Vigil instance so tests can run several.
import { constants, PerformanceObserver } from 'node:perf_hooks'
import { getHeapStatistics } from 'node:v8'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

// The heap right after the last full collection: what the process really keeps. The heap in use
// at any moment swings with the collector (93 to 304 MB within minutes in the soak), so a leak
// shows in this floor, not in samples of the sawtooth. One observer for the process, started with
// the first registry.
let heapAfterMajorGc = Number.NaN
let gcObserver: PerformanceObserver | null = null
function watchMajorGc(): void {
  if (gcObserver !== null) return
  gcObserver = new PerformanceObserver((list) => {
    const major = list.getEntries().some((e) => (e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
    if (major) heapAfterMajorGc = getHeapStatistics().used_heap_size
  })
  gcObserver.observe({ entryTypes: ['gc'] })
}

export function createMetrics() {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  watchMajorGc()
  const m = {
    registry,
    mqttAuthRefused: new Counter({ name: 'vigil_mqtt_auth_refused_total', help: 'MQTT connections refused, by reason', labelNames: ['reason'] as const, registers: [registry] }),
    mqttAclRefused: new Counter({ name: 'vigil_mqtt_acl_refused_total', help: 'Publishes and subscriptions refused by the topic ACL', labelNames: ['kind'] as const, registers: [registry] }),
    // Issue #7: connections refused unchecked because the device id or address keeps failing authentication.
    mqttAuthThrottled: new Counter({ name: 'vigil_mqtt_auth_throttled_total', help: 'MQTT connections refused without checking because the device id or source address is throttled', labelNames: ['key'] as const, registers: [registry] }),
    mqttConnected: new Gauge({ name: 'vigil_mqtt_connected_clients', help: 'Devices connected to the embedded broker', registers: [registry] }),
    ingestAccepted: new Counter({ name: 'vigil_ingest_accepted_total', help: 'Device messages accepted, by kind', labelNames: ['kind'] as const, registers: [registry] }),
    ingestRejected: new Counter({ name: 'vigil_ingest_rejected_total', help: 'Device messages rejected, by reason', labelNames: ['reason'] as const, registers: [registry] }),
    ingestDuplicates: new Counter({ name: 'vigil_ingest_duplicates_total', help: 'Device messages dropped as duplicate seq', registers: [registry] }),
    ingestCommitSeconds: new Histogram({ name: 'vigil_ingest_commit_seconds', help: 'Time to commit one ingest batch', buckets: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1], registers: [registry] }),
    ingestBacklog: new Gauge({ name: 'vigil_ingest_backlog_messages', help: 'Accepted messages waiting for the next commit', registers: [registry] }),
    alarmsRaised: new Counter({ name: 'vigil_alarms_raised_total', help: 'Alarms raised, by rule', labelNames: ['rule'] as const, registers: [registry] }),
    alarmTransitions: new Counter({ name: 'vigil_alarm_transitions_total', help: 'Alarm state transitions, by target state', labelNames: ['to'] as const, registers: [registry] }),
    devicesOnline: new Gauge({ name: 'vigil_devices_online', help: 'Devices currently online', registers: [registry] }),
    // InfluxDB telemetry (issue #5): the spool's backlog, what its bound dropped, and the writes.
    telemetrySpoolBytes: new Gauge({ name: 'vigil_telemetry_spool_bytes', help: 'Telemetry spooled on disk and not yet confirmed by InfluxDB', registers: [registry] }),
    telemetrySpoolDropped: new Counter({ name: 'vigil_telemetry_spool_dropped_points_total', help: 'Telemetry points dropped, oldest first, because the spool reached VIGIL_SPOOL_MAX_MB', registers: [registry] }),
    influxPointsWritten: new Counter({ name: 'vigil_influx_points_written_total', help: 'Telemetry points InfluxDB confirmed', registers: [registry] }),
    influxWriteErrors: new Counter({ name: 'vigil_influx_write_errors_total', help: 'Failed InfluxDB writes: unreachable (retried from the spool) or rejected (bad points, skipped)', labelNames: ['reason'] as const, registers: [registry] }),
    influxUp: new Gauge({ name: 'vigil_influx_up', help: '1 when the last InfluxDB request succeeded, else 0', registers: [registry] }),
    socketClients: new Gauge({ name: 'vigil_socket_clients', help: 'Connected socket.io clients', registers: [registry] }),
    heapAfterMajorGc: new Gauge({
      name: 'vigil_heap_after_major_gc_bytes',
      help: 'V8 heap in use right after the last full (mark-sweep) collection; absent until the first one',
      registers: [registry],
      collect() {
        if (Number.isFinite(heapAfterMajorGc)) this.set(heapAfterMajorGc)
      },
    }),
  }
  return m
}

export type Metrics = ReturnType<typeof createMetrics>
