// The device detail's own data (issue #6 item 6): the device's recent alarms and work orders, and
// the history series of the chosen field and range. Live values, active alarms and open work
// orders keep arriving through the wall's stores; this adds what the wall does not hold.
import { ApiError } from '../api/http.js'
import { api } from '../api/http.js'
import { deviceDetailApi } from '../api/device-detail-api.js'
import type { Alarm, WorkOrder } from '../api/types.js'
import { HISTORY_RANGES, type HistoryRangeKey } from '../device-detail-view.js'

export interface HistorySeries {
  key: string
  t: number[]
  v: (number | null)[]
}

export class DeviceDetailData {
  deviceId = $state<string | null>(null)
  alarms = $state<Alarm[]>([])
  workOrders = $state<WorkOrder[]>([])
  series = $state<HistorySeries | null>(null)
  historyLoading = $state(false)
  /** Why the chart is empty, in words (the telemetry store is down, say). */
  historyError = $state<string | null>(null)
  #historyKey = ''

  constructor(
    private readonly token: () => string | null,
    private readonly onError: (err: unknown) => void,
  ) {}

  async open(deviceId: string, siteId: string): Promise<void> {
    const token = this.token()
    this.deviceId = deviceId
    this.alarms = []
    this.workOrders = []
    this.series = null
    this.#historyKey = ''
    if (!token) return
    const [alarms, workOrders] = await Promise.all([
      deviceDetailApi.recentAlarms(token, deviceId).catch((err: unknown) => (this.onError(err), [] as Alarm[])),
      deviceDetailApi.recentWorkOrders(token, siteId).catch((err: unknown) => (this.onError(err), [] as WorkOrder[])),
    ])
    if (this.deviceId !== deviceId) return
    this.alarms = alarms
    this.workOrders = workOrders.filter((w) => w.deviceId === deviceId)
  }

  /** Fetches the field's history over the range, ending now; a newer request wins over an older one. */
  async loadHistory(deviceId: string, field: string, range: HistoryRangeKey, now = Date.now()): Promise<void> {
    const token = this.token()
    const r = HISTORY_RANGES.find((x) => x.key === range)
    if (!token || !r) return
    const key = `${deviceId}|${field}|${range}|${now}`
    this.#historyKey = key
    this.historyLoading = true
    this.historyError = null
    try {
      const points = await api.history(token, deviceId, field, { from: now - r.ms, to: now, every: r.every, agg: 'mean' })
      if (this.#historyKey !== key) return
      this.series = { key: `${deviceId}|${field}|${range}`, t: points.map((p) => p.t), v: points.map((p) => (typeof p.v === 'number' ? p.v : null)) }
    } catch (err) {
      if (this.#historyKey !== key) return
      this.series = null
      this.historyError = err instanceof ApiError ? err.message : String(err)
      if (err instanceof ApiError && err.status === 401) this.onError(err)
    } finally {
      if (this.#historyKey === key) this.historyLoading = false
    }
  }

  close(): void {
    this.deviceId = null
    this.#historyKey = ''
  }
}
