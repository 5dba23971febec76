// Reports (CONTRACT.md §3 reports): the alarm-system KPIs of DOMAIN.md §4.4 over a range, for one
// site (one operator console) or every site the user sees, and with work orders running the
// work-order KPIs of issue #4 item 9 (MTTA/MTTR, SLA compliance per priority, handling rate, return
// visits and their scores) over the work orders created in the same range. Drills are left out.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../core/errors.js'
import type { RouteOpts } from '../api-deps.js'
import { principalOf, requirePermission, siteScope } from '../auth.js'
import { errorResponses } from '../schemas.js'
import { parseInstant } from '../time-query.js'

/** DOMAIN.md §4.4 is a monthly report: without `from`, the 30 days before `to`. */
const DEFAULT_SPAN_MS = 30 * 86_400_000

const Durations = Type.Object({ count: Type.Integer(), medianSec: Type.Union([Type.Number(), Type.Null()]), meanSec: Type.Union([Type.Number(), Type.Null()]) })
const KpiReport = Type.Object({
  siteId: Type.Union([Type.String(), Type.Null()]),
  from: Type.String(), to: Type.String(), days: Type.Number(),
  alarmLoad: Type.Object({
    annunciated: Type.Integer({ description: 'new annunciated alarms (A1 raises, A7 reactivations; not chattering repeats)' }),
    perDay: Type.Number(), perHour: Type.Number(),
    bySite: Type.Array(Type.Object({ siteId: Type.String(), annunciated: Type.Integer(), perDay: Type.Number(), perHour: Type.Number(), pctTenMinutePeriodsInFlood: Type.Number() }),
      { description: 'one operator console per site' }),
  }),
  priorityMix: Type.Array(Type.Object({ priority: Type.Integer(), count: Type.Integer(), pct: Type.Number() })),
  mtta: { ...Durations, description: 'time from annunciation to acknowledgement' },
  mttr: { ...Durations, description: 'time from raise to the alarm ending (normal)' },
  flood: Type.Object({
    periods: Type.Array(Type.Object({ siteId: Type.String(), startedAt: Type.String(), endedAt: Type.Union([Type.String(), Type.Null()]), peakCount: Type.Integer() })),
    tenMinutePeriods: Type.Integer(), periodsInFlood: Type.Integer(), pctTenMinutePeriodsInFlood: Type.Number(),
  }),
  chattering: Type.Object({ alarms: Type.Integer(), items: Type.Array(Type.Object({ siteId: Type.String(), deviceId: Type.String(), ruleId: Type.String(), silentRepeats: Type.Integer() })) }),
  badActors: Type.Object({
    items: Type.Array(Type.Object({ siteId: Type.String(), deviceId: Type.String(), ruleId: Type.String(), count: Type.Integer(), share: Type.Number() })),
    top10Share: Type.Number(),
  }),
  stale: Type.Object({
    count: Type.Integer(),
    items: Type.Array(Type.Object({
      alarmId: Type.String(), siteId: Type.String(), deviceId: Type.String(), ruleId: Type.String(), priority: Type.Integer(),
      activeSince: Type.String(), activeSec: Type.Integer(), stillActive: Type.Boolean(),
    })),
  }),
})

const Clock = Type.Object({ due: Type.Integer(), met: Type.Integer(), breached: Type.Integer(), pending: Type.Integer(), pct: Type.Union([Type.Number(), Type.Null()]) })
const WorkOrderKpis = Type.Object({
  created: Type.Integer({ description: 'non-drill work orders created in the range' }),
  resolved: Type.Integer(), closed: Type.Integer(), cancelled: Type.Integer(),
  handlingRate: Type.Union([Type.Number(), Type.Null()], { description: '(closed + cancelled) ÷ created, %' }),
  mtta: { ...Durations, description: 'work order created → accepted' },
  mttr: { ...Durations, description: 'work order created → completed' },
  slaCompliance: Type.Array(Type.Object({ priority: Type.Integer(), count: Type.Integer(), accept: Clock, arrive: Clock, resolve: Clock })),
  breaches: Type.Record(Type.String(), Type.Integer()),
  returnVisits: Type.Object({
    visited: Type.Integer(), onTime: Type.Integer(), overdue: Type.Integer(),
    ratePct: Type.Union([Type.Number(), Type.Null()], { description: 'visits made ÷ visits owed (made + overdue), %' }),
    onTimePct: Type.Union([Type.Number(), Type.Null()]),
    scores: Type.Object({
      count: Type.Integer(), mean: Type.Union([Type.Number(), Type.Null()]), median: Type.Union([Type.Number(), Type.Null()]),
      byScore: Type.Array(Type.Object({ score: Type.Integer(), count: Type.Integer() })),
    }),
    unsatisfied: Type.Integer(), complaintWorkOrderIds: Type.Array(Type.String()),
  }),
}, { description: 'issue #4 item 9; drills excluded' })
const Report = Type.Object({ ...KpiReport.properties, workOrders: Type.Optional(WorkOrderKpis) })

export const reportRoutes: FastifyPluginAsyncTypebox<RouteOpts> = async (app, { deps }) => {
  app.get('/reports/kpis', {
    onRequest: requirePermission('reports.read'),
    schema: {
      tags: ['reports'], summary: 'Alarm-system KPIs (DOMAIN.md §4.4): load, priority mix, MTTA/MTTR, flood, chattering, bad actors, stale; and work-order KPIs (MTTA/MTTR, SLA compliance per priority, handling rate, return visits); drills excluded',
      querystring: Type.Object({
        siteId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        from: Type.Optional(Type.String({ description: 'ISO 8601 or epoch ms; default 30 days before `to`' })),
        to: Type.Optional(Type.String({ description: 'ISO 8601 or epoch ms; default now' })),
      }),
      response: { 200: Report, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (req) => {
    const user = principalOf(req)
    const scope = siteScope(user, req.query.siteId)
    if (!scope) throw new AppError('SITE_NOT_FOUND', `site ${req.query.siteId ?? ''} not found`)
    const to = req.query.to === undefined ? deps.clock.now() : parseInstant(req.query.to, 'to')
    const from = req.query.from === undefined ? to - DEFAULT_SPAN_MS : parseInstant(req.query.from, 'from')
    const [alarms, workOrders] = await Promise.all([
      deps.alarms.kpis({ ...scope, from, to }),
      deps.workOrders ? deps.workOrders.workOrderKpis({ ...scope, from, to }) : undefined,
    ])
    if (!workOrders) return alarms
    const { siteId: _s, from: _f, to: _t, ...wo } = workOrders
    return { ...alarms, workOrders: wo }
  })
}
