// Work-order KPIs (DOMAIN.md §1 #8 handling rate, #17 SLA compliance; issue #4 item 9): MTTA and
// MTTR of work orders, SLA compliance per priority and clock, handling rate. Pure; drills are
// excluded by the caller's query (DOMAIN.md §1 #15).
import type { Priority } from '../model.js'
import type { WorkOrder } from './work-order.js'

export interface WorkOrderKpiQuery {
  siteId?: string | undefined
  /** The user's sites; undefined = every site. */
  siteIds?: string[] | undefined
  /** Work orders created in [from, to), epoch ms. */
  from: number
  to: number
}

export interface WoDurations { count: number; medianSec: number | null; meanSec: number | null }
/** A clock is met when its event happened by the deadline, breached when it happened later or has not happened and the deadline passed. */
export interface ClockCompliance { due: number; met: number; breached: number; pending: number; pct: number | null }
export interface PriorityCompliance { priority: Priority; count: number; accept: ClockCompliance; arrive: ClockCompliance; resolve: ClockCompliance }

export interface WorkOrderKpis {
  siteId: string | null
  from: string
  to: string
  created: number
  /** Completed, verified or closed. */
  resolved: number
  closed: number
  cancelled: number
  /** DOMAIN.md §1 #8: closed ÷ created (cancelled ones count as handled: false alarm or duplicate), in %. */
  handlingRate: number | null
  /** created → accepted. */
  mtta: WoDurations
  /** created → completed. */
  mttr: WoDurations
  slaCompliance: PriorityCompliance[]
  /** Breaches recorded by kind (ack, accept, arrive, resolve, …). */
  breaches: Record<string, number>
}

const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits
const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso))

function durations(values: number[]): WoDurations {
  if (values.length === 0) return { count: 0, medianSec: null, meanSec: null }
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
  return { count: s.length, medianSec: round(median / 1000), meanSec: round(s.reduce((a, b) => a + b, 0) / s.length / 1000) }
}

function compliance(pairs: Array<{ due: number | null; done: number | null }>, now: number): ClockCompliance {
  const c: ClockCompliance = { due: 0, met: 0, breached: 0, pending: 0, pct: null }
  for (const { due, done } of pairs) {
    if (due === null) continue
    c.due++
    if (done !== null && done <= due) c.met++
    else if (done !== null || now > due) c.breached++
    else c.pending++
  }
  c.pct = c.met + c.breached === 0 ? null : round((100 * c.met) / (c.met + c.breached))
  return c
}

const RESOLVED = new Set(['completed', 'verified', 'closed'])

export function computeWorkOrderKpis(input: { siteId: string | null; from: number; to: number; now: number; workOrders: readonly WorkOrder[] }): WorkOrderKpis {
  // A cancelled work order had no work to measure: out of the SLA and time figures.
  const live = input.workOrders.filter((w) => w.status !== 'cancelled')
  const since = (w: WorkOrder, at: string | null): number | null => (at === null ? null : Date.parse(at) - Date.parse(w.createdAt))
  const breaches: Record<string, number> = {}
  for (const w of input.workOrders) for (const b of w.breaches) breaches[b.kind] = (breaches[b.kind] ?? 0) + 1
  const created = input.workOrders.length
  const closed = input.workOrders.filter((w) => w.status === 'closed').length
  const cancelled = input.workOrders.length - live.length
  const slaCompliance = ([1, 2, 3, 4] as const).map((priority): PriorityCompliance => {
    const of = live.filter((w) => w.priority === priority)
    return {
      priority, count: of.length,
      accept: compliance(of.map((w) => ({ due: ms(w.dueAcceptBy), done: ms(w.acceptedAt) })), input.now),
      arrive: compliance(of.map((w) => ({ due: ms(w.dueArriveBy), done: ms(w.arrivedAt) })), input.now),
      resolve: compliance(of.map((w) => ({ due: ms(w.dueResolveBy), done: ms(w.completedAt) })), input.now),
    }
  })
  return {
    siteId: input.siteId,
    from: new Date(input.from).toISOString(),
    to: new Date(input.to).toISOString(),
    created,
    resolved: live.filter((w) => RESOLVED.has(w.status)).length,
    closed,
    cancelled,
    handlingRate: created === 0 ? null : round((100 * (closed + cancelled)) / created),
    mtta: durations(live.map((w) => since(w, w.acceptedAt)).filter((v): v is number => v !== null)),
    mttr: durations(live.map((w) => since(w, w.completedAt)).filter((v): v is number => v !== null)),
    slaCompliance,
    breaches,
  }
}
