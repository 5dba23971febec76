// workOrderKpis(filter): the work-order half of GET /reports/kpis (issue #4 item 9). Loads the
// non-drill work orders created in the range and the non-drill return visits of the range; the
// arithmetic is core/work-orders/work-order-kpis.ts and core/work-orders/return-visit-kpis.ts.
import type { Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import type { Repos } from '../core/ports.js'
import { computeReturnVisitKpis, type ReturnVisitKpis } from '../core/work-orders/return-visit-kpis.js'
import { computeWorkOrderKpis, type WorkOrderKpiQuery, type WorkOrderKpis } from '../core/work-orders/work-order-kpis.js'

const MAX_SPAN_MS = 366 * 86_400_000

export type WorkOrderKpiFn = (q: WorkOrderKpiQuery) => Promise<WorkOrderKpis & { returnVisits: ReturnVisitKpis }>

export function createWorkOrderKpis(deps: { repos: Repos; clock: Clock }): WorkOrderKpiFn {
  return async (q) => {
    if (!(q.from < q.to)) throw new AppError('VALIDATION_FAILED', 'from must be before to', { from: q.from, to: q.to })
    if (q.to - q.from > MAX_SPAN_MS) throw new AppError('VALIDATION_FAILED', 'a report spans at most 366 days', { from: q.from, to: q.to })
    const filter = { siteIds: q.siteIds, siteId: q.siteId, from: new Date(q.from).toISOString(), to: new Date(q.to).toISOString() }
    const [workOrders, done, pending] = await Promise.all([
      deps.repos.workOrders.listForReport(filter), deps.repos.returnVisits.listDone(filter), deps.repos.returnVisits.listPending(),
    ])
    const inScope = (siteId: string): boolean => (q.siteId === undefined || siteId === q.siteId) && (q.siteIds === undefined || q.siteIds.length === 0 || q.siteIds.includes(siteId))
    const now = deps.clock.now()
    return {
      ...computeWorkOrderKpis({ siteId: q.siteId ?? null, from: q.from, to: q.to, now, workOrders }),
      returnVisits: computeReturnVisitKpis({ done, pending: pending.filter((v) => !v.drill && inScope(v.siteId)), from: q.from, to: q.to, now }),
    }
  }
}
