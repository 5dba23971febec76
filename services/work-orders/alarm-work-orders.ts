// From alarms to work orders (issue #4 item 2): an annunciated alarm opens one work order per skill
// its rule needs (`skills` in the catalog; none → none), at most one open per (device, rule, skill),
// linked both ways. The link is re-checked on every AlarmChanged, so an alarm raised again while
// its fault's work order is still open points at that work order too (both sides lock the alarm
// row while they write it, so a link is never overwritten).
import type { Logger } from 'pino'
import type { EventBus } from '../core/events.js'
import type { Alarm } from '../core/model.js'
import type { Repos } from '../core/ports.js'
import { ruleById } from '../core/rules/catalog.js'
import { SYSTEM } from '../core/work-orders/work-order-machine.js'
import { createKeyedQueue } from './keyed-queue.js'
import type { WorkOrderCore } from './work-order.service.js'

export interface AlarmWorkOrders {
  start(): void
  stop(): Promise<void>
  /** What the AlarmChanged listener does, exposed for the tests and for replays. */
  onAlarm(alarm: Alarm): Promise<void>
}

export function createAlarmWorkOrders(deps: { events: EventBus; repos: Repos; workOrders: WorkOrderCore; logger: Logger }): AlarmWorkOrders {
  const { events, repos, workOrders, logger } = deps
  const queue = createKeyedQueue()
  let off: (() => void) | null = null

  async function heal(alarm: Alarm, also: readonly string[]): Promise<void> {
    const mine = await repos.workOrders.list({ alarmId: alarm.id }, { limit: 100 })
    const missing = [...new Set([...mine.items.map((w) => w.id), ...also])].filter((id) => !alarm.workOrderIds.includes(id))
    if (missing.length === 0) return
    for (const id of missing) await repos.workOrders.linkAlarm(alarm.id, id)
    const linked = await repos.alarms.get(alarm.id)
    if (linked) events.emit('AlarmChanged', linked)
  }

  async function onAlarm(alarm: Alarm): Promise<void> {
    const linkedElsewhere: string[] = []
    // A1/A7: the alarm annunciates (condition true, not yet acknowledged).
    if (alarm.state === 'unacked' && alarm.active) {
      for (const skill of ruleById(alarm.ruleId)?.skills ?? []) {
        const { workOrder, created } = await workOrders.create({
          siteId: alarm.siteId, deviceId: alarm.deviceId, alarmId: alarm.id, ruleId: alarm.ruleId, title: alarm.title,
          priority: alarm.priority, skill, source: 'rule', drill: alarm.drill,
        }, SYSTEM)
        // The fault came back while its work order is still open: the new alarm points at that one.
        if (!created && !alarm.workOrderIds.includes(workOrder.id)) linkedElsewhere.push(workOrder.id)
      }
    }
    await heal(alarm, linkedElsewhere)
  }

  return {
    onAlarm,
    start() {
      off = events.on('AlarmChanged', (alarm) => {
        void queue.run(alarm.id, () => onAlarm(alarm)).catch((err: unknown) => logger.error({ err, alarmId: alarm.id }, 'work orders for an alarm failed'))
      })
    },
    async stop() {
      off?.()
      off = null
      await queue.idle()
    },
  }
}
