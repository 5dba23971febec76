// Notifications (issue #4 item 4/5): recorded first, then sent through every notifier; P1 and P2
// notifications are sent again every 1 / 5 min until their person acknowledges them (DOMAIN.md §6
// "re-notify"), or until the work order they are about no longer needs anyone (completed, cancelled).
// The re-notification timers run on the injected clock and are rebuilt from the database at start.
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Clock, TimerHandle } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import type { Priority, User } from '../core/model.js'
import type { Notifier, Page, PageRequest, Repos } from '../core/ports.js'
import type { Notification, NotificationKind } from '../core/work-orders/duty.js'
import { NOTICE_ACK_LIMIT_MIN, RENOTIFY_EVERY_MIN } from '../core/work-orders/escalation.js'
import type { EscalationLevel } from '../core/work-orders/work-order.js'

export interface NotifyInput {
  to: string
  kind: NotificationKind
  subject: string
  workOrderId: string | null
  siteId: string | null
  priority: Priority | null
  level: EscalationLevel
}

export interface NotificationService {
  start(): Promise<void>
  stop(): Promise<void>
  notify(input: NotifyInput): Promise<Notification>
  /** Only the person it is for (or an admin) acknowledges it; anyone else gets 404. */
  ack(id: string, user: Pick<User, 'username' | 'role'>): Promise<Notification>
  list(filter: { to?: string | undefined; workOrderId?: string | undefined }, page: PageRequest): Promise<Page<Notification>>
}

/** Work-order statuses in which nobody needs reminding any more. */
const SETTLED = new Set(['completed', 'verified', 'closed', 'cancelled'])

export function createNotificationService(deps: {
  repos: Repos
  clock: Clock
  notifiers: readonly Notifier[]
  logger: Logger
  /** An L2 escalation notice nobody acknowledged in time (DOMAIN.md §6, OUR): the caller takes it to L1. */
  onNoticeUnacked?: (n: Notification) => Promise<void>
}): NotificationService {
  const { repos, clock, notifiers, logger } = deps
  const timers = new Map<string, TimerHandle>()
  const overdue = new Map<string, TimerHandle>()
  /** Notices already taken up a level in this run (the work order's level guards it across restarts). */
  const forwarded = new Set<string>()
  let stopped = false

  async function send(n: Notification): Promise<void> {
    for (const notifier of notifiers) {
      // One failing channel (a gateway down) must not keep the others from the person.
      await notifier.send(n).catch((err: unknown) => logger.warn({ err, notificationId: n.id }, 'notifier failed'))
    }
  }

  function watchAck(n: Notification): void {
    const limitMin = n.priority === null ? null : NOTICE_ACK_LIMIT_MIN[n.priority]
    if (stopped || (n.kind !== 'escalation' && n.kind !== 'unassigned') || n.level !== 1 || limitMin === null || n.ackedAt !== null || overdue.has(n.id) || forwarded.has(n.id) || !deps.onNoticeUnacked) return
    const dueIn = Math.max(0, Date.parse(n.createdAt) + limitMin * 60_000 - clock.now())
    overdue.set(n.id, clock.setTimeout(() => {
      overdue.delete(n.id)
      forwarded.add(n.id)
      void (async () => {
        const current = await repos.notifications.get(n.id)
        if (current && current.ackedAt === null && !stopped) await deps.onNoticeUnacked?.(current)
      })().catch((err: unknown) => logger.error({ err, notificationId: n.id }, 'escalating an unacknowledged notice failed'))
    }, dueIn))
  }

  function schedule(n: Notification): void {
    watchAck(n)
    timers.get(n.id)?.cancel()
    timers.delete(n.id)
    const everyMin = n.priority === null ? null : RENOTIFY_EVERY_MIN[n.priority]
    if (stopped || everyMin === null || n.ackedAt !== null) return
    const dueIn = Math.max(0, Date.parse(n.at) + everyMin * 60_000 - clock.now())
    timers.set(n.id, clock.setTimeout(() => void renotify(n.id).catch((err: unknown) => logger.error({ err, notificationId: n.id }, 're-notification failed')), dueIn))
  }

  async function renotify(id: string): Promise<void> {
    timers.delete(id)
    const n = await repos.notifications.get(id)
    if (!n || n.ackedAt !== null || stopped) return
    if (n.workOrderId !== null) {
      const wo = await repos.workOrders.get(n.workOrderId)
      if (!wo || SETTLED.has(wo.status)) return
    }
    const again = await repos.notifications.markSent(id, new Date(clock.now()).toISOString(), n.at)
    if (!again) {
      // Another process sent this round (or it was acknowledged meanwhile): follow the stored one.
      const fresh = await repos.notifications.get(id)
      if (fresh && fresh.ackedAt === null) schedule(fresh)
      return
    }
    await send(again)
    schedule(again)
  }

  return {
    async start() {
      stopped = false
      for (const n of await repos.notifications.listUnacked()) schedule(n)
    },
    async stop() {
      stopped = true
      for (const t of [...timers.values(), ...overdue.values()]) t.cancel()
      timers.clear()
      overdue.clear()
    },
    async notify(input) {
      const at = new Date(clock.now()).toISOString()
      const n = await repos.notifications.insert({ id: randomUUID(), ...input, at, createdAt: at, sentCount: 1, ackedAt: null, ackedBy: null })
      await send(n)
      schedule(n)
      return n
    },
    async ack(id, user) {
      const n = await repos.notifications.get(id)
      if (!n || (n.to !== user.username && user.role !== 'admin')) throw new AppError('NOTIFICATION_NOT_FOUND', `notification ${id} not found`)
      const acked = await repos.notifications.ack(id, user.username, new Date(clock.now()).toISOString())
      for (const m of [timers, overdue]) {
        m.get(id)?.cancel()
        m.delete(id)
      }
      return acked ?? n
    },
    list: (filter, page) => repos.notifications.list(filter, page),
  }
}
