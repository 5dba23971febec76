// Alarm lifecycle on top of the repository: every change is committed first, then announced
// (ARCHITECTURE.md "Durability"). Raising is an atomic upsert per (device, rule): the repository's
// unique index makes a concurrent second raise return the alarm that exists. Changes to one
// (device, rule) run one at a time (keyed queue); shelving timers, chattering and the flood
// monitor hang off the committed results (DOMAIN.md §4.2, §4.3).
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { isReactivation, newAlarm, transitionAlarm, type AlarmInput } from '../core/alarms/alarm-lifecycle.js'
import type { ChatterStep } from '../core/alarms/chattering.js'
import type { Clock } from '../core/clock.js'
import { AppError, isAppError } from '../core/errors.js'
import type { EventBus } from '../core/events.js'
import type { Alarm, Device, Priority } from '../core/model.js'
import type { AlarmFilter, AlarmTarget, Page, PageRequest, Repos } from '../core/ports.js'
import type { AlarmResetGuard, AlarmService } from '../contracts.js'
import type { Metrics } from '../adapters/metrics.js'
import { createChatteringMonitor } from './chattering-monitor.js'
import { createFloodMonitor } from './flood-monitor.js'
import { createKeyedQueue } from './keyed-queue.js'
import { buildKpiReport } from './kpi-report.js'
import { createShelveTimers } from './shelve-timers.js'

export interface RaiseInput {
  device: Device
  ruleId: string
  title: string
  priority: Priority
  latched: boolean
  drill: boolean
}

/** What the rule engine drives; the API sees only AlarmService. */
export interface AlarmEngine extends AlarmService {
  /** Rebuilds shelving expiries, chattering flags and flood windows from the database. */
  start(): Promise<void>
  stop(): Promise<void>
  /** The rule's condition became true (after its on-delay). */
  raise(input: RaiseInput): Promise<Alarm>
  /** The rule's condition cleared (after its off-delay). */
  clear(deviceId: string, ruleId: string, latched: boolean): Promise<Alarm | undefined>
  /** A11 suppression by design (inspection mode, fire in the zone): the open alarm is hidden; `reason` goes to its history. */
  suppress(deviceId: string, ruleId: string, reason: string): Promise<Alarm | undefined>
  /** A11 ends: the suppressed alarm closes; the engine then re-evaluates from scratch and raises afresh if the condition holds. */
  unsuppress(deviceId: string, ruleId: string): Promise<Alarm | undefined>
  /** A staged rule reached a higher priority: raises it (never lowers) and re-annunciates. */
  escalate(deviceId: string, ruleId: string, priority: Priority): Promise<Alarm | undefined>
  /** Arms (or cancels) the shelving timer of an alarm another process changed (`vigil worker`). */
  follow(alarm: Alarm): void
  /** The work-order service plugs in the P1 reset guard (DOMAIN.md §4.2 A8) once it exists. */
  setResetGuard(guard: AlarmResetGuard): void
}

export function createAlarmService(deps: { repos: Repos; clock: Clock; events: EventBus; metrics: Metrics; logger: Logger }): AlarmEngine {
  const { repos, clock, events, metrics, logger } = deps
  const queue = createKeyedQueue()
  let resetGuard: AlarmResetGuard | null = null
  const keyOf = (deviceId: string, ruleId: string): string => `${deviceId}\u0000${ruleId}`
  const logFailure = (what: string, extra: object) => (err: unknown): void => logger.error({ err, ...extra }, what)

  const flood = createFloodMonitor({ repos, clock, events, logger })
  const shelves = createShelveTimers({
    clock,
    // The time is taken when the timer fires, not after the database round trips: the history says
    // when the shelf ran out, on a slow database too.
    onExpired: (id) => {
      const at = clock.now()
      void inQueue(id, () => ({ kind: 'shelve-expired', at })).catch(logFailure('shelve expiry failed', { alarmId: id }))
    },
  })
  const chattering = createChatteringMonitor({
    clock,
    onQuiet: (deviceId, ruleId) => {
      const at = clock.now()
      void onOpen(deviceId, ruleId, () => ({ kind: 'chattering-cleared', at })).catch(logFailure('clearing the chattering flag failed', { deviceId, ruleId }))
    },
  })

  let unsubscribeRegistry: (() => void) | null = null

  /**
   * Applies `input` to the alarm as stored, under the repository's row lock: another Vigil process
   * acting on the same alarm at the same moment commits before or after this one, never over it
   * (issue #9). `target` only names the row; the transition is decided on what the lock read.
   * Undefined when there is no such alarm (any more).
   */
  async function apply(target: AlarmTarget, input: AlarmInput | ((current: Alarm) => AlarmInput)): Promise<Alarm | undefined> {
    const changed = await repos.alarms.change(target, (current) => {
      const result = transitionAlarm(current, typeof input === 'function' ? input(current) : input)
      if (!result.ok) throw new AppError(result.code, result.message, { alarmId: current.id, state: current.state })
      return result.entry ? { alarm: result.alarm, entry: result.entry } : null
    })
    if (!changed || !changed.changed) return changed?.value
    const saved = changed.value
    metrics.alarmTransitions.inc({ to: saved.state })
    shelves.follow(saved)
    events.emit('AlarmChanged', saved)
    return saved
  }

  async function commit(alarm: Pick<Alarm, 'id'>, input: AlarmInput | ((current: Alarm) => AlarmInput)): Promise<Alarm> {
    const saved = await apply({ id: alarm.id }, input)
    if (!saved) throw new AppError('ALARM_NOT_FOUND', `alarm ${alarm.id} not found`)
    return saved
  }

  async function mustGet(id: string): Promise<Alarm> {
    const alarm = await repos.alarms.get(id)
    if (!alarm) throw new AppError('ALARM_NOT_FOUND', `alarm ${id} not found`)
    return alarm
  }

  /** An action on one alarm by id, serialized with the rule engine's changes to the same (device, rule). */
  async function inQueue(id: string, input: (alarm: Alarm) => AlarmInput): Promise<Alarm> {
    const found = await mustGet(id)
    return queue.run(keyOf(found.deviceId, found.ruleId), () => commit(found, input))
  }

  /** A system action on the open alarm of (device, rule), if there is one. */
  function onOpen(deviceId: string, ruleId: string, input: (alarm: Alarm) => AlarmInput): Promise<Alarm | undefined> {
    return queue.run(keyOf(deviceId, ruleId), () => apply({ deviceId, ruleId }, input))
  }

  /** After an A1/A7 is committed: chattering hook once, and the flood count unless it was a silent repeat. */
  function annunciated(alarm: Alarm, step: ChatterStep, at: number): void {
    if (step.becameChattering) events.emit('AlarmChattering', alarm)
    if (!step.silent && !alarm.drill) flood.record(alarm.siteId, at)
  }

  async function conditionTrue(open: Alarm, latched: boolean, at: number): Promise<Alarm> {
    if (!isReactivation(open)) return commit(open, { kind: 'condition-true', at, latched })
    const step = chattering.activate(open.deviceId, open.ruleId, at)
    const saved = await commit(open, { kind: 'condition-true', at, latched, chattering: step.silent })
    annunciated(saved, step, at)
    return saved
  }

  return {
    async start() {
      // A deleted device's alarms could never clear: they would stay on the wall for ever.
      unsubscribeRegistry = events.on('DeviceRegistryChanged', (e) => {
        if (!e.deleted) return
        void repos.alarms.listOpen()
          .then((open) => Promise.all(open.filter((a) => a.deviceId === e.deviceId)
            .map((a) => onOpen(a.deviceId, a.ruleId, () => ({ kind: 'device-removed', at: clock.now() })))))
          .catch(logFailure('ending the alarms of a removed device failed', { deviceId: e.deviceId }))
      })
      for (const alarm of await repos.alarms.listOpen()) {
        if (alarm.chattering) chattering.resume(alarm.deviceId, alarm.ruleId)
        // A shelf that ran out while Vigil was down ends now, before anything else reads it.
        if (alarm.state === 'shelved' && alarm.shelvedUntil !== null && Date.parse(alarm.shelvedUntil) <= clock.now()) {
          await inQueue(alarm.id, () => ({ kind: 'shelve-expired', at: clock.now() }))
        } else shelves.follow(alarm)
      }
      await flood.start()
    },
    async stop() {
      unsubscribeRegistry?.()
      shelves.cancelAll()
      chattering.stop()
      flood.stop()
    },
    raise: (input) => queue.run(keyOf(input.device.id, input.ruleId), async () => {
      const at = clock.now()
      const open = await repos.alarms.findOpen(input.device.id, input.ruleId)
      if (open) return conditionTrue(open, input.latched, at)
      const step = chattering.activate(input.device.id, input.ruleId, at)
      const fresh = newAlarm({
        id: randomUUID(), siteId: input.device.siteId, deviceId: input.device.id, deviceType: input.device.type,
        ruleId: input.ruleId, priority: input.priority, title: input.title, drill: input.drill, at, chattering: step.silent,
      })
      const { alarm, created } = await repos.alarms.insert(fresh.alarm, fresh.entry)
      if (!created) return commit(alarm, { kind: 'condition-true', at, latched: input.latched })
      metrics.alarmsRaised.inc({ rule: input.ruleId })
      metrics.alarmTransitions.inc({ to: alarm.state })
      events.emit('AlarmChanged', alarm)
      annunciated(alarm, step, at)
      return alarm
    }),
    clear: (deviceId, ruleId, latched) => onOpen(deviceId, ruleId, () => ({ kind: 'condition-false', at: clock.now(), latched })),
    suppress: (deviceId, ruleId, reason) => onOpen(deviceId, ruleId, () => ({ kind: 'suppress', at: clock.now(), reason })),
    unsuppress: (deviceId, ruleId) => onOpen(deviceId, ruleId, () => ({ kind: 'unsuppress', at: clock.now() })),
    escalate: (deviceId, ruleId, priority) => onOpen(deviceId, ruleId, () => ({ kind: 'escalate', at: clock.now(), priority })),
    list: (filter: AlarmFilter, page: PageRequest): Promise<Page<Alarm>> => repos.alarms.list(filter, page),
    get: (id) => repos.alarms.get(id, { withHistory: true }),
    ack: (id, actor, note) => inQueue(id, () => ({ kind: 'ack', at: clock.now(), actor, note })),
    follow: (alarm) => shelves.follow(alarm),
    setResetGuard(guard) {
      resetGuard = guard
    },
    async reset(id, actor, note) {
      // A8: a P1 needs its work order on site or later; the state machine's own refusals (condition
      // still active, not latched) come first so their answer does not change.
      const before = await mustGet(id)
      if (resetGuard && before.priority === 1 && before.state === 'latched' && !before.active) await resetGuard.check(before, note)
      const saved = await inQueue(id, () => ({ kind: 'reset', at: clock.now(), actor, note }))
      if (resetGuard && before.priority === 1) await resetGuard.afterReset(saved, actor, note)
      return saved
    },
    shelve: (id, actor, s) => inQueue(id, () => ({ kind: 'shelve', at: clock.now(), actor, minutes: s.minutes, reason: s.reason, mayShelveP2: s.mayShelveP2 })),
    unshelve: (id, actor) => inQueue(id, () => ({ kind: 'unshelve', at: clock.now(), actor })),
    outOfService: (id, actor, o) => inQueue(id, () => ({ kind: 'out-of-service', at: clock.now(), actor, workOrderId: o.workOrderId, reason: o.reason })),
    returnToService: (id, actor, note) => inQueue(id, () => ({ kind: 'return-to-service', at: clock.now(), actor, note })),
    async onWorkOrderClosed(workOrderId, actor = 'system') {
      const returned: Alarm[] = []
      for (const alarm of await repos.alarms.listOutOfService(workOrderId)) {
        try {
          returned.push(await inQueue(alarm.id, () => ({ kind: 'return-to-service', at: clock.now(), actor, note: `work order ${workOrderId} closed` })))
        } catch (err) {
          // Returned by hand meanwhile: nothing left to do for this one.
          if (!isAppError(err) || err.code !== 'ALARM_TRANSITION_NOT_ALLOWED') throw err
        }
      }
      return returned
    },
    floodStatus: (siteId) => flood.status(siteId),
    kpis: (q) => buildKpiReport({ repos, clock }, q),
  }
}
