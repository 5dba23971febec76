// Return visits 回訪 (DOMAIN.md §5 VERIFIED → CLOSED; §1 #40, #43): a visit is due 24 h after the
// work order was completed; recording it (score 1-10) closes the work order; a score under 6 flags it
// unsatisfied and opens a linked complaint work order (its 2 h / 24 h / 72 h clocks come from
// sla.ts). An overdue visit sends a P3 notice to the supervisors once (DOMAIN.md §5 "overdue → P3 to CS
// supervisor"). Timers run on the injected clock and are rebuilt from the pending visits at start.
import type { Logger } from 'pino'
import type { Clock, TimerHandle } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import type { EventBus } from '../core/events.js'
import type { Repos } from '../core/ports.js'
import { RETURN_VISIT_DUE_MS, UNSATISFIED_BELOW, type ReturnVisit } from '../core/work-orders/return-visit.js'
import { SYSTEM, type Actor } from '../core/work-orders/work-order-machine.js'
import type { WorkOrder } from '../core/work-orders/work-order.js'
import type { Dispatcher } from './dispatcher.js'
import type { NotificationService } from './notification.service.js'
import type { WorkOrderCore } from './work-order.service.js'

export interface ReturnVisitService {
  start(): Promise<void>
  stop(): void
  /** Records the visit of a verified work order and closes it; answers the closed work order and the visit. */
  record(workOrderId: string, input: { score: number; note: string | null }, actor: Actor): Promise<{ workOrder: WorkOrder; visit: ReturnVisit }>
  get(workOrderId: string): Promise<ReturnVisit | undefined>
  pending(): Promise<ReturnVisit[]>
}

export function createReturnVisitService(deps: {
  repos: Repos; clock: Clock; events: EventBus; logger: Logger; workOrders: WorkOrderCore; notifications: NotificationService; dispatcher: Dispatcher
}): ReturnVisitService {
  const { repos, clock, events, logger, workOrders } = deps
  const timers = new Map<string, TimerHandle>()
  let off: (() => void) | null = null

  function arm(v: ReturnVisit): void {
    timers.get(v.workOrderId)?.cancel()
    timers.delete(v.workOrderId)
    if (v.doneAt !== null || v.overdueNotifiedAt !== null) return
    timers.set(v.workOrderId, clock.setTimeout(() => {
      timers.delete(v.workOrderId)
      void overdue(v.workOrderId).catch((err: unknown) => logger.error({ err, workOrderId: v.workOrderId }, 'return-visit overdue notice failed'))
    }, Math.max(0, Date.parse(v.dueAt) - clock.now())))
  }

  async function overdue(workOrderId: string): Promise<void> {
    const v = await repos.returnVisits.get(workOrderId)
    if (!v || v.doneAt !== null || v.overdueNotifiedAt !== null) return
    await repos.returnVisits.upsert({ ...v, overdueNotifiedAt: new Date(clock.now()).toISOString() })
    for (const p of await deps.dispatcher.peopleOf('supervisor', v.siteId)) {
      await deps.notifications.notify({
        to: p.username, kind: 'return-visit-overdue', subject: `Return visit of work order ${workOrderId} is overdue (due ${v.dueAt})`,
        workOrderId, siteId: v.siteId, priority: 3, level: 1,
      })
    }
  }

  /** COMPLETED starts the 24 h visit clock (once; a reopen and a second completion keep the first due). */
  async function onWorkOrder(wo: WorkOrder): Promise<void> {
    if (wo.status !== 'completed' || wo.completedAt === null || (await repos.returnVisits.get(wo.id))) return
    const v: ReturnVisit = {
      workOrderId: wo.id, siteId: wo.siteId, drill: wo.drill, dueAt: new Date(Date.parse(wo.completedAt) + RETURN_VISIT_DUE_MS).toISOString(),
      doneAt: null, score: null, note: null, by: null, unsatisfied: false, complaintWorkOrderId: null, overdueNotifiedAt: null,
    }
    arm(await repos.returnVisits.upsert(v))
  }

  return {
    async start() {
      for (const v of await repos.returnVisits.listPending()) arm(v)
      off = events.on('WorkOrderChanged', (wo) => void onWorkOrder(wo).catch((err: unknown) => logger.error({ err, workOrderId: wo.id }, 'return visit scheduling failed')))
    },
    stop() {
      off?.()
      off = null
      for (const t of timers.values()) t.cancel()
      timers.clear()
    },
    get: (id) => repos.returnVisits.get(id),
    pending: () => repos.returnVisits.listPending(),
    async record(workOrderId, input, actor) {
      if (!Number.isInteger(input.score) || input.score < 1 || input.score > 10) throw new AppError('VALIDATION_FAILED', 'score must be a whole number from 1 to 10')
      const wo = await workOrders.get(workOrderId)
      if (!wo) throw new AppError('WORK_ORDER_NOT_FOUND', `work order ${workOrderId} not found`)
      if (wo.status !== 'verified') throw new AppError('RETURN_VISIT_NOT_ALLOWED', `a return visit is recorded on a verified work order (this one is ${wo.status})`)
      const unsatisfied = input.score < UNSATISFIED_BELOW
      const note = `return visit: score ${input.score}/10${unsatisfied ? ', unsatisfied' : ''}${input.note ? ` — ${input.note}` : ''}`
      const closed = await workOrders.act(workOrderId, { action: 'close', note }, actor)
      let complaintWorkOrderId: string | null = null
      if (unsatisfied) {
        const { workOrder: complaint } = await workOrders.create({
          siteId: wo.siteId, deviceId: wo.deviceId, title: `Complaint after work order: ${wo.title}`, priority: 3, skill: wo.skill, source: 'complaint',
          description: `return visit of ${wo.id} scored ${input.score}/10${input.note ? `: ${input.note}` : ''}`, drill: wo.drill,
        }, SYSTEM)
        complaintWorkOrderId = complaint.id
      }
      const at = new Date(clock.now()).toISOString()
      const before = await repos.returnVisits.get(workOrderId)
      const visit = await repos.returnVisits.upsert({
        workOrderId, siteId: wo.siteId, drill: wo.drill, dueAt: before?.dueAt ?? at, overdueNotifiedAt: before?.overdueNotifiedAt ?? null,
        doneAt: at, score: input.score, note: input.note, by: actor.username, unsatisfied, complaintWorkOrderId,
      })
      timers.get(workOrderId)?.cancel()
      timers.delete(workOrderId)
      return { workOrder: closed, visit }
    },
  }
}
