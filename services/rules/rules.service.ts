// Evaluates the rule catalog on every accepted message and on its own timers (on-/off-delays
// must fire even when the device sends nothing more). Per (device, rule) it keeps only the
// delay phase; the alarm itself lives in the alarm service.
import type { Logger } from 'pino'
import type { Clock, TimerHandle } from '../core/clock.js'
import type { EventBus } from '../core/events.js'
import type { Device, DeviceLive } from '../core/model.js'
import type { AcceptedMessage, Repos } from '../core/ports.js'
import { RULE_CATALOG, ruleById } from '../core/rules/catalog.js'
import { stepCondition, type Phase } from '../core/rules/condition-timer.js'
import type { RuleContext, RuleDefinition } from '../core/rules/rule-definition.js'
import type { AlarmEngine } from '../alarms/alarm.service.js'
import type { EffectiveRule, RuleInfo, RulesService } from '../contracts.js'
import type { DeviceDirectory } from '../devices/device-directory.js'
import { createOverrideCache, validateOverridePatch } from './rule-overrides.js'

interface Runtime {
  phase: Phase
  timer: TimerHandle | null
  /** Time left on a delay frozen while the device was offline (DOMAIN.md §2). */
  frozenRemainingMs: number | null
  drill: boolean
}

export interface RulesDeps {
  clock: Clock
  repos: Repos
  alarms: AlarmEngine
  directory: DeviceDirectory
  liveState: { get(deviceId: string): DeviceLive | undefined }
  events: EventBus
  logger: Logger
}

const info = (r: RuleDefinition): RuleInfo => ({ id: r.id, title: r.title, deviceType: r.deviceType, priority: r.priority, latched: r.latched, params: { ...r.params } })
const delayMs = (params: Readonly<Record<string, number>>, name: string): number => (params[name] ?? 0) * 1000

export function createRulesService(deps: RulesDeps): RulesService {
  const { clock, repos, alarms, directory, liveState, events, logger } = deps
  const overrides = createOverrideCache()
  const runtimes = new Map<string, Runtime>()
  const unsubscribe: Array<() => void> = []
  const key = (deviceId: string, ruleId: string): string => `${deviceId}\u0000${ruleId}`

  const runtimeOf = (deviceId: string, ruleId: string): Runtime => {
    let rt = runtimes.get(key(deviceId, ruleId))
    if (!rt) runtimes.set(key(deviceId, ruleId), (rt = { phase: { kind: 'idle' }, timer: null, frozenRemainingMs: null, drill: false }))
    return rt
  }

  function act(rule: RuleDefinition, device: Device, ctx: RuleContext, action: 'raise' | 'clear', drill: boolean): void {
    const done = action === 'raise'
      ? alarms.raise({ device, ruleId: rule.id, title: rule.title, priority: rule.priorityFor?.(ctx) ?? rule.priority, latched: rule.latched, drill })
      : alarms.clear(device.id, rule.id, rule.latched)
    done.catch((err: unknown) => logger.error({ err, ruleId: rule.id, deviceId: device.id }, `rule ${action} failed`))
  }

  function evaluate(rule: RuleDefinition, device: Device, state: DeviceLive['state'], event: Record<string, unknown> | undefined, drill: boolean): void {
    const { enabled, params } = overrides.resolve(rule, device)
    const rt = runtimeOf(device.id, rule.id)
    if (!enabled) return
    const ctx: RuleContext = { state, device, params, event }
    const now = clock.now()
    if (rt.frozenRemainingMs !== null && (rt.phase.kind === 'pending-on' || rt.phase.kind === 'pending-off')) {
      rt.phase = { ...rt.phase, dueAt: now + rt.frozenRemainingMs }
    }
    rt.frozenRemainingMs = null
    rt.drill = drill
    let step
    if (rule.kind === 'event') {
      const fired = event !== undefined && rule.matches({ ...ctx, event })
      if (fired && rt.phase.kind !== 'active') {
        rt.phase = { kind: 'active' }
        act(rule, device, ctx, 'raise', drill)
        return
      }
      step = stepCondition(rt.phase, { holds: false, clears: rule.clears(ctx) }, now, 0, delayMs(params, 'offDelaySec'))
    } else {
      step = stepCondition(rt.phase, { holds: rule.holds(ctx), clears: rule.clears(ctx) }, now, delayMs(params, 'onDelaySec'), delayMs(params, 'offDelaySec'))
    }
    rt.phase = step.phase
    rt.timer?.cancel()
    rt.timer = null
    if (step.action) act(rule, device, ctx, step.action, drill)
    if (step.wakeAt !== null) {
      rt.timer = clock.setTimeout(() => wake(rule.id, device.id), Math.max(0, step.wakeAt - now))
    }
  }

  function wake(ruleId: string, deviceId: string): void {
    const rule = ruleById(ruleId)
    const device = directory.device(deviceId)
    const live = liveState.get(deviceId)
    if (!rule || !device || !live) return
    const rt = runtimeOf(deviceId, ruleId)
    rt.timer = null
    if (!live.online) return
    evaluate(rule, device, live.state, undefined, rt.drill)
  }

  function freeze(deviceId: string): void {
    const now = clock.now()
    for (const rule of RULE_CATALOG) {
      const rt = runtimes.get(key(deviceId, rule.id))
      if (!rt || (rt.phase.kind !== 'pending-on' && rt.phase.kind !== 'pending-off')) continue
      rt.timer?.cancel()
      rt.timer = null
      rt.frozenRemainingMs = Math.max(0, rt.phase.dueAt - now)
    }
  }

  function forget(deviceId: string): void {
    for (const rule of RULE_CATALOG) {
      runtimes.get(key(deviceId, rule.id))?.timer?.cancel()
      runtimes.delete(key(deviceId, rule.id))
    }
  }

  async function effective(scope: 'site' | 'device', scopeId: string): Promise<EffectiveRule[]> {
    const device = scope === 'device' ? directory.device(scopeId) : undefined
    const rules = device ? RULE_CATALOG.filter((r) => r.deviceType === device.type) : RULE_CATALOG
    return rules.map((r) => {
      const resolved = device ? overrides.resolve(r, device) : overrides.resolveSite(r, scopeId)
      return { ...info(r), params: { ...resolved.params }, enabled: resolved.enabled, override: overrides.get(scope, scopeId, r.id) ?? null }
    })
  }

  return {
    async start() {
      overrides.load(await repos.ruleOverrides.all())
      // Alarms whose condition held at shutdown resume as active, so their clear is noticed.
      for (const alarm of await repos.alarms.listOpen()) {
        if (alarm.active) runtimeOf(alarm.deviceId, alarm.ruleId).phase = { kind: 'active' }
      }
      unsubscribe.push(
        events.on('DeviceChanged', (live) => { if (!live.online) freeze(live.deviceId) }),
        events.on('DeviceRegistryChanged', (e) => { if (e.deleted) forget(e.deviceId) }),
      )
    },
    async stop() {
      for (const off of unsubscribe.splice(0)) off()
      for (const rt of runtimes.values()) rt.timer?.cancel()
    },
    onMessage(msg: AcceptedMessage, live: DeviceLive, device: Device) {
      const event = msg.kind === 'event' ? msg.fields : undefined
      for (const rule of RULE_CATALOG) {
        if (rule.deviceType !== device.type) continue
        try {
          evaluate(rule, device, live.state, event, msg.drill)
        } catch (err) {
          // A broken predicate must not stop the other rules or the pipeline.
          logger.error({ err, ruleId: rule.id, deviceId: device.id }, 'rule evaluation failed')
        }
      }
    },
    catalog: () => RULE_CATALOG.map(info),
    effective,
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
      await repos.audit.append({ at: saved.updatedAt, actor, action: 'rule.override', target: `${scope}/${scopeId}/${ruleId}`, address: null, before, after: saved })
      const all = await effective(scope, scopeId)
      return all.find((r) => r.id === ruleId)!
    },
  }
}
