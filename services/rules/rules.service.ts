// Evaluates the rule catalog on every accepted message, on its own timers (delays must run out
// even when a device sends nothing more), on fire signals (linkage rules of the zone), on online
// changes and on a periodic re-check (calendars and staleness). The evaluation itself is pure
// (core/rules/evaluate-rule.ts); the alarm lives in the alarm service.
import type { Logger } from 'pino'
import type { Clock, TimerHandle } from '../core/clock.js'
import type { EventBus } from '../core/events.js'
import type { Device, DeviceLive, FlatState } from '../core/model.js'
import type { AcceptedMessage, Repos } from '../core/ports.js'
import { RULE_CATALOG, ruleById, rulesFor } from '../core/rules/catalog.js'
import { offlineTimeoutMs } from '../core/device-types.js'
import { evaluateRule, type RuleAction } from '../core/rules/evaluate-rule.js'
import type { RuleContext, RuleDefinition } from '../core/rules/rule-definition.js'
import type { RaiseInput } from '../alarms/alarm.service.js'
import type { EffectiveRule, RuleInfo, RulesService } from '../contracts.js'
import type { DeviceDirectory } from '../devices/device-directory.js'
import { createFireZones } from './fire-zones.js'
import { createRuleMemory } from './rule-memory.js'
import { createOverrideCache, validateOverridePatch } from './rule-overrides.js'
import { newRuntime, shiftPending, type Runtime } from './rule-runtime.js'
import { createRulePhaseStore, sameRuleState } from './rule-phase-store.js'

/** What the engine asks of the alarm service (services/alarms). */
export interface RuleAlarmSink {
  raise(input: RaiseInput): Promise<unknown>
  clear(deviceId: string, ruleId: string, latched: boolean): Promise<unknown>
  escalate(deviceId: string, ruleId: string, priority: 1 | 2 | 3 | 4): Promise<unknown>
  suppress(deviceId: string, ruleId: string, reason: string): Promise<unknown>
  unsuppress(deviceId: string, ruleId: string): Promise<unknown>
}

export interface RulesDeps {
  clock: Clock
  repos: Repos
  alarms: RuleAlarmSink
  directory: DeviceDirectory
  liveState: { get(deviceId: string): DeviceLive | undefined }
  events: EventBus
  logger: Logger
}

const RECHECK_MS = 60_000
/** Waits between attempts of a rule action while the database is down. */
const ACTION_RETRY_MS = [500, 1000, 2000, 5000, 10_000]
const NO_PARAMS: RuleContext['params'] = Object.freeze({})
const info = (r: RuleDefinition): RuleInfo => ({ id: r.id, title: r.title, deviceType: r.deviceType, priority: r.priority, latched: r.latched, params: { ...r.params } })

interface Input {
  event?: Readonly<Record<string, unknown>> | undefined
  previous?: FlatState | undefined
  raisedRuleId?: string
  drill?: boolean
}

export function createRulesService(deps: RulesDeps): RulesService {
  const { clock, repos, alarms, directory, liveState, events, logger } = deps
  const overrides = createOverrideCache()
  const memory = createRuleMemory()
  const stored = createRulePhaseStore({ repo: repos.rulePhases, logger })
  const fire = createFireZones()
  const runtimes = new Map<string, Map<string, Runtime>>()
  const online = new Map<string, boolean>()
  // Offline supervision (EL-10, FD-04, AC-05, PU-13, FA-01) sees a device as offline once it has
  // been silent for its offline timeout (DOMAIN.md §2: 3 missed heartbeats; §3 EL-10 "no message
  // for 90 s"), not the instant its connection drops: after a network blip or a restart, 2,000
  // devices reconnecting with backoff raise no offline alarm (issue #10 item 3). The tile still
  // turns offline at once; only the alarm waits.
  const lastHeard = new Map<string, number>()
  const supervisionWakes = new Map<string, TimerHandle>()
  let startedAt = 0
  const actionChains = new Map<string, Promise<void>>()
  let stopped = false
  const countedAlarms = new Set<string>()
  const unsubscribe: Array<() => void> = []
  let recheck: TimerHandle | null = null
  /** A device's rule runtimes, looked up once per message rather than with a composed key per rule. */
  const runtimesOf = (deviceId: string): Map<string, Runtime> => {
    let m = runtimes.get(deviceId)
    if (!m) runtimes.set(deviceId, (m = new Map()))
    return m
  }
  const runtimeOf = (deviceId: string, ruleId: string): Runtime => {
    const m = runtimesOf(deviceId)
    let rt = m.get(ruleId)
    if (!rt) m.set(ruleId, (rt = newRuntime()))
    return rt
  }

  /**
   * Hands an action to the alarm service. While the operational database is down (PostgreSQL
   * stopped, issue #10) the action waits and is tried again, in order per device and rule, so an
   * alarm the live data raised during the outage is recorded once the database is back.
   */
  function perform(rule: RuleDefinition, device: Device, action: RuleAction, drill: boolean): void {
    const id = device.id
    const attempt = (): Promise<unknown> => {
      switch (action.kind) {
        case 'raise': return alarms.raise({ device, ruleId: rule.id, title: rule.title, priority: action.priority, latched: rule.latched, drill })
        case 'escalate': return alarms.escalate(id, rule.id, action.priority)
        case 'clear': return alarms.clear(id, rule.id, rule.latched)
        case 'suppress': return alarms.suppress(id, rule.id, action.reason)
        case 'unsuppress': return alarms.unsuppress(id, rule.id)
      }
    }
    const run = async (): Promise<void> => {
      for (let n = 0; ; n++) {
        try {
          await attempt()
          return
        } catch (err) {
          if (stopped || repos.health().ok) {
            logger.error({ err, ruleId: rule.id, deviceId: id }, `rule ${action.kind} failed`)
            return
          }
          if (n === 0) logger.warn({ err, ruleId: rule.id, deviceId: id }, `rule ${action.kind} waits for the database`)
          await new Promise<void>((resolve) => clock.setTimeout(resolve, ACTION_RETRY_MS[Math.min(n, ACTION_RETRY_MS.length - 1)]!))
        }
      }
    }
    // Actions of one device and rule stay in order; this runs per action, not per message.
    const k = `${id}\u0000${rule.id}`
    const before = actionChains.get(k)
    const chained = before === undefined ? run() : before.then(run)
    actionChains.set(k, chained)
    void chained.finally(() => {
      if (actionChains.get(k) === chained) actionChains.delete(k)
    })
  }

  function supervisedOnline(device: Device, live: DeviceLive): boolean {
    return live.online || clock.now() - (lastHeard.get(device.id) ?? startedAt) < offlineTimeoutMs(device.type)
  }

  /** Evaluates the offline supervision when the device's silence reaches its timeout. */
  function superviseSilence(deviceId: string, type: Device['type']): void {
    supervisionWakes.get(deviceId)?.cancel()
    const due = (lastHeard.get(deviceId) ?? startedAt) + offlineTimeoutMs(type)
    supervisionWakes.set(deviceId, clock.setTimeout(() => {
      supervisionWakes.delete(deviceId)
      evaluateDevice(deviceId, (r) => r.whileOffline === true)
    }, Math.max(0, due - clock.now())))
  }

  /** Registration instants, parsed once per device object rather than on every message. */
  const registeredAt = new WeakMap<Device, number>()
  const registeredAtOf = (device: Device): number => {
    let at = registeredAt.get(device)
    if (at === undefined) registeredAt.set(device, (at = Date.parse(device.createdAt)))
    return at
  }

  /**
   * Everything a rule sees, built once per device and evaluation round; `params` is set to each
   * rule's own before it is evaluated (one context per round, not one copy per rule: issue #8 profile).
   */
  function baseContext(device: Device, live: DeviceLive, input: Input): RuleContext {
    const { building, zone } = device.location
    return {
      state: live.state,
      previous: input.previous ?? live.state,
      device, params: NO_PARAMS, now: clock.now(), online: supervisedOnline(device, live),
      event: input.event,
      fire: { zone: fire.zoneActive(device.siteId, building, zone), building: fire.buildingActive(device.siteId, building) },
      lastAt: (k) => memory.lastAt(device.id, k),
      registeredAt: registeredAtOf(device),
    }
  }

  function evaluate(rule: RuleDefinition, device: Device, live: DeviceLive, input: Input, ctx: RuleContext): void {
    const { enabled, params } = overrides.resolve(rule, device)
    if (!enabled) return
    if (!live.online && !rule.whileOffline) return
    const rt = runtimeOf(device.id, rule.id)
    const before = rt.state
    const now = ctx.now
    if (rt.frozenAt !== null) {
      shiftPending(rt, now - rt.frozenAt)
      rt.frozenAt = null
    }
    if (input.drill !== undefined) rt.drill = input.drill
    ctx.params = params
    const result = evaluateRule(rule, rt.state, ctx, input.raisedRuleId ? { raisedRuleId: input.raisedRuleId } : {})
    rt.state = result.state
    if (!sameRuleState(before, rt.state)) stored.changed(device.id, rule.id, rt.state)
    // A delay that keeps running keeps its timer: re-arming it on every message was timer churn
    // for nothing (issue #8 profile).
    const keepTimer = rt.timer !== null && result.wakeAt !== null && result.wakeAt === rt.wakeAt
    if (!keepTimer) {
      rt.timer?.cancel()
      rt.timer = null
      rt.wakeAt = null
    }
    for (const action of result.actions) perform(rule, device, action, rt.drill)
    if (!keepTimer && result.wakeAt !== null) {
      rt.timer = clock.setTimeout(() => wake(rule.id, device.id), Math.max(0, result.wakeAt - now))
      rt.wakeAt = result.wakeAt
    }
  }

  function safely(rule: RuleDefinition, device: Device, live: DeviceLive, input: Input, base: RuleContext = baseContext(device, live, input)): void {
    try {
      evaluate(rule, device, live, input, base)
    } catch (err) {
      // A broken predicate must not stop the other rules or the pipeline.
      logger.error({ err, ruleId: rule.id, deviceId: device.id }, 'rule evaluation failed')
    }
  }

  function evaluateDevice(deviceId: string, filter: (r: RuleDefinition) => boolean = () => true): void {
    const device = directory.device(deviceId)
    const live = liveState.get(deviceId)
    if (!device || !live || live.lastSeen === null) return
    const base = baseContext(device, live, {})
    for (const rule of rulesFor(device.type)) if (filter(rule)) safely(rule, device, live, {}, base)
  }

  function wake(ruleId: string, deviceId: string): void {
    const rule = ruleById(ruleId)
    const rt = runtimes.get(deviceId)?.get(ruleId)
    if (rt) rt.timer = null
    if (rule) evaluateDevice(deviceId, (r) => r === rule)
  }

  function onOnlineChanged(live: DeviceLive): void {
    const was = online.get(live.deviceId)
    online.set(live.deviceId, live.online)
    if (was === live.online) return
    if (!live.online) {
      // DOMAIN.md §2: a delay running when the device fell silent freezes; the offline rule fires instead.
      const device = directory.device(live.deviceId)
      for (const rule of device ? rulesFor(device.type) : []) {
        const rt = runtimes.get(live.deviceId)?.get(rule.id)
        if (!rt || rule.whileOffline) continue
        rt.timer?.cancel()
        rt.timer = null
        rt.frozenAt ??= clock.now()
      }
      if (device) superviseSilence(device.id, device.type)
    } else {
      supervisionWakes.get(live.deviceId)?.cancel()
      supervisionWakes.delete(live.deviceId)
    }
    evaluateDevice(live.deviceId, (r) => r.whileOffline === true)
  }

  function onFireSignal(panel: Device, live: DeviceLive): void {
    if (!fire.updatePanel(panel, live.state)) return
    for (const d of directory.bySite(panel.siteId)) {
      if (d.location.building === panel.location.building && d.type !== 'fire-panel') evaluateDevice(d.id)
    }
  }

  function onAlarmRaised(deviceId: string, ruleId: string): void {
    const device = directory.device(deviceId)
    const live = liveState.get(deviceId)
    if (!device || !live) return
    for (const rule of rulesFor(device.type)) {
      if (rule.kind === 'count' && rule.source === 'alarm') safely(rule, device, live, { raisedRuleId: ruleId })
    }
  }

  function recheckAll(): void {
    for (const rule of RULE_CATALOG) {
      if (!rule.recheckEverySec) continue
      for (const device of directory.all()) if (device.type === rule.deviceType) evaluateDevice(device.id, (r) => r === rule)
    }
  }

  function forget(deviceId: string): void {
    stored.forget(deviceId, [...(runtimes.get(deviceId)?.keys() ?? [])])
    for (const rt of runtimes.get(deviceId)?.values() ?? []) rt.timer?.cancel()
    runtimes.delete(deviceId)
    memory.forget(deviceId)
    lastHeard.delete(deviceId)
    supervisionWakes.get(deviceId)?.cancel()
    supervisionWakes.delete(deviceId)
    fire.forget(deviceId)
    online.delete(deviceId)
  }

  async function effective(scope: 'site' | 'device', scopeId: string): Promise<EffectiveRule[]> {
    const device = scope === 'device' ? directory.device(scopeId) : undefined
    const rules = device ? rulesFor(device.type) : RULE_CATALOG
    return rules.map((r) => {
      const resolved = device ? overrides.resolve(r, device) : overrides.resolveSite(r, scopeId)
      return { ...info(r), params: { ...resolved.params }, enabled: resolved.enabled, override: overrides.get(scope, scopeId, r.id) ?? null }
    })
  }

  return {
    async start() {
      stopped = false
      overrides.load(await repos.ruleOverrides.all())
      // Delays in progress resume where they were (issue #10): a due time is a point on Vigil's
      // clock, so the time Vigil was down counts, as it would have had Vigil kept running.
      for (const row of await stored.load()) {
        if (directory.device(row.deviceId) && ruleById(row.ruleId)) runtimeOf(row.deviceId, row.ruleId).state = row.state
      }
      // Alarms whose condition held at shutdown resume as active, so their clear is noticed.
      for (const alarm of await repos.alarms.listOpen()) {
        const rt = runtimeOf(alarm.deviceId, alarm.ruleId)
        if (alarm.active && rt.state.phase.kind === 'idle') rt.state = { ...rt.state, phase: { kind: 'active' } }
        countedAlarms.add(alarm.id)
      }
      // After a restart every device starts offline: each has its full timeout from now to come back.
      startedAt = clock.now()
      for (const device of directory.all()) {
        const live = liveState.get(device.id)
        if (device.type === 'fire-panel' && live) fire.updatePanel(device, live.state)
        if (!live?.online) superviseSilence(device.id, device.type)
      }
      unsubscribe.push(
        events.on('DeviceChanged', onOnlineChanged),
        events.on('DeviceRegistryChanged', (e) => { if (e.deleted) forget(e.deviceId) }),
        events.on('AlarmChanged', (alarm) => {
          if (countedAlarms.has(alarm.id) || alarm.state === 'normal') return
          countedAlarms.add(alarm.id)
          onAlarmRaised(alarm.deviceId, alarm.ruleId)
        }),
      )
      recheck = clock.setInterval(recheckAll, RECHECK_MS)
    },
    async stop() {
      stopped = true
      for (const off of unsubscribe.splice(0)) off()
      recheck?.cancel()
      for (const m of runtimes.values()) for (const rt of m.values()) rt.timer?.cancel()
      for (const t of supervisionWakes.values()) t.cancel()
      supervisionWakes.clear()
      await stored.flush()
    },
    onMessage(msg: AcceptedMessage, live: DeviceLive, device: Device) {
      // The broker's will (`{"online":false}`) is the device's absence, not a sign of life.
      if (msg.kind !== 'status' || msg.fields.online === true) lastHeard.set(device.id, clock.now())
      const event = msg.kind === 'event' ? msg.fields : undefined
      const previous = memory.previous(device.id) ?? live.state
      const rules = rulesFor(device.type)
      const input: Input = { event, previous, drill: msg.drill }
      const base = baseContext(device, live, input)
      for (const rule of rules) {
        if (!rule.stamps) continue
        base.params = rule.params
        for (const k of rule.stamps(base)) memory.stamp(device.id, k, base.now)
      }
      for (const rule of rules) safely(rule, device, live, input, base)
      memory.setPrevious(device.id, live.state)
      if (device.type === 'fire-panel') onFireSignal(device, live)
    },
    catalog: () => RULE_CATALOG.map(info),
    effective,
    async reloadOverrides() {
      overrides.load(await repos.ruleOverrides.all())
    },
    async setOverride(scope, scopeId, ruleId, patch, actor) {
      const rule = ruleById(ruleId)
      validateOverridePatch(rule, ruleId, patch.params)
      const before = overrides.get(scope, scopeId, ruleId) ?? null
      const saved = await repos.ruleOverrides.upsert({
        scope, scopeId, ruleId,
        enabled: patch.enabled ?? before?.enabled ?? null,
        params: { ...(before?.params ?? {}), ...(patch.params ?? {}) },
        updatedAt: new Date(clock.now()).toISOString(),
        updatedBy: actor,
      })
      overrides.put(saved)
      events.emit('RuleOverrideChanged', { scope, scopeId, ruleId })
      await repos.audit.append({ at: saved.updatedAt, actor, action: 'rule.override', target: `${scope}/${scopeId}/${ruleId}`, address: null, before, after: saved })
      const all = await effective(scope, scopeId)
      return all.find((r) => r.id === ruleId)!
    },
  }
}
