// The scenario catalog: CONTRACT.md §5 names; the ones not built yet say so clearly.
import { deviceOffline } from './device-offline.js'
import { doorForced } from './door-forced.js'
import { fireDoorPropped } from './fire-door-propped.js'
import { pumpLowPressure } from './pump-low-pressure.js'
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

/** The demo plays these in this order, over and over. */
export const SCENARIOS: readonly Scenario[] = [fireDoorPropped, doorForced, trappedPassenger, pumpLowPressure, deviceOffline]

export function findScenario(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name)
  if (found) return found
  if ((CONTRACT_SCENARIOS as readonly string[]).includes(name)) {
    throw new ScenarioError(`scenario '${name}' is not yet available; available now: ${SCENARIOS.map((s) => s.name).join(', ')}`)
  }
  throw new ScenarioError(`unknown scenario '${name}'; known: ${CONTRACT_SCENARIOS.join(', ')}`)
}

export { ScenarioError, type Scenario }
