// The scenario catalog: every name CONTRACT.md §5 lists, and the demo's rotation.
import { deviceOffline } from './device-offline.js'
import { doorForced } from './door-forced.js'
import { doorHeld } from './door-held.js'
import { elevatorFault } from './elevator-fault.js'
import { fireAlarm } from './fire-alarm.js'
import { fireDoorPropped } from './fire-door-propped.js'
import { firePumpFail } from './fire-pump-fail.js'
import { pumpDryRun } from './pump-dry-run.js'
import { pumpLowPressure } from './pump-low-pressure.js'
import { pumpRoomFlood } from './pump-room-flood.js'
import { ScenarioError, type Scenario } from './scenario.js'
import { trappedPassenger } from './trapped-passenger.js'

export const CONTRACT_SCENARIOS = [
  'trapped-passenger',
  'elevator-fault',
  'pump-dry-run',
  'pump-low-pressure',
  'pump-room-flood',
  'fire-pump-fail',
  'fire-door-propped',
  'door-forced',
  'door-held',
  'device-offline',
  'fire-alarm',
] as const

/** Every scenario, in CONTRACT.md's order. */
export const ALL_SCENARIOS: readonly Scenario[] = [
  trappedPassenger, elevatorFault, pumpDryRun, pumpLowPressure, pumpRoomFlood, firePumpFail,
  fireDoorPropped, doorForced, doorHeld, deviceOffline, fireAlarm,
]

/**
 * The demo plays these in this order, over and over: one fault of each kind its site has (it has
 * no fire pump set), without the latched P1s that would leave the wall display red between plays.
 */
export const SCENARIOS: readonly Scenario[] = [fireDoorPropped, doorForced, trappedPassenger, pumpLowPressure, elevatorFault, doorHeld, pumpDryRun, deviceOffline]

export function findScenario(name: string): Scenario {
  const found = ALL_SCENARIOS.find((s) => s.name === name)
  if (found) return found
  throw new ScenarioError(`unknown scenario '${name}'; known: ${CONTRACT_SCENARIOS.join(', ')}`)
}

export { ScenarioError, type Scenario }
