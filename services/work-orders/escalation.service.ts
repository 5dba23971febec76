// SLA breaches and the escalation ladder of DOMAIN.md §6 on running work orders: the deadline
// timers wake this up, the pure ladder (core/work-orders/escalation.ts) says what is late, and this
// records it (breach list + history, escalationLevel) and tells the next tier.
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.js'
import type { Repos } from '../core/ports.js'
import { dueBreaches, LEVEL_ROLE, maxLevel, nextDeadline, type AlarmFacts, type Checkpoint } from '../core/work-orders/escalation.js'
import { noteEntry } from '../core/work-orders/work-order-machine.js'
import type { EscalationLevel, WorkOrder, WorkOrderHistoryEntry } from '../core/work-orders/work-order.js'
import { createDeadlineTimers } from './deadline-timers.js'
import type { Dispatcher } from './dispatcher.js'
import type { NotificationService } from './notification.service.js'
import type { NotificationKind } from '../core/work-orders/duty.js'

const WHAT: Readonly<Record<Checkpoint['kind'], string>> = {
  intake: 'nobody responsible named within the intake time',
  ack: 'alarm not acknowledged in time',
  accept: 'not accepted in time',
  arrive: 'nobody on site in time',
  'arrive-specialist': 'specialist not on site in time',
  resolve: 'not resolved in time',
  'resolve-l1': 'still unresolved',
}

export interface Escalation {
  /** Re-arms the work order's deadline timer from what is stored (after every commit and at start). */
  follow(wo: WorkOrder): Promise<void>
  /** Notifies the people of a level for a site (L2 supervisors, L1 managers; the next tier up if a tier is empty). */
  notifyLevel(wo: WorkOrder, level: 1 | 2, kind: NotificationKind, subject: string): Promise<void>
  stop(): void
}

export function subjectOf(wo: WorkOrder): string {
  return `P${wo.priority} ${wo.skill} work order "${wo.title}"${wo.deviceId ? ` on ${wo.deviceId}` : ''}`
}

export function createEscalation(deps: {
  repos: Repos
  clock: Clock
  dispatcher: Dispatcher
  notifications: NotificationService
  logger: Logger
  /** Runs `fn` on the work order inside its queue and commits what it returns (the work-order service's commit). */
  update: (id: string, fn: (wo: WorkOrder) => { workOrder: WorkOrder; entries: WorkOrderHistoryEntry[] } | null) => Promise<WorkOrder | undefined>
}): Escalation {
  const { repos, clock, dispatcher, notifications, logger } = deps

  async function alarmFacts(wo: WorkOrder): Promise<AlarmFacts | null> {
    if (wo.alarmId === null) return null
    const alarm = await repos.alarms.get(wo.alarmId)
    return alarm ? { raisedAt: Date.parse(alarm.raisedAt), acked: alarm.acked || alarm.ackedAt !== null } : null
  }

  async function notifyLevel(wo: WorkOrder, level: 1 | 2, kind: NotificationKind, subject: string): Promise<void> {
    // An empty tier must not swallow the escalation: it goes up until someone hears it.
    const chain = level === 1 ? [LEVEL_ROLE[1], LEVEL_ROLE[2], 'admin' as const] : [LEVEL_ROLE[2], 'admin' as const]
    for (const role of chain) {
      const people = await dispatcher.peopleOf(role, wo.siteId)
      if (people.length === 0) continue
      for (const p of people) {
        await notifications.notify({ to: p.username, kind, subject, workOrderId: wo.id, siteId: wo.siteId, priority: wo.priority, level })
      }
      return
    }
    logger.warn({ workOrderId: wo.id, level }, 'escalation has nobody to notify')
  }

  async function check(id: string): Promise<void> {
    const before = await repos.workOrders.get(id)
    if (!before) return
    const facts = await alarmFacts(before)
    let fired: Checkpoint[] = []
    const saved = await deps.update(id, (wo) => {
      const now = clock.now()
      fired = dueBreaches(wo, facts, now)
      if (fired.length === 0) return null
      const at = new Date(now).toISOString()
      let level: EscalationLevel = wo.escalationLevel
      const breaches = [...wo.breaches]
      const entries: WorkOrderHistoryEntry[] = []
      for (const c of fired) {
        level = maxLevel(level, c.level)
        breaches.push({ kind: c.kind, dueAt: new Date(c.dueAt).toISOString(), at, level: c.level })
        entries.push(noteEntry(wo, 'breach', `${c.kind}: ${WHAT[c.kind]} (due ${new Date(c.dueAt).toISOString()}); escalated to ${c.level === 2 ? 'L1' : 'L2'}`, now))
      }
      return { workOrder: { ...wo, breaches, escalationLevel: level, updatedAt: at }, entries }
    })
    if (!saved) {
      // Nothing late (the obligation was met meanwhile): wait for the next deadline.
      const wo = await repos.workOrders.get(id)
      if (wo) await follow(wo)
      return
    }
    for (const c of fired) {
      const tier = c.level === 2 ? 2 : 1
      await notifyLevel(saved, tier, 'escalation', `${subjectOf(saved)}: ${WHAT[c.kind]} — escalated to ${tier === 2 ? 'L1' : 'L2'}`)
    }
  }

  const timers = createDeadlineTimers({
    clock,
    onDue: (id) => void check(id).catch((err: unknown) => logger.error({ err, workOrderId: id }, 'SLA check failed')),
  })

  async function follow(wo: WorkOrder): Promise<void> {
    const facts = await alarmFacts(wo)
    const now = clock.now()
    // Overdue (e.g. Vigil was down at the deadline): check at once, not when the clock next moves.
    if (dueBreaches(wo, facts, now).length > 0) {
      timers.follow(wo.id, null)
      void check(wo.id).catch((err: unknown) => logger.error({ err, workOrderId: wo.id }, 'SLA check failed'))
      return
    }
    timers.follow(wo.id, nextDeadline(wo, facts, now))
  }

  return {
    follow,
    notifyLevel,
    stop: () => timers.cancelAll(),
  }
}
