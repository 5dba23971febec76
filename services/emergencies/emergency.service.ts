// Emergencies (DOMAIN.md §6; CONTRACT.md §3 emergencies, §4 `emergency`): opened by the alarms of the
// rules that carry `emergency` in the catalog, one per incident (same site and building within a short
// window), raised E3 → E2 → E1 on the injected clock (timers rebuilt from the stored emergencies at
// start), with people's checkpoints and close-out. A fire confirmed by the panels of the building
// (fire-confirmation.ts) raises its open emergencies to E1. Changes to one site run one at a time, so two
// alarms of the same incident never open two emergencies.
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Clock, TimerHandle } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import type { EventBus } from '../core/events.js'
import { ACTIVE_LIST_STATES, type Alarm, type DeviceLive, type Role } from '../core/model.js'
import type { EmergencyFilter, EmergencyStep, Page, PageRequest, Repos } from '../core/ports.js'
import { ruleById } from '../core/rules/catalog.js'
import { joins, openingLevel, type Emergency, type EmergencyLevel } from '../core/emergencies/emergency.js'
import { newEmergency, nextDeadline, transitionEmergency, type EmergencyInput } from '../core/emergencies/emergency-machine.js'
import { createKeyedQueue } from '../work-orders/keyed-queue.js'
import { createFireConfirmation } from './fire-confirmation.js'

/** Who hears of each level (DOMAIN.md §6): E2 the supervisors (L2), E1 the managers (L1). */
const NOTIFIED: Record<EmergencyLevel, Role | null> = { E3: null, E2: 'supervisor', E1: 'manager' }

export type EmergencyAction =
  | { kind: 'contain' | 'notify-residents'; note: string | null }
  | { kind: 'escalate'; reason: 'injury' | 'fire-confirmed' | 'other'; note: string | null }
  | { kind: 'close'; review: string }

export interface EmergencyService {
  start(): Promise<void>
  stop(): Promise<void>
  get(id: string): Promise<Emergency | undefined>
  list(filter: EmergencyFilter, page: PageRequest): Promise<Page<Emergency>>
  act(id: string, action: EmergencyAction, actor: string): Promise<Emergency>
  /** What the AlarmChanged listener does (exposed for tests and replays). */
  onAlarm(alarm: Alarm): Promise<void>
}

export interface EmergencyNotify {
  /** Everyone of a role covering the site. */
  peopleOf(role: Role, siteId: string): Promise<Array<{ username: string }>>
  notify(input: { to: string; kind: 'emergency'; subject: string; workOrderId: null; siteId: string; priority: 1; level: 1 | 2 }): Promise<unknown>
}

export function createEmergencyService(deps: { repos: Repos; clock: Clock; events: EventBus; logger: Logger; notify: EmergencyNotify }): EmergencyService {
  const { repos, clock, events, logger } = deps
  const queue = createKeyedQueue()
  const timers = new Map<string, TimerHandle>()
  /** alarm id → emergency id of open emergencies: a whole-row alarm save that raced with ours is healed from here. */
  const members = new Map<string, string>()
  const fire = createFireConfirmation()
  const offs: Array<() => void> = []
  let stopped = false

  function arm(em: Emergency): void {
    timers.get(em.id)?.cancel()
    timers.delete(em.id)
    const next = nextDeadline(em)
    if (next === null || stopped) return
    timers.set(em.id, clock.setTimeout(() => {
      timers.delete(em.id)
      void queue.run(em.siteId, async () => {
        const cur = await repos.emergencies.get(em.id)
        const due = cur && nextDeadline(cur)
        if (!cur || !due) return
        if (due.at > clock.now()) return arm(cur)
        await commit(cur, { kind: 'raise', at: clock.now(), level: due.level, why: due.why })
      }).catch((err: unknown) => logger.error({ err, emergencyId: em.id }, 'emergency clock failed'))
    }, Math.max(0, next.at - clock.now())))
  }

  async function announceLevel(em: Emergency): Promise<void> {
    const role = NOTIFIED[em.level]
    if (role === null) return
    for (const p of await deps.notify.peopleOf(role, em.siteId)) {
      await deps.notify.notify({
        to: p.username, kind: 'emergency', subject: `${em.drill ? '[DRILL] ' : ''}Emergency ${em.level} at site ${em.siteId}${em.building ? ` building ${em.building}` : ''}`,
        workOrderId: null, siteId: em.siteId, priority: 1, level: em.level === 'E1' ? 2 : 1,
      })
    }
  }

  /** The transition of `input` as a repository step, remembering what it saw and whether it escalated. */
  function stepFor(input: EmergencyInput): { step: EmergencyStep; seen: { before: Emergency | null; escalated: boolean } } {
    const seen = { before: null as Emergency | null, escalated: false }
    const step: EmergencyStep = (cur) => {
      const r = transitionEmergency(cur, input)
      if (!r.ok) throw new AppError(r.code, r.message, { emergencyId: cur.id, stage: cur.stage })
      seen.before = cur
      seen.escalated = r.escalated
      return r.entries.length === 0 ? null : { emergency: r.emergency, entries: r.entries }
    }
    return { step, seen }
  }

  /** What follows a committed change: the announcement, the clock, and the people of a higher level. */
  async function changed(saved: Emergency, before: Emergency, escalated: boolean): Promise<void> {
    const change = saved.stage === 'closed' && before.stage !== 'closed' ? 'closed' : escalated ? 'escalated' : 'updated'
    events.emit('EmergencyChanged', { emergency: saved, change })
    if (saved.stage === 'closed') {
      for (const id of saved.alarmIds) members.delete(id)
      timers.get(saved.id)?.cancel()
      timers.delete(saved.id)
    } else arm(saved)
    if (escalated) await announceLevel(saved)
  }

  /** Applies `input` to the emergency as stored, under the repository's row lock (another process may act on it too). */
  async function commit(em: Emergency, input: EmergencyInput): Promise<Emergency> {
    const { step, seen } = stepFor(input)
    const result = await repos.emergencies.change(em.id, step)
    if (!result) throw new AppError('EMERGENCY_NOT_FOUND', `emergency ${em.id} not found`)
    if (result.changed) await changed(result.value, seen.before ?? em, seen.escalated)
    return result.value
  }

  async function link(alarm: Alarm, emergencyId: string): Promise<void> {
    members.set(alarm.id, emergencyId)
    if (alarm.emergencyId === emergencyId) return
    const linked = await repos.alarms.setEmergency(alarm.id, emergencyId)
    if (linked) events.emit('AlarmChanged', linked)
  }

  /** DOMAIN.md §6 "≥2 concurrent P1" (on the site, drills apart): E2. */
  async function concurrentP1(em: Emergency): Promise<Emergency> {
    const open = await repos.alarms.list({ siteId: em.siteId, priority: 1, states: ACTIVE_LIST_STATES }, { limit: 1000 })
    const count = open.items.filter((a) => a.drill === em.drill).length
    return count >= 2 ? commit(em, { kind: 'raise', at: clock.now(), level: 'E2', why: `${count} concurrent priority-1 alarms on the site` }) : em
  }

  async function openOrJoin(alarm: Alarm, level: EmergencyLevel, alsoAlarms: readonly Alarm[]): Promise<void> {
    const device = await repos.devices.get(alarm.deviceId)
    const building = device?.location.building ?? null
    const now = clock.now()
    // Decided under the site's lock in the database: two processes with an alarm of one site each
    // at the same moment open one emergency, and the second alarm joins it (issue #9).
    const { step, seen } = stepFor({ kind: 'join', at: now, alarmId: alarm.id, ruleId: alarm.ruleId, level })
    const fresh = newEmergency({ id: randomUUID(), siteId: alarm.siteId, building, level, alarmId: alarm.id, ruleId: alarm.ruleId, drill: alarm.drill, at: now })
    const result = await repos.emergencies.openOrJoin(alarm.siteId, (open) => {
      const found = open.find((e) => joins(e, alarm, building, Date.parse(e.openedAt), now))
      return found ? { join: found.id, step } : { open: fresh.emergency, entries: fresh.entries }
    })
    let em = result.value
    if (result.opened) {
      events.emit('EmergencyChanged', { emergency: em, change: 'opened' })
      arm(em)
      if (level !== 'E3') await announceLevel(em)
    } else if (result.changed) await changed(em, seen.before ?? em, seen.escalated)
    for (const other of alsoAlarms) {
      if (other.id !== alarm.id) em = await commit(em, { kind: 'join', at: now, alarmId: other.id, ruleId: other.ruleId, level })
    }
    em = await concurrentP1(em)
    em = await fireConfirmed(em)
    for (const a of [alarm, ...alsoAlarms]) await link(a, em.id)
    await linkWorkOrders(em, [alarm, ...alsoAlarms])
  }

  /** DOMAIN.md §6 "fire confirmed by FACP" → E1 (fire-confirmation.ts says what confirmed means). */
  async function fireConfirmed(em: Emergency): Promise<Emergency> {
    const zones = fire.confirmed(em.siteId, em.building)
    return zones ? commit(em, { kind: 'raise', at: clock.now(), level: 'E1', why: `fire confirmed by the fire alarm panel (zones ${zones.join(', ')})` }) : em
  }

  async function onFirePanel(live: DeviceLive): Promise<void> {
    const panel = await repos.devices.get(live.deviceId)
    if (!panel) return
    if (!fire.update({ id: panel.id, siteId: panel.siteId, building: panel.location.building }, live.state)) return
    const open = await repos.emergencies.list({ siteId: panel.siteId, open: true }, { limit: 100 })
    for (const em of open.items) {
      if (em.building === null || em.building === panel.location.building) await fireConfirmed(em)
    }
  }

  async function linkWorkOrders(em: Emergency, alarms: readonly Alarm[]): Promise<void> {
    const ids = alarms.flatMap((a) => a.workOrderIds)
    if (ids.some((id) => !em.workOrderIds.includes(id))) await commit(em, { kind: 'link-work-orders', at: clock.now(), workOrderIds: ids })
  }

  /** EL-07 opens an emergency only site-wide: power lost on ≥2 elevators (DOMAIN.md §6 "EL-07-site"). */
  async function poweredOff(alarm: Alarm): Promise<Alarm[]> {
    if (alarm.ruleId !== 'EL-07') return []
    const open = await repos.alarms.list({ siteId: alarm.siteId, states: ACTIVE_LIST_STATES }, { limit: 1000 })
    return open.items.filter((a) => a.ruleId === 'EL-07' && a.active && a.drill === alarm.drill)
  }

  async function onAlarm(alarm: Alarm): Promise<void> {
    const known = alarm.emergencyId ?? members.get(alarm.id) ?? null
    if (known !== null) {
      if (alarm.emergencyId !== known) await link(alarm, known)
      const em = await repos.emergencies.get(known)
      if (em && em.stage !== 'closed') await linkWorkOrders(em, [alarm])
      return
    }
    if (alarm.state !== 'unacked' || !alarm.active) return
    const site = await poweredOff(alarm)
    const level = openingLevel(alarm, ruleById(alarm.ruleId)?.emergency, new Set(site.map((a) => a.deviceId)).size)
    if (level !== null) await openOrJoin(alarm, level, site)
  }

  return {
    onAlarm,
    async start() {
      stopped = false
      let cursor: string | undefined
      do {
        const page = await repos.emergencies.list({ open: true }, { limit: 1000, cursor })
        for (const em of page.items) {
          for (const id of em.alarmIds) members.set(id, em.id)
          arm(em)
        }
        cursor = page.next ?? undefined
      } while (cursor !== undefined)
      offs.push(events.on('AlarmChanged', (alarm) => {
        void queue.run(alarm.siteId, () => onAlarm(alarm)).catch((err: unknown) => logger.error({ err, alarmId: alarm.id }, 'emergency for an alarm failed'))
      }))
      offs.push(events.on('DeviceChanged', (live) => {
        if (live.type !== 'fire-panel') return
        void queue.run(live.siteId, () => onFirePanel(live)).catch((err: unknown) => logger.error({ err, deviceId: live.deviceId }, 'fire confirmation failed'))
      }))
    },
    async stop() {
      stopped = true
      for (const off of offs.splice(0)) off()
      for (const t of timers.values()) t.cancel()
      timers.clear()
      await queue.idle()
    },
    get: (id) => repos.emergencies.get(id, { withHistory: true }),
    list: (filter, page) => repos.emergencies.list(filter, page),
    async act(id, action, actor) {
      const found = await repos.emergencies.get(id)
      if (!found) throw new AppError('EMERGENCY_NOT_FOUND', `emergency ${id} not found`)
      await queue.run(found.siteId, async () => {
        const em = await repos.emergencies.get(id)
        if (!em) throw new AppError('EMERGENCY_NOT_FOUND', `emergency ${id} not found`)
        const at = clock.now()
        const input: EmergencyInput = action.kind === 'close' ? { kind: 'close', at, actor, review: action.review }
          : action.kind === 'escalate' ? { kind: 'escalate', at, actor, reason: action.reason, note: action.note }
            : { kind: action.kind, at, actor, note: action.note }
        return commit(em, input)
      })
      return (await repos.emergencies.get(id, { withHistory: true }))!
    },
  }
}
