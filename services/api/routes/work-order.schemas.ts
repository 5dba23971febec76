// Schemas of the work-order, shift and notification routes (CONTRACT.md §3 work orders, duty).
import { Type } from 'typebox'
import { SKILLS } from '../../core/model.js'
import { NOTIFICATION_KINDS } from '../../core/work-orders/duty.js'
import { BREACH_KINDS, MANUAL_SOURCES, WORK_ORDER_SOURCES, WORK_ORDER_STATUSES } from '../../core/work-orders/work-order.js'
import { Nullable, StringEnum, Timestamp } from '../schemas.js'

const NullableTime = Nullable(Timestamp)

export const HistoryEntry = Type.Object({
  at: Timestamp, actor: Type.String(), action: Type.String(), from: Nullable(Type.String()), to: Type.String(), note: Nullable(Type.String()),
})
export const Attachment = Type.Object({
  id: Type.String(), workOrderId: Type.String(), filename: Type.String(), contentType: Type.String(), size: Type.Integer(),
  uploadedBy: Type.String(), uploadedAt: Timestamp,
})

// Partial like the Alarm schema: it documents the object without failing a reply over a field.
export const WorkOrder = Type.Partial(Type.Object({
  id: Type.String(), siteId: Type.String(), deviceId: Nullable(Type.String()), alarmId: Nullable(Type.String()), ruleId: Nullable(Type.String()),
  title: Type.String(), description: Nullable(Type.String()), priority: Type.Integer({ minimum: 1, maximum: 4 }), skill: StringEnum(SKILLS),
  source: StringEnum(WORK_ORDER_SOURCES), status: StringEnum(WORK_ORDER_STATUSES), assignee: Nullable(Type.String()),
  escalationLevel: Type.Integer({ minimum: 0, maximum: 2, description: '0 front line, 1 supervisor tier L2, 2 manager tier L1' }),
  drill: Type.Boolean(),
  dueIntakeBy: NullableTime, dueAcceptBy: NullableTime, dueArriveBy: NullableTime, dueSpecialistArriveBy: NullableTime, dueResolveBy: NullableTime,
  appointmentAt: NullableTime, createdAt: Timestamp, createdBy: Type.String(), updatedAt: Timestamp,
  assignedAt: NullableTime, acceptedAt: NullableTime, arrivedAt: NullableTime, startedAt: NullableTime, completedAt: NullableTime,
  verifiedAt: NullableTime, closedAt: NullableTime, cancelledAt: NullableTime, result: Nullable(Type.String()),
  rejectedBy: Type.Array(Type.String()),
  breaches: Type.Array(Type.Object({ kind: StringEnum(BREACH_KINDS), dueAt: Timestamp, at: Timestamp, level: Type.Integer() })),
  attachments: Type.Array(Attachment),
  history: Type.Array(HistoryEntry),
}))

export const NewWorkOrder = Type.Object({
  siteId: Type.String({ minLength: 1, maxLength: 64 }),
  deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 4000 })),
  priority: Type.Integer({ minimum: 1, maximum: 4 }),
  skill: StringEnum(SKILLS),
  source: StringEnum(MANUAL_SOURCES, { description: 'complaint: 2 h intake / 24 h response / 72 h resolution clocks; appointment: arrival due at appointmentAt' }),
  appointmentAt: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Integer()], { description: 'ISO 8601 or epoch ms' })),
  drill: Type.Optional(Type.Boolean({ description: 'a drill (DOMAIN.md §1 #15, #33): runs the whole flow, marked as a drill, kept out of the KPIs, listed in GET /reports/drills' })),
}, { additionalProperties: false })

export const WorkOrderQuery = Type.Object({
  status: Type.Optional(Type.String({ description: 'a status, a comma-separated list, `open` (created … completed) or `all` (default)', maxLength: 200 })),
  siteId: Type.Optional(Type.String({ maxLength: 64 })),
  assignee: Type.Optional(Type.String({ maxLength: 64 })),
  alarmId: Type.Optional(Type.String({ maxLength: 128 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, description: 'default 100, clamped to 1000' })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
})

export const Reason = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false })
export const OptionalNote = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })
export const Assign = Type.Object({ assignee: Type.String({ minLength: 1, maxLength: 64 }), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false })
export const Complete = Type.Object({ result: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false })

export const Shift = Type.Object({ id: Type.String(), username: Type.String(), startedAt: Timestamp, endedAt: NullableTime })

export const Notification = Type.Object({
  id: Type.String(), to: Type.String(), kind: StringEnum(NOTIFICATION_KINDS), subject: Type.String(), at: Timestamp,
  createdAt: Timestamp, workOrderId: Nullable(Type.String()), siteId: Nullable(Type.String()), priority: Nullable(Type.Integer()),
  level: Type.Integer(), sentCount: Type.Integer(), ackedAt: NullableTime, ackedBy: Nullable(Type.String()),
})
