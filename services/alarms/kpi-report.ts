// GET /reports/kpis (DOMAIN.md §4.4): loads the alarms and flood periods of the range, then the
// pure computation in core/alarms/alarm-kpis.ts does the arithmetic.
import { computeKpis, type KpiQuery, type KpiReport } from '../core/alarms/alarm-kpis.js'
import type { Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import type { Repos } from '../core/ports.js'

/** A month is the report's usual span (DOMAIN.md §4.4 "monthly report"); a year is the most one request may ask. */
export const MAX_REPORT_SPAN_MS = 366 * 86_400_000

export async function buildKpiReport(deps: { repos: Repos; clock: Clock }, q: KpiQuery): Promise<KpiReport> {
  if (!(q.from < q.to)) throw new AppError('VALIDATION_FAILED', 'from must be before to', { from: q.from, to: q.to })
  if (q.to - q.from > MAX_REPORT_SPAN_MS) throw new AppError('VALIDATION_FAILED', 'a report spans at most 366 days', { from: q.from, to: q.to })
  const filter = { siteIds: q.siteIds, siteId: q.siteId, from: new Date(q.from).toISOString(), to: new Date(q.to).toISOString() }
  const [alarms, floods] = await Promise.all([deps.repos.alarms.listForReport(filter), deps.repos.floods.list(filter)])
  return computeKpis({ siteId: q.siteId ?? null, from: q.from, to: q.to, now: deps.clock.now(), alarms, floods })
}
