// Turns registered device specs into running generators, one per device.
import { createAccessDoorSim, type AccessDoorSim } from './devices/access-door.js'
import { createElevatorSim, type ElevatorSim } from './devices/elevator.js'
import { createFireDoorSim, type FireDoorSim } from './devices/fire-door.js'
import { createFirePanelSim, type FirePanelSim } from './devices/fire-panel.js'
import { createPumpStationSim, type PumpStationSim, type PumpSystem } from './devices/pump-station.js'
import type { DeviceSpec } from './fleet-plan.js'

export type AnySim = ElevatorSim | PumpStationSim | FireDoorSim | AccessDoorSim | FirePanelSim

export interface SimDevice {
  spec: DeviceSpec
  sim: AnySim
}

const attr = <T>(spec: DeviceSpec, key: string, fallback: T): T => (spec.attributes[key] as T | undefined) ?? fallback

export function createSim(spec: DeviceSpec, siteKey: string): AnySim {
  switch (spec.type) {
    case 'elevator':
      return createElevatorSim({ id: spec.id, ratedSpeed: attr(spec, 'ratedSpeed', 2.5), homeFloor: attr(spec, 'homeFloor', 1) })
    case 'pump':
      return createPumpStationSim({ id: spec.id, system: attr<PumpSystem>(spec, 'system', 'domestic') })
    case 'fire-door':
      return createFireDoorSim({ id: spec.id, doorType: attr<'NC' | 'NO'>(spec, 'doorType', 'NC'), zone: spec.location.zone ?? 'Z1' })
    case 'access-door':
      return createAccessDoorSim({
        id: spec.id,
        requiredLevel: attr(spec, 'requiredLevel', 1),
        perimeter: attr(spec, 'perimeter', false),
        siteKey,
      })
    case 'fire-panel':
      return createFirePanelSim({ id: spec.id })
  }
}

export const createFleet = (specs: readonly DeviceSpec[], siteKey: string): SimDevice[] =>
  specs.map((spec) => ({ spec, sim: createSim(spec, siteKey) }))
