// What the device detail fetches beyond the wall's live data (issue #6 item 6): the device's
// recent alarms in every state and its site's recent work orders.
import type { Alarm, Page, WorkOrder } from './types.js'
import { request } from './http.js'

/** Enough history for a detail page; older alarms and work orders are in the reports. */
const RECENT = 100

export const deviceDetailApi = {
  recentAlarms: async (token: string, deviceId: string) =>
    (await request<Page<Alarm>>('GET', `/alarms?state=all&deviceId=${encodeURIComponent(deviceId)}&limit=${RECENT}`, token)).items,
  /** The work-order list has no device filter: the site's latest are fetched and the view keeps the device's. */
  recentWorkOrders: async (token: string, siteId: string) =>
    (await request<Page<WorkOrder>>('GET', `/work-orders?siteId=${encodeURIComponent(siteId)}&limit=${RECENT * 5}`, token)).items,
}
