// Elevator payloads: DOMAIN.md §3.1, fields after GB/T 24476-2017 real-time status.
import { bool, int, num, oneOf, required, str, type DeviceSchema } from './field-spec.js'

/** GB/T 24476 fault codes as used by regulator platforms (DOMAIN.md §3.1; 11 = trapped 困人). */
export const ELEVATOR_GB_CODES = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11'] as const
export const ELEVATOR_SAFETY_CIRCUIT = ['closed', 'open'] as const
export const ELEVATOR_POWER = ['mains', 'battery', 'none'] as const
export const ELEVATOR_POWER_EVENT_STATES = ['lost', 'restored'] as const
export const ELEVATOR_EVENTS = ['fault', 'mode', 'power', 'alarmCall', 'remoteAlarmTest'] as const

/** serviceMode: 0 out of service, 1 normal, 2 inspection, 3 fire return, 4 firefighter, 5 emergency power, 6 earthquake, 7 unknown. */
const serviceMode = int(0, 7)

export const elevatorSchema: DeviceSchema = {
  telemetry: {
    serviceMode,
    carStatus: int(0, 1),
    direction: int(0, 2),
    floor: int(-9, 200),
    doorZone: bool,
    doorClosed: bool,
    occupied: bool,
    loadPct: num(0, 150),
    speed: num(0, 10),
    alarmButton: bool,
    safetyCircuit: oneOf(ELEVATOR_SAFETY_CIRCUIT),
    power: oneOf(ELEVATOR_POWER),
    upLimit: bool,
    downLimit: bool,
    remoteAlarmBatteryMin: int(0, 600),
    runHours: int(0),
    trips: int(0),
  },
  events: {
    fault: { fields: { gbCode: required(oneOf(ELEVATOR_GB_CODES)), active: required(bool), vendorCode: str(32) } },
    mode: { fields: { serviceMode: required(serviceMode) } },
    power: { fields: { state: required(oneOf(ELEVATOR_POWER_EVENT_STATES)) } },
    alarmCall: { fields: { durationMs: int(0) } },
    // EN 81-28 remote-alarm test call, at least every 3 days (DOMAIN.md §3.1 EL-10).
    remoteAlarmTest: { fields: { ok: required(bool) } },
  },
}
