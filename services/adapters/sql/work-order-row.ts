// WorkOrder <-> row mapping, kept apart from the queries (as alarm-row.ts does for alarms).
import type { Insertable, Selectable } from 'kysely'
import type { Priority, Skill } from '../../core/model.js'
import type { StoredAttachment } from '../../core/ports.js'
import {
  isOpenStatus, type Breach, type EscalationLevel, type WorkOrder, type WorkOrderHistoryEntry, type WorkOrderSource, type WorkOrderStatus,
} from '../../core/work-orders/work-order.js'
import { fromBool, fromJson, isoOrNull, toBool, toJson, toNum } from './codec.js'
import type { WorkOrderAttachmentsTable, WorkOrderHistoryTable, WorkOrdersTable } from './schema.js'

/** Only rule work orders are deduplicated; manual ones may repeat (two residents call about one lift). */
export const openKeyOf = (wo: WorkOrder): string | null =>
  wo.ruleId !== null && wo.deviceId !== null && isOpenStatus(wo.status) ? `${wo.deviceId}|${wo.ruleId}|${wo.skill}` : null

export function toWorkOrderRow(wo: WorkOrder): Selectable<WorkOrdersTable> {
  return {
    id: wo.id,
    site_id: wo.siteId,
    device_id: wo.deviceId,
    alarm_id: wo.alarmId,
    rule_id: wo.ruleId,
    title: wo.title,
    description: wo.description,
    priority: wo.priority,
    skill: wo.skill,
    source: wo.source,
    status: wo.status,
    assignee: wo.assignee,
    escalation_level: wo.escalationLevel,
    drill: toBool(wo.drill),
    due_intake_by: isoOrNull(wo.dueIntakeBy),
    due_accept_by: isoOrNull(wo.dueAcceptBy),
    due_arrive_by: isoOrNull(wo.dueArriveBy),
    due_specialist_arrive_by: isoOrNull(wo.dueSpecialistArriveBy),
    due_resolve_by: isoOrNull(wo.dueResolveBy),
    appointment_at: isoOrNull(wo.appointmentAt),
    created_at: wo.createdAt,
    created_by: wo.createdBy,
    updated_at: wo.updatedAt,
    assigned_at: wo.assignedAt,
    accepted_at: wo.acceptedAt,
    arrived_at: wo.arrivedAt,
    started_at: wo.startedAt,
    completed_at: wo.completedAt,
    verified_at: wo.verifiedAt,
    closed_at: wo.closedAt,
    cancelled_at: wo.cancelledAt,
    result: wo.result,
    rejected_by: toJson(wo.rejectedBy),
    breaches: toJson(wo.breaches),
    open_key: openKeyOf(wo),
  }
}

export function fromWorkOrderRow(r: Selectable<WorkOrdersTable>): WorkOrder {
  return {
    id: r.id,
    siteId: r.site_id,
    deviceId: r.device_id,
    alarmId: r.alarm_id,
    ruleId: r.rule_id,
    title: r.title,
    description: r.description,
    priority: Number(r.priority) as Priority,
    skill: r.skill as Skill,
    source: r.source as WorkOrderSource,
    status: r.status as WorkOrderStatus,
    assignee: r.assignee,
    escalationLevel: Number(r.escalation_level) as EscalationLevel,
    drill: fromBool(r.drill),
    dueIntakeBy: r.due_intake_by,
    dueAcceptBy: r.due_accept_by,
    dueArriveBy: r.due_arrive_by,
    dueSpecialistArriveBy: r.due_specialist_arrive_by,
    dueResolveBy: r.due_resolve_by,
    appointmentAt: r.appointment_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    assignedAt: r.assigned_at,
    acceptedAt: r.accepted_at,
    arrivedAt: r.arrived_at,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    verifiedAt: r.verified_at,
    closedAt: r.closed_at,
    cancelledAt: r.cancelled_at,
    result: r.result,
    rejectedBy: fromJson<string[]>(r.rejected_by, []),
    breaches: fromJson<Breach[]>(r.breaches, []),
    attachments: [],
  }
}

export const toWoHistoryRow = (workOrderId: string, e: WorkOrderHistoryEntry): Insertable<WorkOrderHistoryTable> => ({
  work_order_id: workOrderId, at: e.at, actor: e.actor, action: e.action, from_status: e.from, to_status: e.to, note: e.note,
})

export const fromWoHistoryRow = (r: Selectable<WorkOrderHistoryTable>): WorkOrderHistoryEntry => ({
  at: r.at, actor: r.actor, action: r.action, from: r.from_status as WorkOrderStatus | null, to: r.to_status as WorkOrderStatus, note: r.note,
})

export const toAttachmentRow = (a: StoredAttachment): Selectable<WorkOrderAttachmentsTable> => ({
  id: a.id, work_order_id: a.workOrderId, filename: a.filename, content_type: a.contentType, size: a.size,
  uploaded_by: a.uploadedBy, uploaded_at: a.uploadedAt, path: a.path,
})

export const fromAttachmentRow = (r: Selectable<WorkOrderAttachmentsTable>): StoredAttachment => ({
  id: r.id, workOrderId: r.work_order_id, filename: r.filename, contentType: r.content_type, size: toNum(r.size),
  uploadedBy: r.uploaded_by, uploadedAt: r.uploaded_at, path: r.path,
})
