// The drill report (DOMAIN.md §1 #15, #33; issue #4 item 8): drills run the whole flow but stay out of
// the KPIs; this lists them per site and period — the drill emergencies with their alarms and work
// orders, and how far each got (contained, residents notified, closed, response times).
import type { Repos, ReportFilter } from '../core/ports.js'
import type { WorkOrder } from '../core/work-orders/work-order.js'

export interface DrillReport {
  siteId: string | null
  from: string
  to: string
  emergencies: Array<{
    id: string; siteId: string; level: string; stage: string; openedAt: string; containedAt: string | null; residentsNotifiedAt: string | null
    closedAt: string | null; alarmIds: string[]; containSec: number | null
  }>
  workOrders: Array<Pick<WorkOrder, 'id' | 'siteId' | 'title' | 'priority' | 'status' | 'assignee' | 'createdAt' | 'acceptedAt' | 'arrivedAt' | 'completedAt'>>
}
export type DrillReportFn = (f: ReportFilter) => Promise<DrillReport>

const secBetween = (a: string, b: string | null): number | null => (b === null ? null : Math.round((Date.parse(b) - Date.parse(a)) / 1000))

export function createDrillReport(deps: { repos: Repos }): DrillReportFn {
  return async (f) => {
    const ems = await deps.repos.emergencies.list({ siteIds: f.siteIds, siteId: f.siteId, drill: true, from: f.from, to: f.to }, { limit: 10_000 })
    const wos = await deps.repos.workOrders.list({ siteIds: f.siteIds, siteId: f.siteId }, { limit: 10_000 })
    return {
      siteId: f.siteId ?? null, from: f.from, to: f.to,
      emergencies: ems.items.map((e) => ({
        id: e.id, siteId: e.siteId, level: e.level, stage: e.stage, openedAt: e.openedAt, containedAt: e.containedAt,
        residentsNotifiedAt: e.residentsNotifiedAt, closedAt: e.closedAt, alarmIds: e.alarmIds, containSec: secBetween(e.openedAt, e.containedAt),
      })),
      workOrders: wos.items.filter((w) => w.drill && w.createdAt >= f.from && w.createdAt < f.to).map((w) => ({
        id: w.id, siteId: w.siteId, title: w.title, priority: w.priority, status: w.status, assignee: w.assignee,
        createdAt: w.createdAt, acceptedAt: w.acceptedAt, arrivedAt: w.arrivedAt, completedAt: w.completedAt,
      })),
    }
  }
}
