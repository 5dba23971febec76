// Telemetry to InfluxDB, device events and status to SQL (issue #5: events and access records
// stay in SQL under their own retention, DOMAIN.md §7.2). History reads InfluxDB: the API asks
// only for telemetry fields (services/api/time-query.ts assertTelemetryField).
import type { DependencyHealth, TelemetryStore } from '../../core/ports.js'

export function createRoutedTelemetryStore(stores: { telemetry: TelemetryStore; other: TelemetryStore }): TelemetryStore {
  return {
    async append(batch) {
      const telemetry = batch.filter((m) => m.kind === 'telemetry')
      const other = telemetry.length === batch.length ? [] : batch.filter((m) => m.kind !== 'telemetry')
      await Promise.all([
        telemetry.length > 0 ? stores.telemetry.append(telemetry) : undefined,
        other.length > 0 ? stores.other.append(other) : undefined,
      ])
    },
    history: (q) => stores.telemetry.history(q),
    health(): DependencyHealth {
      const down = [stores.telemetry.health(), stores.other.health()].filter((h) => !h.ok)
      return down.length === 0 ? { ok: true } : { ok: false, detail: down.map((h) => h.detail ?? 'down').join('; ') }
    },
    async close() {
      await Promise.all([stores.telemetry.close(), stores.other.close()])
    },
  }
}
