import { describe, expect, it } from 'vitest'
import type { DeviceType } from '../../services/core/device-types.js'
import { DEVICE_TYPES } from '../../services/core/device-types.js'
import type { MessageKind } from '../../services/core/topics.js'
import {
  ACCESS_EVENTS,
  DEVICE_SCHEMAS,
  applyEventToState,
  eventNames,
  validateDeviceMessage,
  type ValidationResult,
} from '../../services/core/device-schemas/index.js'

const ok = (r: ValidationResult) => {
  if (!r.ok) throw new Error(`expected acceptance, got ${r.reason}: ${r.message}`)
  return r
}

describe('validateDeviceMessage accepts valid payloads', () => {
  it.each<[DeviceType, MessageKind, unknown, Record<string, unknown>]>([
    ['elevator', 'telemetry', { serviceMode: 1, carStatus: 0, direction: 0, floor: 7, doorZone: false, doorClosed: true, occupied: true, loadPct: 35 },
      { serviceMode: 1, floor: 7, doorClosed: true, loadPct: 35 }],
    ['elevator', 'telemetry', { floor: -9, speed: 10, safetyCircuit: 'open', power: 'battery', runHours: 12000, trips: 0 }, { floor: -9, power: 'battery' }],
    ['elevator', 'event', { event: 'fault', gbCode: '11', active: true, vendorCode: 'E35' }, { event: 'fault', gbCode: '11', active: true }],
    ['elevator', 'event', { event: 'mode', serviceMode: 3 }, { event: 'mode', serviceMode: 3 }],
    ['elevator', 'event', { event: 'power', state: 'lost' }, { state: 'lost' }],
    ['elevator', 'event', { event: 'alarmCall', durationMs: 4200 }, { durationMs: 4200 }],
    ['elevator', 'event', { event: 'remoteAlarmTest', ok: true }, { ok: true }],
    ['pump', 'telemetry', {
      system: 'domestic', ctrlMode: 'auto', outletP: 0.45, setpointP: 0.45, inletP: -0.05, levelPct: 80, floodWet: false,
      vL1: 380, vL2: 381, vL3: 379, pumps: [
        { id: 'P1', role: 'duty', running: true, fault: 'none', freqHz: 42.5, currentA: 20, motorTempC: 60, vibMmS: 1.2, runHours: 1200.5, startsLastHour: 3 },
        { id: 'P2', role: 'standby', running: false },
      ],
    }, { outletP: 0.45, 'pumps.P1.running': true, 'pumps.P1.freqHz': 42.5, 'pumps.P2.role': 'standby', 'pumps.P2.running': false }],
    ['pump', 'event', { event: 'pumpStart', pumpId: 'P2', cause: 'auto' }, { pumpId: 'P2', cause: 'auto' }],
    ['pump', 'event', { event: 'pumpStop', pumpId: 'P2', cause: 'manual' }, { event: 'pumpStop' }],
    ['pump', 'event', { event: 'testRun', pumpId: 'FP1', kind: 'auto_weekly', ok: true }, { kind: 'auto_weekly' }],
    ['fire-door', 'telemetry', { doorType: 'NC', zone: 'Z3', position: 'open', closer: 'ok', fault: 'none', releaseCmd: false }, { position: 'open', zone: 'Z3' }],
    ['fire-door', 'telemetry', { doorType: 'NO', holder: 'energized' }, { holder: 'energized' }],
    ['fire-door', 'event', { event: 'position', position: 'closed' }, { position: 'closed' }],
    ['fire-door', 'event', { event: 'release', cause: 'fire_linkage' }, { cause: 'fire_linkage' }],
    ['fire-door', 'event', { event: 'fault', fault: 'wiring_open' }, { fault: 'wiring_open' }],
    ['access-door', 'telemetry', { lockState: 'locked', doorState: 'closed', tamper: false, mains: true }, { lockState: 'locked', mains: true }],
    ['access-door', 'event', { event: 'granted', credential: { token: 'ab12cd34a41b', type: 'card' }, subjectRef: 'r-17', requiredLevel: 1, doorState: 'open', lockState: 'unlocked' },
      { event: 'granted', 'credential.token': 'ab12cd34a41b', 'credential.type': 'card', requiredLevel: 1 }],
    ['access-door', 'event', { event: 'denied', reason: 'expired', credential: { type: 'qr' } }, { reason: 'expired', 'credential.type': 'qr' }],
    ['access-door', 'event', { event: 'forced_open' }, { event: 'forced_open' }],
    ['fire-panel', 'telemetry', { mains: true, battery: 'low', fault: false }, { battery: 'low' }],
    ['fire-panel', 'event', { event: 'fire', zone: 'Z3', state: 'active' }, { zone: 'Z3', state: 'active' }],
    ['fire-panel', 'event', { event: 'fault', active: true, code: 'LOOP2' }, { active: true, code: 'LOOP2' }],
    ['fire-panel', 'event', { event: 'reset' }, { event: 'reset' }],
    ...DEVICE_TYPES.map((t): [DeviceType, MessageKind, unknown, Record<string, unknown>] => [t, 'status', { online: false }, { online: false }]),
    ...DEVICE_TYPES.map((t): [DeviceType, MessageKind, unknown, Record<string, unknown>] => [t, 'telemetry', {}, {}]),
  ])('%s %s %j', (type, kind, raw, expected) => {
    const r = ok(validateDeviceMessage(type, kind, raw))
    expect(r.fields).toMatchObject(expected)
    // The result is flat: every value is a scalar.
    for (const v of Object.values(r.fields)) expect(['string', 'number', 'boolean']).toContain(typeof v)
  })

  it('reads the envelope: ts as epoch ms or ISO 8601, seq and drill, and keeps them out of fields', () => {
    const iso = ok(validateDeviceMessage('fire-door', 'telemetry', { ts: '2025-03-01T08:00:00.000+08:00', seq: 1234, drill: true, position: 'open' }))
    expect(iso).toMatchObject({ ts: Date.UTC(2025, 2, 1, 0, 0, 0), seq: 1234, drill: true, fields: { position: 'open' } })
    expect(Object.keys(iso.fields)).toEqual(['position'])
    const ms = ok(validateDeviceMessage('fire-door', 'telemetry', { ts: 1740787200000 }))
    expect(ms.ts).toBe(1740787200000)
    const bare = ok(validateDeviceMessage('fire-door', 'telemetry', { position: 'open' }))
    expect(bare).not.toHaveProperty('ts')
    expect(bare).not.toHaveProperty('seq')
    expect(bare.drill).toBe(false)
  })

  it('knows every event name of the spec tables, for the rule engine and simulators', () => {
    expect(eventNames('access-door')).toEqual([...ACCESS_EVENTS])
    for (const t of DEVICE_TYPES) expect(eventNames(t).length).toBeGreaterThan(0)
    expect(Object.keys(DEVICE_SCHEMAS)).toEqual([...DEVICE_TYPES])
  })
})

describe('validateDeviceMessage rejects invalid payloads with a reason', () => {
  it.each<[string, DeviceType, MessageKind, unknown, string]>([
    ['a JSON array', 'elevator', 'telemetry', [1, 2], 'not-an-object'],
    ['a JSON number', 'pump', 'telemetry', 42, 'not-an-object'],
    ['null', 'fire-door', 'status', null, 'not-an-object'],
    ['an unknown telemetry field', 'elevator', 'telemetry', { floor: 3, color: 'red' }, 'unknown-field'],
    ['an unknown per-pump field', 'pump', 'telemetry', { pumps: [{ id: 'P1', colour: 1 }] }, 'unknown-field'],
    ['a field that belongs to another event', 'fire-door', 'event', { event: 'position', cause: 'manual_button' }, 'unknown-field'],
    ['a denial reason on a grant', 'access-door', 'event', { event: 'granted', reason: 'expired' }, 'unknown-field'],
    ['an unknown credential member', 'access-door', 'event', { event: 'granted', credential: { token: 'x', uid: 'y' } }, 'unknown-field'],
    ['a field on a status message other than online', 'elevator', 'status', { online: true, floor: 3 }, 'unknown-field'],
    ['an int given as a string', 'elevator', 'telemetry', { floor: '7' }, 'wrong-type'],
    ['an int given as a fraction', 'elevator', 'telemetry', { floor: 7.5 }, 'wrong-type'],
    ['a bool given as 1', 'elevator', 'telemetry', { doorClosed: 1 }, 'wrong-type'],
    ['a null value', 'pump', 'telemetry', { outletP: null }, 'wrong-type'],
    ['pumps not an array', 'pump', 'telemetry', { pumps: { id: 'P1' } }, 'wrong-type'],
    ['a pump entry that is not an object', 'pump', 'telemetry', { pumps: ['P1'] }, 'wrong-type'],
    ['credential not an object', 'access-door', 'event', { event: 'granted', credential: 'abc' }, 'wrong-type'],
    ['status online as a string', 'fire-panel', 'status', { online: 'true' }, 'wrong-type'],
    ['seq as a string', 'elevator', 'telemetry', { seq: '12' }, 'wrong-type'],
    ['drill as a string', 'elevator', 'telemetry', { drill: 'yes' }, 'wrong-type'],
    ['an event name that is not a string', 'elevator', 'event', { event: 3 }, 'wrong-type'],
    ['a floor above 200', 'elevator', 'telemetry', { floor: 201 }, 'out-of-range'],
    ['a negative speed', 'elevator', 'telemetry', { speed: -0.1 }, 'out-of-range'],
    ['a serviceMode of 8', 'elevator', 'event', { event: 'mode', serviceMode: 8 }, 'out-of-range'],
    ['an enum value outside its list', 'fire-door', 'telemetry', { position: 'ajar' }, 'out-of-range'],
    ['a gbCode outside 01..11', 'elevator', 'event', { event: 'fault', gbCode: '12', active: true }, 'out-of-range'],
    ['outlet pressure above 2.5 MPa', 'pump', 'telemetry', { outletP: 2.6 }, 'out-of-range'],
    ['seven pumps', 'pump', 'telemetry', { pumps: Array.from({ length: 7 }, (_, i) => ({ id: `P${i}` })) }, 'out-of-range'],
    ['an empty pumps list', 'pump', 'telemetry', { pumps: [] }, 'out-of-range'],
    ['a repeated pump id', 'pump', 'telemetry', { pumps: [{ id: 'P1' }, { id: 'P1' }] }, 'out-of-range'],
    ['a pump id that cannot be a key', 'pump', 'telemetry', { pumps: [{ id: 'P 1' }] }, 'out-of-range'],
    ['a required level of 5', 'access-door', 'event', { event: 'denied', requiredLevel: 5 }, 'out-of-range'],
    ['a negative seq', 'elevator', 'telemetry', { seq: -1 }, 'out-of-range'],
    ['an unknown event', 'elevator', 'event', { event: 'explode' }, 'unknown-event'],
    ['an access event of another type', 'access-door', 'event', { event: 'pumpStart', pumpId: 'P1', cause: 'auto' }, 'unknown-event'],
    ['an event without event', 'fire-door', 'event', { position: 'open' }, 'missing-field'],
    ['a status without online', 'pump', 'status', {}, 'missing-field'],
    ['a fault without gbCode', 'elevator', 'event', { event: 'fault', active: true }, 'missing-field'],
    ['a fire signal without zone', 'fire-panel', 'event', { event: 'fire', state: 'active' }, 'missing-field'],
    ['a pump entry without id', 'pump', 'telemetry', { pumps: [{ running: true }] }, 'missing-field'],
    ['a pumpStart without cause', 'pump', 'event', { event: 'pumpStart', pumpId: 'P1' }, 'missing-field'],
    ['ts as a date without time', 'elevator', 'telemetry', { ts: '2025-03-01' }, 'bad-timestamp'],
    ['ts as free text', 'elevator', 'telemetry', { ts: 'yesterday' }, 'bad-timestamp'],
    ['ts ISO without a zone', 'elevator', 'telemetry', { ts: '2025-03-01T08:00:00' }, 'bad-timestamp'],
    ['ts in seconds, not ms (1970)', 'elevator', 'telemetry', { ts: 1740787200 }, 'bad-timestamp'],
    ['ts in the year 2200', 'elevator', 'telemetry', { ts: Date.UTC(2200, 0, 1) }, 'bad-timestamp'],
    ['ts as a boolean', 'elevator', 'telemetry', { ts: true }, 'bad-timestamp'],
    ['a raw cardUid at the top', 'access-door', 'event', { event: 'granted', cardUid: '04A2B3C4D5' }, 'personal-data'],
    ['a raw cardUid inside the credential', 'access-door', 'event', { event: 'granted', credential: { cardUid: '04A2B3C4D5' } }, 'personal-data'],
    ['a faceImage, whatever else is wrong', 'access-door', 'telemetry', { nonsense: 1, faceImage: 'data:image/jpeg;base64,AAAA' }, 'personal-data'],
    ['a CARDUID in another case inside an array', 'pump', 'telemetry', { pumps: [{ id: 'P1', CARDUID: 'x' }] }, 'personal-data'],
  ])('%s (%s %s) -> %s', (_what, type, kind, raw, reason) => {
    const r = validateDeviceMessage(type, kind, raw)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.reason).toBe(reason)
      expect(r.message.length).toBeGreaterThan(0)
    }
  })

  it('never echoes a personal-data value in the rejection message', () => {
    const r = validateDeviceMessage('access-door', 'event', { event: 'granted', cardUid: '04A2B3C4D5' })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.message).not.toContain('04A2B3C4D5')
  })
})

describe('applyEventToState gives the state keys an event changes', () => {
  it.each<[DeviceType, Record<string, unknown>, Record<string, unknown>]>([
    ['elevator', { event: 'fault', gbCode: '11', active: true }, { 'fault.11': true }],
    ['elevator', { event: 'fault', gbCode: '03', active: false }, { 'fault.03': false }],
    ['elevator', { event: 'mode', serviceMode: 3 }, { serviceMode: 3 }],
    ['elevator', { event: 'power', state: 'lost' }, { power: 'none' }],
    ['elevator', { event: 'power', state: 'restored' }, { power: 'mains' }],
    ['elevator', { event: 'remoteAlarmTest', ok: true }, { 'remoteAlarmTest.ok': true }],
    ['elevator', { event: 'alarmCall', durationMs: 4000 }, {}],
    ['pump', { event: 'pumpStart', pumpId: 'P2', cause: 'auto' }, { 'pumps.P2.running': true }],
    ['pump', { event: 'pumpStop', pumpId: 'P2', cause: 'fault' }, { 'pumps.P2.running': false }],
    ['fire-door', { event: 'position', position: 'open' }, { position: 'open' }],
    ['fire-door', { event: 'release', cause: 'fire_linkage' }, { holder: 'released' }],
    ['fire-door', { event: 'fault', fault: 'wiring_short' }, { fault: 'wiring_short' }],
    ['access-door', { event: 'granted', doorState: 'open', lockState: 'unlocked' }, { doorState: 'open', lockState: 'unlocked' }],
    ['access-door', { event: 'forced_open' }, { doorState: 'open' }],
    ['access-door', { event: 'door_closed', lockState: 'locked' }, { doorState: 'closed', lockState: 'locked' }],
    ['access-door', { event: 'tamper' }, { tamper: true }],
    ['access-door', { event: 'denied', reason: 'expired' }, {}],
    ['fire-panel', { event: 'fire', zone: 'Z3', state: 'active' }, { 'fire.Z3': true }],
    ['fire-panel', { event: 'fire', zone: 'Z3', state: 'cleared' }, { 'fire.Z3': false }],
    ['fire-panel', { event: 'fault', active: true }, { fault: true }],
  ])('%s %j -> %j', (type, event, expected) => {
    expect(applyEventToState(type, event)).toEqual(expected)
  })

  it('clears every zone on a fire-panel reset', () => {
    expect(applyEventToState('fire-panel', { event: 'reset' }, { 'fire.Z1': true, 'fire.Z3': false, mains: true })).toEqual({ 'fire.Z1': false, 'fire.Z3': false })
  })
})
