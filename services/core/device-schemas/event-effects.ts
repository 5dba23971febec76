// What an accepted event changes in a device's live state, so events show on the wall display
// and rules see them as state (DOMAIN.md §3). Input is a validated event's fields (`event` plus
// its flattened fields); output is only the keys the event sets.
import type { DeviceType } from '../device-types.js'
import type { FlatState } from '../model.js'

type EventFields = Readonly<Record<string, unknown>>

function elevator(e: EventFields): FlatState {
  switch (e.event) {
    // One key per GB/T 24476 code, so concurrent faults (e.g. 03 and 11) are independent.
    case 'fault':
      return { [`fault.${String(e.gbCode)}`]: e.active === true }
    case 'mode':
      return { serviceMode: e.serviceMode as number }
    // The event does not say whether a rescue battery took over; telemetry `power` will. Until then
    // "not mains" is what EL-07 needs.
    case 'power':
      return { power: e.state === 'restored' ? 'mains' : 'none' }
    case 'remoteAlarmTest':
      return { 'remoteAlarmTest.ok': e.ok === true }
    default:
      return {}
  }
}

function pump(e: EventFields): FlatState {
  const id = String(e.pumpId)
  switch (e.event) {
    case 'pumpStart':
      return { [`pumps.${id}.running`]: true }
    case 'pumpStop':
      return { [`pumps.${id}.running`]: false }
    case 'testRun':
      return { [`pumps.${id}.testRun.ok`]: e.ok === true }
    default:
      return {}
  }
}

function fireDoor(e: EventFields): FlatState {
  switch (e.event) {
    case 'position':
      return { position: e.position as string }
    case 'release':
      return { holder: 'released' }
    case 'fault':
      return e.closer === undefined ? { fault: e.fault as string } : { fault: e.fault as string, closer: e.closer as string }
    default:
      return {}
  }
}

// GB 50396 event semantics: forced/held imply the door is open, door_closed that it is closed.
const ACCESS_DOOR_IMPLIED: Readonly<Record<string, FlatState>> = {
  forced_open: { doorState: 'open' },
  held_open: { doorState: 'open' },
  door_closed: { doorState: 'closed' },
  tamper: { tamper: true },
  power_fail: { mains: false },
}

function accessDoor(e: EventFields): FlatState {
  const out: FlatState = { ...ACCESS_DOOR_IMPLIED[e.event as string] }
  // Reported states win over implied ones.
  if (typeof e.doorState === 'string') out.doorState = e.doorState
  if (typeof e.lockState === 'string') out.lockState = e.lockState
  return out
}

function firePanel(e: EventFields, current: Readonly<FlatState> | undefined): FlatState {
  switch (e.event) {
    case 'fire':
      return { [`fire.${String(e.zone)}`]: e.state === 'active' }
    case 'fault':
      return { fault: e.active === true }
    // A panel reset clears every zone's fire signal it had raised.
    case 'reset': {
      const out: FlatState = {}
      if (current) for (const key in current) if (key.startsWith('fire.')) out[key] = false
      return out
    }
    default:
      return {}
  }
}

/** The state keys an event changes. `current` is needed only for events that clear what is there (fire-panel reset). */
export function applyEventToState(type: DeviceType, event: EventFields, current?: Readonly<FlatState>): FlatState {
  switch (type) {
    case 'elevator':
      return elevator(event)
    case 'pump':
      return pump(event)
    case 'fire-door':
      return fireDoor(event)
    case 'access-door':
      return accessDoor(event)
    case 'fire-panel':
      return firePanel(event, current)
  }
}
