// The work-order part of Vigil assembled (main.ts calls this once): work orders, dispatch, shifts,
// SLA clocks and escalation, notifications, attachments and the work-order KPIs.
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.js'
import type { EventBus } from '../core/events.js'
import type { Notifier, Repos } from '../core/ports.js'
import type { AlarmService } from '../contracts.js'
import { createAttachmentFiles } from '../adapters/files/attachment-files.js'
import { createAlarmWorkOrders } from './alarm-work-orders.js'
import { createAttachmentService, type AttachmentService } from './attachment.service.js'
import { createDispatcher } from './dispatcher.js'
import { createNotificationService, type NotificationService } from './notification.service.js'
import { createShiftService, type ShiftService } from './shift.service.js'
import { createSocketNotifier } from './socket-notifier.js'
import { createWorkOrderCore, type WorkOrderCore } from './work-order.service.js'
import { createWorkOrderKpis, type WorkOrderKpiFn } from './work-order-kpis.js'
import { createResetGuard } from './reset-guard.js'
import { createReturnVisitService, type ReturnVisitService } from './return-visit.service.js'
import { createPmPlanService, type PmPlanService } from './pm-plans.service.js'
import { createNuisanceWorkOrders } from './nuisance-work-orders.js'
import type { Dispatcher } from './dispatcher.js'
import type { AlarmResetGuard } from '../contracts.js'

export interface WorkOrderServices {
  workOrders: WorkOrderCore
  attachments: AttachmentService
  shifts: ShiftService
  notifications: NotificationService
  /** The work-order KPIs for GET /reports/kpis. */
  workOrderKpis: WorkOrderKpiFn
  /** Return visits (DOMAIN.md §5 VERIFIED → CLOSED) and preventive-maintenance plans (§1 #6). */
  returnVisits: ReturnVisitService
  pmPlans: PmPlanService
  dispatcher: Dispatcher
  /** The P1 reset guard the alarm service asks (DOMAIN.md §4.2 A8). */
  resetGuard: AlarmResetGuard
  /** Rebuilds SLA and re-notification timers from the database, then listens for alarms. */
  start(): Promise<void>
  stop(): Promise<void>
}

export function createWorkOrderServices(deps: {
  repos: Repos
  clock: Clock
  events: EventBus
  alarms: Pick<AlarmService, 'onWorkOrderClosed'>
  logger: Logger
  dataDir: string
  /** Channels besides socket.io (the webhook notifier). */
  extraNotifiers?: readonly Notifier[]
}): WorkOrderServices {
  const { repos, clock, events, logger } = deps
  const notifications = createNotificationService({
    repos, clock, logger, notifiers: [createSocketNotifier(events), ...(deps.extraNotifiers ?? [])],
    onNoticeUnacked: (n) => workOrders.escalateUnackedNotice(n),
  })
  const dispatcher = createDispatcher({ repos })
  const workOrders = createWorkOrderCore({ repos, clock, events, alarms: deps.alarms, dispatcher, notifications, logger })
  const fromAlarms = createAlarmWorkOrders({ events, repos, workOrders, logger })
  const returnVisits = createReturnVisitService({ repos, clock, events, logger, workOrders, notifications, dispatcher })
  const pmPlans = createPmPlanService({ repos, clock, logger, workOrders })
  const nuisance = createNuisanceWorkOrders({ events, workOrders, logger })
  return {
    returnVisits,
    pmPlans,
    dispatcher,
    resetGuard: createResetGuard({ repos, workOrders }),
    workOrders,
    notifications,
    attachments: createAttachmentService({ repos, clock, events, files: createAttachmentFiles(deps.dataDir) }),
    shifts: createShiftService({ repos, clock, logger, onShiftStarted: () => workOrders.dispatchWaiting() }),
    workOrderKpis: createWorkOrderKpis({ repos, clock }),
    async start() {
      await workOrders.start()
      await notifications.start()
      fromAlarms.start()
      await returnVisits.start()
      await pmPlans.start()
      nuisance.start()
    },
    async stop() {
      nuisance.stop()
      pmPlans.stop()
      returnVisits.stop()
      await fromAlarms.stop()
      await workOrders.stop()
      await notifications.stop()
    },
  }
}
