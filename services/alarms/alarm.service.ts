// Alarm lifecycle on top of the repository: every change is committed first, then announced
// (ARCHITECTURE.md "Durability"). Raising is an atomic upsert per (device, rule): the repository's
// unique index makes a concurrent second raise return the alarm that exists.
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { newAlarm, transitionAlarm, type AlarmInput } from '../core/alarms/alarm-lifecycle.js'
import type { Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import type { EventBus } from '../core/events.js'
import type { Alarm, Device, Priority } from '../core/model.js'
import type { AlarmFilter, Page, PageRequest, Repos } from '../core/ports.js'
import type { AlarmService } from '../contracts.js'
import type { Metrics } from '../adapters/metrics.js'
import { createKeyedQueue } from './keyed-queue.js'

export interface RaiseInput {
  device: Device
  ruleId: string
  title: string
  priority: Priority
  latched: boolean
  drill: boolean
}

export interface AlarmEngine extends AlarmService {
  /** The rule's condition became true (after its on-delay). */
  raise(input: RaiseInput): Promise<Alarm>
  /** The rule's condition cleared (after its off-delay). */
  clear(deviceId: string, ruleId: string, latched: boolean): Promise<Alarm | undefined>
}

export function createAlarmService(deps: { repos: Repos; clock: Clock; events: EventBus; metrics: Metrics; logger: Logger }): AlarmEngine {
  const { repos, clock, events, metrics } = deps
  const queue = createKeyedQueue()
  const keyOf = (deviceId: string, ruleId: string): string => `${deviceId}\u0000${ruleId}`

  async function apply(alarm: Alarm, input: AlarmInput): Promise<Alarm> {
    const result = transitionAlarm(alarm, input)
    if (!result.ok) throw new AppError(result.code, result.message, { alarmId: alarm.id, state: alarm.state })
    if (!result.entry) return alarm
    const saved = await repos.alarms.update(result.alarm, result.entry)
    metrics.alarmTransitions.inc({ to: saved.state })
    events.emit('AlarmChanged', saved)
    return saved
  }

  async function mustGet(id: string): Promise<Alarm> {
    const alarm = await repos.alarms.get(id)
    if (!alarm) throw new AppError('ALARM_NOT_FOUND', `alarm ${id} not found`)
    return alarm
  }

  return {
    raise: (input) => queue.run(keyOf(input.device.id, input.ruleId), async () => {
      const open = await repos.alarms.findOpen(input.device.id, input.ruleId)
      if (open) return apply(open, { kind: 'condition-true', at: clock.now(), latched: input.latched })
      const fresh = newAlarm({
        id: randomUUID(), siteId: input.device.siteId, deviceId: input.device.id, deviceType: input.device.type,
        ruleId: input.ruleId, priority: input.priority, title: input.title, drill: input.drill, at: clock.now(),
      })
      const { alarm, created } = await repos.alarms.insert(fresh.alarm, fresh.entry)
      if (!created) return apply(alarm, { kind: 'condition-true', at: clock.now(), latched: input.latched })
      metrics.alarmsRaised.inc({ rule: input.ruleId })
      metrics.alarmTransitions.inc({ to: alarm.state })
      events.emit('AlarmChanged', alarm)
      return alarm
    }),
    clear: (deviceId, ruleId, latched) => queue.run(keyOf(deviceId, ruleId), async () => {
      const open = await repos.alarms.findOpen(deviceId, ruleId)
      if (!open) return undefined
      return apply(open, { kind: 'condition-false', at: clock.now(), latched })
    }),
    list: (filter: AlarmFilter, page: PageRequest): Promise<Page<Alarm>> => repos.alarms.list(filter, page),
    get: (id) => repos.alarms.get(id, { withHistory: true }),
    async ack(id, actor, note) {
      const found = await mustGet(id)
      return queue.run(keyOf(found.deviceId, found.ruleId), async () => apply(await mustGet(id), { kind: 'ack', at: clock.now(), actor, note }))
    },
    async reset(id, actor, note) {
      const found = await mustGet(id)
      return queue.run(keyOf(found.deviceId, found.ruleId), async () => apply(await mustGet(id), { kind: 'reset', at: clock.now(), actor, note }))
    },
  }
}
