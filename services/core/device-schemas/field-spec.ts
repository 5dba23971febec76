// Field specifications as data (DOMAIN.md §3), and their compilation into plain checking
// functions once at module load: validation runs on every device message (10,000 msg/s target),
// so nothing here allocates per message except the result.
import { ID_REGEX } from '../device-types.js'

export type FieldSpec =
  | { readonly type: 'int'; readonly min: number; readonly max: number; readonly required?: boolean }
  | { readonly type: 'number'; readonly min: number; readonly max: number; readonly required?: boolean }
  | { readonly type: 'bool'; readonly required?: boolean }
  | { readonly type: 'enum'; readonly values: readonly string[]; readonly required?: boolean }
  /** `id: true` restricts the string to the id pattern, because it becomes part of a state key. */
  | { readonly type: 'string'; readonly maxLength: number; readonly id?: boolean; readonly required?: boolean }
  /** A nested object (access-door `credential`); flattened to `name.sub` keys. */
  | { readonly type: 'object'; readonly fields: FieldSpecs; readonly required?: boolean }

export type FieldSpecs = Readonly<Record<string, FieldSpec>>

export interface EventSpec {
  readonly fields: FieldSpecs
}

/** One device type's payloads. `pumps` is the per-pump array of the pump station (DOMAIN.md §3.2). */
export interface DeviceSchema {
  readonly telemetry: FieldSpecs
  readonly pumps?: { readonly fields: FieldSpecs; readonly minItems: number; readonly maxItems: number }
  readonly events: Readonly<Record<string, EventSpec>>
}

/** Why a value failed; null when it is acceptable. */
export type FieldProblem = 'wrong-type' | 'out-of-range' | null
export type ScalarCheck = (v: unknown) => FieldProblem

export const int = (min: number, max: number = Number.MAX_SAFE_INTEGER): FieldSpec => ({ type: 'int', min, max })
export const num = (min: number, max: number = Number.MAX_VALUE): FieldSpec => ({ type: 'number', min, max })
export const bool: FieldSpec = { type: 'bool' }
export const oneOf = (values: readonly string[]): FieldSpec => ({ type: 'enum', values })
export const str = (maxLength = 128): FieldSpec => ({ type: 'string', maxLength })
export const idStr: FieldSpec = { type: 'string', maxLength: 64, id: true }
export const required = (spec: FieldSpec): FieldSpec => ({ ...spec, required: true })

export function compileScalar(spec: Exclude<FieldSpec, { type: 'object' }>): ScalarCheck {
  switch (spec.type) {
    case 'int': {
      const { min, max } = spec
      return (v) => (typeof v !== 'number' || !Number.isInteger(v) ? 'wrong-type' : v < min || v > max ? 'out-of-range' : null)
    }
    case 'number': {
      const { min, max } = spec
      return (v) => (typeof v !== 'number' || !Number.isFinite(v) ? 'wrong-type' : v < min || v > max ? 'out-of-range' : null)
    }
    case 'bool':
      return (v) => (typeof v === 'boolean' ? null : 'wrong-type')
    case 'enum': {
      const allowed = new Set(spec.values)
      // A value outside the list is "out of range": the type (a name) is right, the value is not.
      return (v) => (typeof v !== 'string' ? 'wrong-type' : allowed.has(v) ? null : 'out-of-range')
    }
    case 'string': {
      const { maxLength, id } = spec
      return (v) =>
        typeof v !== 'string' ? 'wrong-type' : v.length > maxLength || (id === true && !ID_REGEX.test(v)) ? 'out-of-range' : null
    }
  }
}

/** A compiled nested object: its members, checked and flattened under `prefix.`. */
export interface CompiledObject {
  readonly members: ReadonlyMap<string, CompiledField>
  readonly required: readonly string[]
}
export type CompiledField =
  | { readonly kind: 'scalar'; readonly key: string; readonly check: ScalarCheck; readonly spec: FieldSpec }
  | { readonly kind: 'object'; readonly key: string; readonly object: CompiledObject }

/** Compiles specs into a lookup map; `prefix` makes the flat output key (`credential.token`). */
export function compileObject(specs: FieldSpecs, prefix = ''): CompiledObject {
  const members = new Map<string, CompiledField>()
  const req: string[] = []
  for (const [name, spec] of Object.entries(specs)) {
    const key = prefix + name
    if (spec.required === true) req.push(name)
    members.set(
      name,
      spec.type === 'object'
        ? { kind: 'object', key, object: compileObject(spec.fields, key + '.') }
        : { kind: 'scalar', key, check: compileScalar(spec), spec },
    )
  }
  return { members, required: req }
}

export function describe(spec: FieldSpec): string {
  switch (spec.type) {
    case 'int':
    case 'number':
      return `${spec.type} ${spec.min}..${spec.max === Number.MAX_SAFE_INTEGER || spec.max === Number.MAX_VALUE ? '' : spec.max}`
    case 'bool':
      return 'boolean'
    case 'enum':
      return `one of ${spec.values.join('|')}`
    case 'string':
      return spec.id === true ? 'an id' : `string (at most ${spec.maxLength} characters)`
    case 'object':
      return 'object'
  }
}
