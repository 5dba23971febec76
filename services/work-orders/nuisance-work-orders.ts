// DOMAIN.md §4.3 (OUR): a chattering alarm gets a P4 work order "nuisance alarm — check
// sensor/deadband", once per chattering period (the alarm service announces AlarmChattering once).
import type { Logger } from 'pino'
import type { EventBus } from '../core/events.js'
import type { Skill } from '../core/model.js'
import { ruleById } from '../core/rules/catalog.js'
import { SYSTEM } from '../core/work-orders/work-order-machine.js'
import type { WorkOrderCore } from './work-order.service.js'

/** Sensors and deadbands are the low-voltage trade's unless the rule names its own trade. */
const DEFAULT_SKILL: Skill = 'LOWVOLT'

export function createNuisanceWorkOrders(deps: { events: EventBus; workOrders: Pick<WorkOrderCore, 'create'>; logger: Logger }): { start(): void; stop(): void } {
  let off: (() => void) | null = null
  return {
    start() {
      off = deps.events.on('AlarmChattering', (alarm) => {
        void deps.workOrders.create({
          siteId: alarm.siteId, deviceId: alarm.deviceId, alarmId: alarm.id, ruleId: `${alarm.ruleId}/nuisance`,
          title: `Nuisance alarm — check sensor/deadband (${alarm.ruleId} ${alarm.title})`, priority: 4,
          skill: ruleById(alarm.ruleId)?.skills[0] ?? DEFAULT_SKILL, source: 'rule', drill: alarm.drill,
        }, SYSTEM).catch((err: unknown) => deps.logger.error({ err, alarmId: alarm.id }, 'nuisance work order failed'))
      })
    },
    stop() {
      off?.()
      off = null
    },
  }
}
