// Access-control door payloads: DOMAIN.md §3.4 (GB 50396-2007). The credential is an edge-computed
// HMAC token; a raw card UID or face image is personal data and never accepted (DOMAIN.md §7.3).
import { bool, int, oneOf, str, type DeviceSchema, type EventSpec, type FieldSpecs } from './field-spec.js'

export const ACCESS_EVENTS = [
  'granted', 'denied', 'forced_open', 'held_open', 'door_closed', 'rex', 'tamper', 'power_fail', 'fire_unlock', 'antipassback',
] as const
export const ACCESS_CREDENTIAL_TYPES = ['card', 'qr', 'face', 'pin', 'remote'] as const
export const ACCESS_DENIAL_REASONS = ['expired', 'no_permission', 'time_window', 'unknown_credential', 'antipassback'] as const
export const ACCESS_DOOR_STATES = ['open', 'closed'] as const
export const ACCESS_LOCK_STATES = ['locked', 'unlocked'] as const
/** Access levels L0 visitor … L4 monitoring centre (DOMAIN.md §3.4). */
export const ACCESS_LEVEL_MAX = 4

const common: FieldSpecs = {
  credential: { type: 'object', fields: { token: str(128), type: oneOf(ACCESS_CREDENTIAL_TYPES) } },
  subjectRef: str(128),
  requiredLevel: int(0, ACCESS_LEVEL_MAX),
  doorState: oneOf(ACCESS_DOOR_STATES),
  lockState: oneOf(ACCESS_LOCK_STATES),
}
// `reason` belongs to denials only (DOMAIN.md §3.4 "denied only").
const denied: EventSpec = { fields: { ...common, reason: oneOf(ACCESS_DENIAL_REASONS) } }

export const accessDoorSchema: DeviceSchema = {
  telemetry: {
    lockState: oneOf(ACCESS_LOCK_STATES),
    doorState: oneOf(ACCESS_DOOR_STATES),
    tamper: bool,
    mains: bool,
  },
  events: Object.fromEntries(ACCESS_EVENTS.map((e) => [e, e === 'denied' ? denied : { fields: common }])),
}
