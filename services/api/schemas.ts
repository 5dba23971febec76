// Request and response schemas (TypeBox → JSON Schema → validation and the OpenAPI document).
// Response schemas of objects other services own (alarms, live state) are partial on purpose:
// they document the fields without letting the serializer fail a request over a missing one.
import { Type, type TSchema } from 'typebox'
import { ALARM_STATES, PERMISSIONS, ROLES, SKILLS } from '../core/model.js'
import { DEVICE_TYPES, ID_PATTERN } from '../core/device-types.js'
import { ERRORS, type ErrorCode } from '../core/errors.js'

export const StringEnum = <T extends string>(values: readonly T[], opts: Record<string, unknown> = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...opts })

export const Id = Type.String({ pattern: ID_PATTERN, description: 'site or device id' })
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 UTC' })
export const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()])

const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[]
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: StringEnum(ERROR_CODES),
      message: Type.String(),
      details: Type.Optional(Type.Unknown()),
    }),
  },
  {
    title: 'ErrorResponse',
    description: `Every error (CONTRACT.md §3). Codes: ${ERROR_CODES.map((c) => `${c} (${ERRORS[c].status}): ${ERRORS[c].doc}`).join('; ')}`,
  },
)

/** Error responses of a route, by status, each listing the catalog codes it can carry. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {}
  for (const status of [...new Set([...statuses, 500])]) {
    const codes = ERROR_CODES.filter((c) => ERRORS[c].status === status)
    out[status] = { ...ErrorResponse, description: codes.map((c) => `${c}: ${ERRORS[c].doc}`).join(' ') || 'error' }
  }
  return out
}

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, description: 'default 100, clamped to 1000' })),
  cursor: Type.Optional(Type.String({ maxLength: 512, description: 'the `next` of the previous page' })),
}
export const Page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), next: Nullable(Type.String()) })

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) })

export const Role = StringEnum(ROLES)
export const User = Type.Object({
  username: Type.String(),
  role: Role,
  displayName: Type.String(),
  skills: Type.Array(StringEnum(SKILLS)),
  siteIds: Type.Array(Type.String()),
  permissions: Type.Array(StringEnum(PERMISSIONS)),
  createdAt: Timestamp,
})
export const NewUser = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64, description: '^[a-z0-9][a-z0-9._-]{1,63}$' }),
    password: Type.String({ minLength: 1, maxLength: 1024, description: 'at least 8 characters' }),
    role: Role,
    displayName: Type.String({ minLength: 1, maxLength: 200 }),
    skills: Type.Optional(Type.Array(StringEnum(SKILLS), { maxItems: 6 })),
    siteIds: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
    permissions: Type.Optional(Type.Array(StringEnum(PERMISSIONS))),
  },
  { additionalProperties: false },
)

export const Site = Type.Object({
  id: Type.String(), name: Type.String(), timezone: Type.String(), createdAt: Timestamp, updatedAt: Timestamp,
  settings: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: '`sla`: the SLA overrides (PATCH /sites/{id})' })),
})
export const NewSite = Type.Object(
  { id: Id, name: Type.String({ minLength: 1, maxLength: 200 }), timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, default UTC' })) },
  { additionalProperties: false },
)
export const SitePatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    sla: Type.Optional(Type.Record(Type.String(), Type.Unknown(), {
      description: 'SLA overrides (DOMAIN.md §2), minutes: {"P1": {"acceptMin", "arriveMin", "resolveMin"}, …, "tiers": {"core"|"service"|"outer": {…}}, "complaint": {"intakeMin", "acceptMin", "resolveMin"}}',
    })),
  },
  { additionalProperties: false },
)

const FreeObject = Type.Record(Type.String(), Type.Unknown())
export const Location = Type.Object(
  { building: Type.String({ minLength: 1, maxLength: 100 }), floor: Type.Integer({ minimum: -9, maximum: 200 }), zone: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
  { additionalProperties: false },
)
/** The ledger (CONTRACT.md §3 devices): known keys are typed, unknown keys kept as they are. */
export const Attributes = Type.Object(
  {
    model: Type.Optional(Type.String()),
    manufacturer: Type.Optional(Type.String()),
    installedAt: Type.Optional(Type.String({ format: 'date' })),
    maintenanceUnit: Type.Optional(Type.String()),
    certificateExpiry: Type.Optional(Type.String({ format: 'date' })),
    ratedSpeed: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 20 })),
    ratedLoad: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    homeFloor: Type.Optional(Type.Integer({ minimum: -9, maximum: 200 })),
    ratedA: Type.Optional(Type.Union([Type.Number({ exclusiveMinimum: 0 }), Type.Record(Type.String(), Type.Number({ exclusiveMinimum: 0 }))], { description: 'one value, or per pump id' })),
    doorType: Type.Optional(StringEnum(['NC', 'NO'] as const)),
    requiredLevel: Type.Optional(Type.Integer({ minimum: 0, maximum: 4 })),
    perimeter: Type.Optional(Type.Boolean()),
    evacuationRoute: Type.Optional(Type.Boolean()),
    heldOpenSec: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86400 })),
    distanceTier: Type.Optional(StringEnum(['core', 'service', 'outer'] as const, { description: 'DOMAIN.md §1 #18 distance tier' })),
  },
  { additionalProperties: true },
)
export const NewDevice = Type.Object(
  { id: Id, siteId: Id, type: StringEnum(DEVICE_TYPES), name: Type.String({ minLength: 1, maxLength: 200 }), location: Location, attributes: Type.Optional(Attributes) },
  { additionalProperties: false },
)
export const DevicePatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    location: Type.Optional(Location),
    attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'merged key by key; null removes a key' })),
  },
  { additionalProperties: false },
)
const deviceFields = {
  id: Type.String(), siteId: Type.String(), type: StringEnum(DEVICE_TYPES), name: Type.String(),
  location: Type.Object({ building: Type.String(), floor: Type.Integer(), zone: Type.Optional(Type.String()) }),
  attributes: FreeObject, createdAt: Timestamp, updatedAt: Timestamp,
}
export const Device = Type.Object(deviceFields)
export const DeviceView = Type.Object({
  ...deviceFields,
  online: Type.Boolean(),
  stale: Type.Boolean(),
  lastSeen: Nullable(Timestamp),
  state: Type.Record(Type.String(), Type.Unknown(), { description: 'latest value of every field, flat (`pumps.P1.running`)' }),
})
export const DeviceWithSecret = Type.Object({ ...deviceFields, secret: Type.String({ description: 'MQTT password; shown once' }) })

export const DeviceLive = Type.Partial(Type.Object({
  deviceId: Type.String(), siteId: Type.String(), type: StringEnum(DEVICE_TYPES), online: Type.Boolean(), stale: Type.Boolean(),
  lastSeen: Nullable(Timestamp), state: FreeObject,
}))

export const Alarm = Type.Partial(Type.Object({
  id: Type.String(), siteId: Type.String(), deviceId: Type.String(), deviceType: StringEnum(DEVICE_TYPES), ruleId: Type.String(),
  priority: Type.Integer({ minimum: 1, maximum: 4 }), title: Type.String(), active: Type.Boolean(), acked: Type.Boolean(),
  state: StringEnum(ALARM_STATES), shelvedUntil: Nullable(Timestamp), chattering: Type.Boolean(), emergencyId: Nullable(Type.String()),
  raisedAt: Timestamp, ackedAt: Nullable(Timestamp), ackedBy: Nullable(Type.String()), clearedAt: Nullable(Timestamp),
  occurrences: Type.Integer(), workOrderIds: Type.Array(Type.String()), drill: Type.Boolean(),
  outOfServiceWorkOrderId: Nullable(Type.String({ description: 'the work order an out-of-service alarm is tied to; absent otherwise' })),
  history: Type.Array(Type.Object({
    at: Timestamp, actor: Type.String(), action: Type.String(), from: Nullable(Type.String()), to: Type.String(), note: Nullable(Type.String()),
  })),
}))

export const FloodStatus = Type.Object({
  siteId: Type.String(), active: Type.Boolean(), since: Nullable(Timestamp),
  count: Type.Integer({ description: 'new annunciated alarms in the last 10 min' }),
})

export const RuleInfo = Type.Partial(Type.Object({
  id: Type.String(), title: Type.String(), deviceType: StringEnum(DEVICE_TYPES), priority: Type.Integer(),
  params: Type.Record(Type.String(), Type.Number()),
}))
export const EffectiveRule = Type.Partial(Type.Object({
  id: Type.String(), title: Type.String(), deviceType: StringEnum(DEVICE_TYPES), priority: Type.Integer(), latched: Type.Boolean(),
  params: Type.Record(Type.String(), Type.Number()), enabled: Type.Boolean(),
  override: Nullable(Type.Partial(Type.Object({
    scope: StringEnum(['site', 'device'] as const), scopeId: Type.String(), ruleId: Type.String(), enabled: Nullable(Type.Boolean()),
    params: Type.Record(Type.String(), Type.Number()), updatedAt: Timestamp, updatedBy: Type.String(),
  }))),
}))
export const RulePatch = Type.Object(
  { enabled: Type.Optional(Type.Boolean()), params: Type.Optional(Type.Record(Type.String(), Type.Number())) },
  { additionalProperties: false },
)
export const Rejection = Type.Partial(Type.Object({
  id: Type.Integer(), at: Timestamp, topic: Type.String(), deviceId: Nullable(Type.String()), siteId: Nullable(Type.String()),
  reason: Type.String(), message: Type.String(), payload: Type.String(),
}))
