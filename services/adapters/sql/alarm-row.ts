// Alarm <-> row mapping, kept apart from the queries so alarms.repo.ts stays about the queries.
import type { Insertable, Selectable } from 'kysely'
import type { DeviceType } from '../../core/device-types.js'
import type { Alarm, AlarmHistoryEntry, AlarmState, Priority } from '../../core/model.js'
import { fromBool, fromJson, iso, isoOrNull, toBool, toJson } from './codec.js'
import type { AlarmHistoryTable, AlarmsTable } from './schema.js'

export function toAlarmRow(a: Alarm): Selectable<AlarmsTable> {
  return {
    id: a.id,
    site_id: a.siteId,
    device_id: a.deviceId,
    device_type: a.deviceType,
    rule_id: a.ruleId,
    priority: a.priority,
    title: a.title,
    active: toBool(a.active),
    acked: toBool(a.acked),
    state: a.state,
    shelved_until: isoOrNull(a.shelvedUntil),
    chattering: toBool(a.chattering),
    emergency_id: a.emergencyId,
    raised_at: iso(a.raisedAt),
    acked_at: isoOrNull(a.ackedAt),
    acked_by: a.ackedBy,
    cleared_at: isoOrNull(a.clearedAt),
    occurrences: a.occurrences,
    work_order_ids: toJson(a.workOrderIds),
    drill: toBool(a.drill),
    oos_work_order_id: a.outOfServiceWorkOrderId ?? null,
  }
}

export function fromAlarmRow(r: Selectable<AlarmsTable>): Alarm {
  return {
    id: r.id,
    siteId: r.site_id,
    deviceId: r.device_id,
    deviceType: r.device_type as DeviceType,
    ruleId: r.rule_id,
    priority: Number(r.priority) as Priority,
    title: r.title,
    active: fromBool(r.active),
    acked: fromBool(r.acked),
    state: r.state as AlarmState,
    shelvedUntil: r.shelved_until,
    chattering: fromBool(r.chattering),
    emergencyId: r.emergency_id,
    raisedAt: r.raised_at,
    ackedAt: r.acked_at,
    ackedBy: r.acked_by,
    clearedAt: r.cleared_at,
    occurrences: Number(r.occurrences),
    workOrderIds: fromJson<string[]>(r.work_order_ids, []),
    drill: fromBool(r.drill),
    // Only while out of service: the alarm object of CONTRACT.md §3 is unchanged otherwise.
    ...(r.oos_work_order_id ? { outOfServiceWorkOrderId: r.oos_work_order_id } : {}),
  }
}

export const toHistoryRow = (alarmId: string, e: AlarmHistoryEntry): Insertable<AlarmHistoryTable> => ({
  alarm_id: alarmId,
  at: iso(e.at),
  actor: e.actor,
  action: e.action,
  from_state: e.from,
  to_state: e.to,
  note: e.note,
})

export const fromHistoryRow = (r: Selectable<AlarmHistoryTable>): AlarmHistoryEntry => ({
  at: r.at,
  actor: r.actor,
  action: r.action,
  from: r.from_state as AlarmState | null,
  to: r.to_state as AlarmState,
  note: r.note,
})
