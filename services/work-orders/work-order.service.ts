// Work orders (DOMAIN.md §5): created by operators or from alarms, dispatched to the right person
// on shift, moved through the state machine, watched by SLA clocks. Every change is committed,
// then announced (`WorkOrderChanged`), then its consequences follow: deadline timers re-armed,
// re-dispatch after a rejection, out-of-service alarms returned when the work order ends.
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import type { EventBus } from '../core/events.js'
import type { Priority, Skill } from '../core/model.js'
import type { Page, PageRequest, Repos, WorkOrderFilter } from '../core/ports.js'
import { computeDues, distanceTierOf, slaOverridesOf } from '../core/work-orders/sla.js'
import { noteEntry, SYSTEM, transitionWorkOrder, type Actor, type WorkOrderInput } from '../core/work-orders/work-order-machine.js'
import { maxLevel } from '../core/work-orders/escalation.js'
import type { WorkOrder, WorkOrderHistoryEntry, WorkOrderSource } from '../core/work-orders/work-order.js'
import type { AlarmService } from '../contracts.js'
import type { Dispatcher } from './dispatcher.js'
import { createEscalation, subjectOf, type Escalation } from './escalation.service.js'
import { createKeyedQueue } from './keyed-queue.js'
import type { NotificationService } from './notification.service.js'
import type { Notification } from '../core/work-orders/duty.js'

export interface NewWorkOrder {
  siteId: string
  deviceId?: string | null | undefined
  alarmId?: string | null | undefined
  ruleId?: string | null | undefined
  title: string
  description?: string | null | undefined
  priority: Priority
  skill: Skill
  source: WorkOrderSource
  /** ISO 8601 or epoch ms; the arrival deadline (DOMAIN.md §1 #37). */
  appointmentAt?: number | null | undefined
  drill?: boolean | undefined
}

export interface WorkOrderDeps {
  repos: Repos
  clock: Clock
  events: EventBus
  alarms: Pick<AlarmService, 'onWorkOrderClosed'>
  dispatcher: Dispatcher
  notifications: NotificationService
  logger: Logger
}

export interface WorkOrderCore {
  /** Creates (rule work orders: at most one open per device, rule, skill) and dispatches at once. */
  create(input: NewWorkOrder, actor: Actor): Promise<{ workOrder: WorkOrder; created: boolean }>
  /** One state-machine action; answers the committed work order with its history. */
  act(id: string, input: WorkOrderInput, actor: Actor): Promise<WorkOrder>
  get(id: string): Promise<WorkOrder | undefined>
  list(filter: WorkOrderFilter, page: PageRequest): Promise<Page<WorkOrder>>
  /** Auto-dispatches every work order still waiting for someone (a shift started). */
  dispatchWaiting(): Promise<void>
  /** An L2 escalation notice went unacknowledged (DOMAIN.md §6, OUR): the work order goes to L1, once. */
  escalateUnackedNotice(n: Notification): Promise<void>
  /** Runs `fn` on the stored work order in its queue and commits the result (internal helpers use it). */
  update(id: string, fn: (wo: WorkOrder) => { workOrder: WorkOrder; entries: WorkOrderHistoryEntry[] } | null): Promise<WorkOrder | undefined>
  /** Re-arms the SLA and escalation clock of a work order another process changed (`vigil worker`). */
  follow(wo: WorkOrder): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
}

const ENDED = new Set(['closed', 'cancelled'])

export function createWorkOrderCore(deps: WorkOrderDeps): WorkOrderCore {
  const { repos, clock, events, dispatcher, notifications, logger } = deps
  const queue = createKeyedQueue()

  const mustGet = async (id: string): Promise<WorkOrder> => {
    const wo = await repos.workOrders.get(id)
    if (!wo) throw new AppError('WORK_ORDER_NOT_FOUND', `work order ${id} not found`)
    return wo
  }

  /**
   * Commits `fn`'s change to the work order as stored, under the repository's row lock: of two
   * processes (or engineers) acting on one work order at once, the second decides on what the first
   * committed (issue #9), then the change is announced and its SLA clocks follow.
   */
  async function commit(id: string, fn: (wo: WorkOrder) => { workOrder: WorkOrder; entries: WorkOrderHistoryEntry[] } | null): Promise<WorkOrder | undefined> {
    const changed = await repos.workOrders.change(id, fn)
    if (!changed || !changed.changed) return undefined
    events.emit('WorkOrderChanged', changed.value)
    await escalation.follow(changed.value)
    return changed.value
  }

  const update: WorkOrderCore['update'] = (id, fn) => queue.run(id, () => commit(id, fn))
  const escalation: Escalation = createEscalation({ repos, clock, dispatcher, notifications, logger, update })

  /** DOMAIN.md §5 CREATED → ASSIGNED by the system; nobody eligible → L2 at once. */
  async function dispatch(id: string): Promise<void> {
    const wo = await repos.workOrders.get(id)
    if (!wo || wo.status !== 'created') return
    const assignee = await dispatcher.pick(wo)
    if (assignee !== null) {
      const saved = await update(id, (cur) => {
        if (cur.status !== 'created') return null
        const r = transitionWorkOrder(cur, { action: 'assign', assignee, note: 'auto-dispatch' }, SYSTEM, clock.now())
        return r.ok ? { workOrder: r.workOrder, entries: [r.entry] } : null
      })
      if (saved) {
        await notifications.notify({
          to: assignee, kind: 'assignment', subject: `${subjectOf(saved)} assigned to you`,
          workOrderId: saved.id, siteId: saved.siteId, priority: saved.priority, level: 0,
        })
      }
      return
    }
    const saved = await update(id, (cur) => {
      if (cur.status !== 'created') return null
      const at = clock.now()
      const entry = noteEntry(cur, 'escalate', `nobody on shift with skill ${cur.skill} for site ${cur.siteId}; escalated to L2`, at)
      return { workOrder: { ...cur, escalationLevel: maxLevel(cur.escalationLevel, 1), updatedAt: new Date(at).toISOString() }, entries: [entry] }
    })
    if (saved) await escalation.notifyLevel(saved, 1, 'unassigned', `${subjectOf(saved)}: nobody on shift with skill ${saved.skill} — please assign`)
  }

  async function afterAction(saved: WorkOrder, input: WorkOrderInput, actor: Actor): Promise<void> {
    if (input.action === 'assign' && saved.assignee !== null) {
      await notifications.notify({
        to: saved.assignee, kind: 'assignment', subject: `${subjectOf(saved)} assigned to you by ${actor.username}`,
        workOrderId: saved.id, siteId: saved.siteId, priority: saved.priority, level: 0,
      })
    }
    if (input.action === 'reject') await dispatch(saved.id)
    // DOMAIN.md §4.2 A12: alarms out of service under this work order return when it ends.
    if (ENDED.has(saved.status)) await deps.alarms.onWorkOrderClosed(saved.id, actor.username)
  }

  return {
    update,
    async create(input, actor) {
      const site = await repos.sites.get(input.siteId)
      if (!site) throw new AppError('SITE_NOT_FOUND', `site ${input.siteId} not found`)
      const device = input.deviceId ? await repos.devices.get(input.deviceId) : undefined
      if (input.deviceId && (!device || device.siteId !== input.siteId)) throw new AppError('DEVICE_NOT_FOUND', `device ${input.deviceId} not found in site ${input.siteId}`)
      const now = clock.now()
      const at = new Date(now).toISOString()
      const dues = computeDues({
        priority: input.priority, source: input.source, createdAt: now, appointmentAt: input.appointmentAt ?? null,
        distanceTier: distanceTierOf(device?.attributes), overrides: slaOverridesOf(site.settings),
      })
      const iso = (v: number | null): string | null => (v === null ? null : new Date(v).toISOString())
      const wo: WorkOrder = {
        id: randomUUID(), siteId: input.siteId, deviceId: input.deviceId ?? null, alarmId: input.alarmId ?? null, ruleId: input.ruleId ?? null,
        title: input.title, description: input.description ?? null, priority: input.priority, skill: input.skill, source: input.source,
        status: 'created', assignee: null, escalationLevel: 0, drill: input.drill ?? false,
        dueIntakeBy: iso(dues.dueIntakeBy), dueAcceptBy: iso(dues.dueAcceptBy), dueArriveBy: iso(dues.dueArriveBy),
        dueSpecialistArriveBy: iso(dues.dueSpecialistArriveBy), dueResolveBy: iso(dues.dueResolveBy), appointmentAt: iso(input.appointmentAt ?? null),
        createdAt: at, createdBy: actor.username, updatedAt: at, assignedAt: null, acceptedAt: null, arrivedAt: null, startedAt: null,
        completedAt: null, verifiedAt: null, closedAt: null, cancelledAt: null, result: null, rejectedBy: [], breaches: [], attachments: [],
      }
      const entry: WorkOrderHistoryEntry = { at, actor: actor.username, action: 'create', from: null, to: 'created', note: input.source === 'rule' ? `from alarm ${input.alarmId ?? ''}` : `source: ${input.source}` }
      const result = await repos.workOrders.insert(wo, entry)
      if (!result.created) return result
      events.emit('WorkOrderChanged', result.workOrder)
      await escalation.follow(result.workOrder)
      // P1 within 5 s of the alarm (DOMAIN.md §5): dispatch is a function call, right now.
      await dispatch(result.workOrder.id)
      return { workOrder: (await repos.workOrders.get(result.workOrder.id)) ?? result.workOrder, created: true }
    },
    async act(id, input, actor) {
      const saved = await queue.run(id, async () => {
        const wo = await mustGet(id)
        if (input.action === 'assign') {
          // Who may be assigned depends on shifts and sites, not on the work order's state: asked before the lock.
          const why = await dispatcher.whyNotAssignable(input.assignee, wo.siteId)
          if (why !== null) throw new AppError('ASSIGNEE_NOT_ELIGIBLE', why, { assignee: input.assignee })
        }
        const done = await commit(id, (cur) => {
          const effective: WorkOrderInput = input.action === 'complete' ? { ...input, photos: cur.attachments.length } : input
          const r = transitionWorkOrder(cur, effective, actor, clock.now())
          if (!r.ok) throw new AppError(r.code, r.message, { workOrderId: id, status: cur.status })
          return { workOrder: r.workOrder, entries: [r.entry] }
        })
        if (!done) throw new AppError('WORK_ORDER_NOT_FOUND', `work order ${id} not found`)
        return done
      })
      await afterAction(saved, input, actor)
      return (await repos.workOrders.get(id, { withHistory: true })) ?? saved
    },
    get: (id) => repos.workOrders.get(id, { withHistory: true }),
    list: (filter, page) => repos.workOrders.list(filter, page),
    async escalateUnackedNotice(n) {
      if (n.workOrderId === null) return
      const saved = await update(n.workOrderId, (cur) => {
        if (cur.escalationLevel >= 2 || !['created', 'assigned', 'accepted', 'on-site', 'in-progress', 'on-hold'].includes(cur.status)) return null
        const at = clock.now()
        const entry = noteEntry(cur, 'escalate', `L2 notice to ${n.to} not acknowledged in time; escalated to L1`, at)
        return { workOrder: { ...cur, escalationLevel: 2, updatedAt: new Date(at).toISOString() }, entries: [entry] }
      })
      if (saved) await escalation.notifyLevel(saved, 2, 'escalation', `${subjectOf(saved)}: the supervisor has not acknowledged — escalated to L1`)
    },
    async dispatchWaiting() {
      for (const wo of await repos.workOrders.listClocked()) {
        if (wo.status === 'created') await dispatch(wo.id)
      }
    },
    follow: (wo) => escalation.follow(wo),
    async start() {
      for (const wo of await repos.workOrders.listClocked()) await escalation.follow(wo)
    },
    async stop() {
      escalation.stop()
      await queue.idle()
    },
  }
}
