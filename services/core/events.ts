// Domain events, announced after the change they describe is committed (ARCHITECTURE.md
// "Durability"). The realtime service (socket.io) and the metrics listen here.
import type { Alarm, DeviceLive, FloodStatus } from './model.js'
import type { Notification } from './work-orders/duty.js'
import type { WorkOrder } from './work-orders/work-order.js'
import type { Emergency } from './emergencies/emergency.js'
import type { FloorPlan } from './floor-plans/floor-plan.js'

export interface DomainEventMap {
  /** The live state or online flag of a device changed. */
  DeviceChanged: DeviceLive
  /** An alarm was raised or changed state (the object is the committed one). */
  AlarmChanged: Alarm
  /** A device was registered, changed or deleted (null live = deleted). */
  DeviceRegistryChanged: { deviceId: string; siteId: string; deleted: boolean }
  /**
   * An alarm started chattering (≥3 activations within 60 s, DOMAIN.md §4.3); announced once per
   * chattering period. The hook for the P4 "nuisance alarm" work order (the work-order issue).
   */
  AlarmChattering: Alarm
  /** A site entered or left alarm-flood mode (DOMAIN.md §4.3); socket.io `flood` (CONTRACT.md §4). */
  FloodChanged: FloodStatus
  /** A rule override was saved; processes that evaluate rules re-read the overrides (`vigil worker`). */
  RuleOverrideChanged: { scope: 'site' | 'device'; scopeId: string; ruleId: string }
  /** A work order was created or changed (the committed object, without history); socket.io `workorder`. */
  WorkOrderChanged: WorkOrder
  /** A notification was recorded and is being (re)sent to its person; socket.io `notification` to that user. */
  NotificationSent: Notification
  /**
   * An emergency was opened or changed (the committed object, without history). `change` says why;
   * socket.io `emergency` goes out on `opened`, `escalated` and `closed` (CONTRACT.md §4).
   */
  EmergencyChanged: { emergency: Emergency; change: 'opened' | 'escalated' | 'closed' | 'updated' }
  /** A floor plan was uploaded, replaced, re-placed or deleted (`plan` null); socket.io `floorplan`. */
  FloorPlanChanged: FloorPlanEvent
}

export interface FloorPlanEvent {
  siteId: string
  building: string
  floor: number
  plan: FloorPlan | null
}

type Listener<T> = (payload: T) => void

export interface EventBus {
  on<K extends keyof DomainEventMap>(name: K, fn: Listener<DomainEventMap[K]>): () => void
  emit<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): void
}

export function createEventBus(onListenerError: (err: unknown) => void): EventBus {
  const listeners = new Map<keyof DomainEventMap, Set<Listener<never>>>()
  return {
    on(name, fn) {
      let set = listeners.get(name)
      if (!set) listeners.set(name, (set = new Set()))
      set.add(fn as Listener<never>)
      return () => set.delete(fn as Listener<never>)
    },
    emit(name, payload) {
      for (const fn of listeners.get(name) ?? []) {
        // One failing listener (a broken socket, say) must not stop the others or the caller.
        try {
          ;(fn as Listener<typeof payload>)(payload)
        } catch (err) {
          onListenerError(err)
        }
      }
    },
  }
}
