// validateDeviceMessage: one payload against its type and kind (CONTRACT.md §2: an unknown field, a
// field of the wrong type or out of range rejects the whole message). The specs are compiled once
// here; per message the work is one pass over the payload's keys.
import type { DeviceType } from '../device-types.js'
import type { FlatState, RejectionReason } from '../model.js'
import type { MessageKind } from '../topics.js'
import { findPersonalData, parseTimestamp } from './envelope.js'
import { compileObject, describe, type CompiledField, type CompiledObject, type FieldProblem } from './field-spec.js'
import { DEVICE_SCHEMAS, STATUS_FIELDS } from './schemas.js'

export interface ValidMessage {
  ok: true
  /** Flat scalars: telemetry fields, `pumps.{id}.{field}`, an event's `event` and fields (`credential.token`), or `online`. */
  fields: FlatState
  ts?: number
  seq?: number
  drill: boolean
}
export interface InvalidMessage {
  ok: false
  reason: RejectionReason
  /** Names the field and the expectation; never echoes a string value (it may be personal data). */
  message: string
}
export type ValidationResult = ValidMessage | InvalidMessage

interface CompiledSchema {
  telemetry: CompiledObject
  pumps: { object: CompiledObject; minItems: number; maxItems: number } | null
  events: ReadonlyMap<string, CompiledObject>
}

const COMPILED = new Map<DeviceType, CompiledSchema>(
  Object.entries(DEVICE_SCHEMAS).map(([type, s]) => [
    type as DeviceType,
    {
      telemetry: compileObject(s.telemetry),
      pumps: s.pumps ? { object: compileObject(s.pumps.fields), minItems: s.pumps.minItems, maxItems: s.pumps.maxItems } : null,
      events: new Map(Object.entries(s.events).map(([name, e]) => [name, compileObject(e.fields)])),
    },
  ]),
)
const STATUS = compileObject(STATUS_FIELDS)

const fail = (reason: RejectionReason, message: string): InvalidMessage => ({ ok: false, reason, message })

function shown(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v)
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function missing(obj: Record<string, unknown>, spec: CompiledObject, path: string): InvalidMessage | null {
  for (const name of spec.required) if (!Object.hasOwn(obj, name)) return fail('missing-field', `${path}${name} is required`)
  return null
}

/** Checks one member and writes it (flattened) to out under `prefix + key`. */
function checkField(f: CompiledField, v: unknown, out: FlatState, prefix: string): InvalidMessage | null {
  if (f.kind === 'scalar') {
    const problem: FieldProblem = f.check(v)
    if (problem !== null) return fail(problem, `${prefix}${f.key}: expected ${describe(f.spec)}, got ${shown(v)}`)
    out[prefix + f.key] = v as string | number | boolean
    return null
  }
  if (!isPlainObject(v)) return fail('wrong-type', `${prefix}${f.key}: expected an object, got ${shown(v)}`)
  for (const key in v) {
    const member = f.object.members.get(key)
    if (member === undefined) return fail('unknown-field', `${prefix}${f.key}.${key} is not a known field`)
    const r = checkField(member, v[key], out, prefix)
    if (r !== null) return r
  }
  return missing(v, f.object, `${prefix}${f.key}.`)
}

function checkPumps(v: unknown, pumps: NonNullable<CompiledSchema['pumps']>, out: FlatState): InvalidMessage | null {
  if (!Array.isArray(v)) return fail('wrong-type', `pumps: expected an array, got ${shown(v)}`)
  if (v.length < pumps.minItems || v.length > pumps.maxItems) {
    return fail('out-of-range', `pumps: expected ${pumps.minItems}..${pumps.maxItems} entries, got ${v.length}`)
  }
  const idCheck = pumps.object.members.get('id')!
  const ids: string[] = []
  for (let i = 0; i < v.length; i++) {
    const entry: unknown = v[i]
    if (!isPlainObject(entry)) return fail('wrong-type', `pumps[${i}]: expected an object, got ${shown(entry)}`)
    if (!Object.hasOwn(entry, 'id')) return fail('missing-field', `pumps[${i}].id is required`)
    const id = entry.id
    if (idCheck.kind === 'scalar') {
      const problem = idCheck.check(id)
      if (problem !== null) return fail(problem, `pumps[${i}].id: expected ${describe(idCheck.spec)}, got ${shown(id)}`)
    }
    if (ids.includes(id as string)) return fail('out-of-range', `pumps[${i}].id repeats an earlier pump`)
    ids.push(id as string)
    const prefix = `pumps.${id as string}.`
    for (const key in entry) {
      if (key === 'id') continue
      const member = pumps.object.members.get(key)
      if (member === undefined) return fail('unknown-field', `pumps[${i}].${key} is not a known field`)
      const r = checkField(member, entry[key], out, prefix)
      if (r !== null) return r
    }
  }
  return null
}

export function validateDeviceMessage(type: DeviceType, kind: MessageKind, raw: unknown): ValidationResult {
  // Personal data first, whatever else is wrong: the payload must not be kept as is (DOMAIN.md §7.3).
  const personal = findPersonalData(raw)
  if (personal !== null) return fail('personal-data', `payload carries "${personal}", raw personal data that is never accepted`)
  if (!isPlainObject(raw)) return fail('not-an-object', `payload must be a JSON object, got ${shown(raw)}`)
  const schema = COMPILED.get(type)
  if (schema === undefined) return fail('unknown-field', `no schema for device type ${type}`)

  let spec: CompiledObject
  const out: FlatState = {}
  if (kind === 'telemetry') {
    spec = schema.telemetry
  } else if (kind === 'status') {
    spec = STATUS
  } else {
    if (!Object.hasOwn(raw, 'event')) return fail('missing-field', 'event is required')
    const name = raw.event
    if (typeof name !== 'string') return fail('wrong-type', `event: expected an event name, got ${shown(name)}`)
    const ev = schema.events.get(name)
    if (ev === undefined) return fail('unknown-event', `"${name.slice(0, 40)}" is not an event of ${type}`)
    spec = ev
    out.event = name
  }

  let ts: number | undefined
  let seq: number | undefined
  let drill = false
  for (const key in raw) {
    const v = raw[key]
    switch (key) {
      case 'ts': {
        const ms = parseTimestamp(v)
        if (ms === null) return fail('bad-timestamp', `ts: expected epoch milliseconds or ISO 8601 with a zone between 2000 and 2100, got ${shown(v)}`)
        ts = ms
        continue
      }
      case 'seq':
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) return fail('wrong-type', `seq: expected an integer, got ${shown(v)}`)
        if (v < 0) return fail('out-of-range', `seq: expected a non-negative integer, got ${v}`)
        seq = v
        continue
      case 'drill':
        if (typeof v !== 'boolean') return fail('wrong-type', `drill: expected boolean, got ${shown(v)}`)
        drill = v
        continue
      case 'event':
        if (kind === 'event') continue
        break
      case 'pumps':
        if (kind === 'telemetry' && schema.pumps !== null) {
          const r = checkPumps(v, schema.pumps, out)
          if (r !== null) return r
          continue
        }
        break
    }
    const member = spec.members.get(key)
    if (member === undefined) return fail('unknown-field', `${key} is not a known ${kind} field of ${type}`)
    const r = checkField(member, v, out, '')
    if (r !== null) return r
  }
  const m = missing(raw, spec, '')
  if (m !== null) return m

  const result: ValidMessage = { ok: true, fields: out, drill }
  if (ts !== undefined) result.ts = ts
  if (seq !== undefined) result.seq = seq
  return result
}
