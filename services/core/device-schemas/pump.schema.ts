// Pump-station payloads: DOMAIN.md §3.2. One device per station controller; each of its pumps is
// an entry of `pumps[]`, flattened to `pumps.{id}.{field}` (CONTRACT.md §3 telemetry history).
import { bool, idStr, int, num, oneOf, required, type DeviceSchema } from './field-spec.js'

export const PUMP_SYSTEMS = ['domestic', 'sump', 'fire'] as const
export const PUMP_CTRL_MODES = ['auto', 'manual', 'off', 'test'] as const
export const PUMP_ROLES = ['duty', 'standby', 'jockey'] as const
export const PUMP_FAULTS = ['none', 'overload', 'overcurrent', 'phase_loss', 'dry_run', 'overtemp', 'vfd', 'comm'] as const
export const PUMP_START_CAUSES = ['auto', 'manual', 'test', 'fault'] as const
export const PUMP_TEST_KINDS = ['auto_weekly', 'manual_monthly'] as const
export const PUMP_EVENTS = ['pumpStart', 'pumpStop', 'testRun'] as const
export const PUMPS_MAX = 6

const pressure = num(0, 2.5)
const volts = num(0, 500)
const startStop = { fields: { pumpId: required(idStr), cause: required(oneOf(PUMP_START_CAUSES)) } }

export const pumpSchema: DeviceSchema = {
  telemetry: {
    system: oneOf(PUMP_SYSTEMS),
    ctrlMode: oneOf(PUMP_CTRL_MODES),
    outletP: pressure,
    setpointP: pressure,
    inletP: num(-0.1, 1.0),
    flow: num(0, 1000),
    levelPct: num(0, 100),
    floodWet: bool,
    vL1: volts,
    vL2: volts,
    vL3: volts,
    fireDemand: bool,
  },
  pumps: {
    minItems: 1,
    maxItems: PUMPS_MAX,
    fields: {
      id: required(idStr),
      role: oneOf(PUMP_ROLES),
      running: bool,
      fault: oneOf(PUMP_FAULTS),
      freqHz: num(0, 50),
      currentA: num(0, 400),
      motorTempC: num(-20, 200),
      vibMmS: num(0, 50),
      runHours: num(0),
      startsLastHour: int(0, 120),
    },
  },
  events: {
    pumpStart: startStop,
    pumpStop: startStop,
    testRun: { fields: { pumpId: required(idStr), kind: required(oneOf(PUMP_TEST_KINDS)), ok: required(bool) } },
  },
}
