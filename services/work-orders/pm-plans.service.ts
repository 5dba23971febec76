// Preventive maintenance plans 六級保養 (DOMAIN.md §1 #6: daily patrol, weekly, half-monthly,
// quarterly, half-yearly, yearly) per device, each creating a P4 `preventive` work order when due,
// on the injected clock; the next due instant is stored so a restart resumes, never restarts, a plan.
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Clock, TimerHandle } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import type { DeviceType } from '../core/device-types.js'
import type { Skill } from '../core/model.js'
import type { Repos } from '../core/ports.js'
import { nextDue, PM_INTERVAL_MS, type PmPlan, type PmTier } from '../core/work-orders/return-visit.js'
import { SYSTEM } from '../core/work-orders/work-order-machine.js'
import type { WorkOrderCore } from './work-order.service.js'

/** The trade that maintains each kind of device. */
const SKILL_OF: Record<DeviceType, Skill> = { elevator: 'ELEVATOR', pump: 'PLUMBING', 'fire-door': 'FIRE', 'access-door': 'SECURITY', 'fire-panel': 'FIRE' }

export interface PmPlanService {
  start(): Promise<void>
  stop(): void
  add(deviceId: string, input: { tier: PmTier; startAt: number }, actor: string): Promise<PmPlan>
  list(deviceId: string): Promise<PmPlan[]>
}

export function createPmPlanService(deps: { repos: Repos; clock: Clock; logger: Logger; workOrders: Pick<WorkOrderCore, 'create'> }): PmPlanService {
  const { repos, clock, logger } = deps
  const timers = new Map<string, TimerHandle>()

  function arm(plan: PmPlan): void {
    timers.get(plan.id)?.cancel()
    timers.set(plan.id, clock.setTimeout(() => void due(plan).catch((err: unknown) => logger.error({ err, planId: plan.id }, 'preventive work order failed')),
      Math.max(0, Date.parse(plan.nextDueAt) - clock.now())))
  }

  async function due(plan: PmPlan): Promise<void> {
    const device = await repos.devices.get(plan.deviceId)
    if (!device) return
    const { workOrder } = await deps.workOrders.create({
      siteId: device.siteId, deviceId: device.id, title: `Preventive maintenance (${plan.tier}): ${device.name}`, priority: 4,
      skill: SKILL_OF[device.type], source: 'preventive', description: `plan ${plan.id}, due ${plan.nextDueAt}`,
    }, SYSTEM)
    const next = nextDue({ tier: plan.tier, nextDueAt: new Date(Date.parse(plan.nextDueAt) + PM_INTERVAL_MS[plan.tier]).toISOString() }, clock.now())
    const saved = await repos.pmPlans.update({ ...plan, nextDueAt: new Date(next).toISOString(), lastWorkOrderId: workOrder.id })
    arm(saved)
  }

  return {
    async start() {
      for (const p of await repos.pmPlans.all()) arm(p)
    },
    stop() {
      for (const t of timers.values()) t.cancel()
      timers.clear()
    },
    async add(deviceId, input, actor) {
      const device = await repos.devices.get(deviceId)
      if (!device) throw new AppError('DEVICE_NOT_FOUND', `device ${deviceId} not found`)
      const at = new Date(clock.now()).toISOString()
      const plan = await repos.pmPlans.insert({
        id: randomUUID(), deviceId, siteId: device.siteId, tier: input.tier, startAt: new Date(input.startAt).toISOString(),
        nextDueAt: new Date(input.startAt).toISOString(), lastWorkOrderId: null, createdAt: at, createdBy: actor,
      })
      arm(plan)
      return plan
    },
    list: (deviceId) => repos.pmPlans.listByDevice(deviceId),
  }
}
