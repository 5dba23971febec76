// The P1 reset guard (DOMAIN.md §4.2 A8) the work-order side provides to the alarm service: a latched
// P1 alarm ends only once someone is on site (its work order on-site or later). Exception: EL-03, an
// alarm call ended after voice contact confirmed nobody is trapped — the reset is allowed and the
// system cancels its work order with the operator's note as the reason (DOMAIN.md §8 scenario 4).
import { AppError } from '../core/errors.js'
import type { Alarm } from '../core/model.js'
import type { Repos } from '../core/ports.js'
import { SYSTEM } from '../core/work-orders/work-order-machine.js'
import type { WorkOrder, WorkOrderStatus } from '../core/work-orders/work-order.js'
import type { AlarmResetGuard } from '../contracts.js'
import type { WorkOrderCore } from './work-order.service.js'

/** On site or later (cancelled ones do not count either way). */
const ON_SITE_OR_LATER: readonly WorkOrderStatus[] = ['on-site', 'in-progress', 'on-hold', 'completed', 'verified', 'closed']
const CANCELLABLE: readonly WorkOrderStatus[] = ['created', 'assigned', 'accepted', 'on-site', 'in-progress', 'on-hold']
const VOICE_CONTACT_RULES = new Set(['EL-03'])

export function createResetGuard(deps: { repos: Repos; workOrders: Pick<WorkOrderCore, 'act'> }): AlarmResetGuard {
  const linked = async (alarm: Alarm): Promise<WorkOrder[]> =>
    (await Promise.all(alarm.workOrderIds.map((id) => deps.repos.workOrders.get(id)))).filter((w): w is WorkOrder => w !== undefined)

  return {
    async check(alarm) {
      if (VOICE_CONTACT_RULES.has(alarm.ruleId)) return
      const live = (await linked(alarm)).filter((w) => w.status !== 'cancelled')
      // No work order to wait for (a rule without trades, or every one cancelled): nothing to check.
      if (live.length === 0 || live.some((w) => ON_SITE_OR_LATER.includes(w.status))) return
      throw new AppError('ALARM_RESET_NEEDS_ON_SITE', 'a priority-1 alarm is reset only once its work order is on site (DOMAIN.md §4.2 A8)', {
        alarmId: alarm.id, workOrders: live.map((w) => ({ id: w.id, status: w.status })),
      })
    },
    async afterReset(alarm, _actor, note) {
      if (!VOICE_CONTACT_RULES.has(alarm.ruleId)) return
      for (const wo of await linked(alarm)) {
        if (CANCELLABLE.includes(wo.status)) await deps.workOrders.act(wo.id, { action: 'cancel', reason: note }, SYSTEM)
      }
    },
  }
}
