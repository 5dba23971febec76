// Fire-door monitor payloads: DOMAIN.md §3.3 (GB 29364 monitor; NC normally closed, NO held open
// by an electromagnetic release).
import { bool, oneOf, required, str, type DeviceSchema } from './field-spec.js'

export const FIRE_DOOR_TYPES = ['NC', 'NO'] as const
export const FIRE_DOOR_POSITIONS = ['open', 'closed', 'unknown'] as const
export const FIRE_DOOR_HOLDER = ['energized', 'released'] as const
export const FIRE_DOOR_CLOSER = ['ok', 'fault'] as const
export const FIRE_DOOR_FAULTS = ['none', 'wiring_open', 'wiring_short', 'module_offline'] as const
export const FIRE_DOOR_RELEASE_CAUSES = ['fire_linkage', 'manual_button', 'power_loss'] as const
export const FIRE_DOOR_EVENTS = ['position', 'release', 'fault'] as const

export const fireDoorSchema: DeviceSchema = {
  telemetry: {
    doorType: oneOf(FIRE_DOOR_TYPES),
    zone: str(64),
    position: oneOf(FIRE_DOOR_POSITIONS),
    holder: oneOf(FIRE_DOOR_HOLDER),
    closer: oneOf(FIRE_DOOR_CLOSER),
    fault: oneOf(FIRE_DOOR_FAULTS),
    releaseCmd: bool,
  },
  events: {
    position: { fields: { position: required(oneOf(FIRE_DOOR_POSITIONS)) } },
    release: { fields: { cause: required(oneOf(FIRE_DOOR_RELEASE_CAUSES)) } },
    // DOMAIN.md leaves the fault event's body open (`{"event":"fault",...}`); we carry the same
    // names as telemetry, `fault: 'none'` clearing it.
    fault: { fields: { fault: required(oneOf(FIRE_DOOR_FAULTS)), closer: oneOf(FIRE_DOOR_CLOSER) } },
  },
}
