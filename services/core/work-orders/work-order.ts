// The work order as the API shows it (CONTRACT.md §3 "Work order object"; DOMAIN.md §5).
// Timestamps are ISO 8601 UTC strings; person fields hold usernames.
import type { Priority, Skill } from '../model.js'

export const WORK_ORDER_STATUSES = [
  'created', 'assigned', 'accepted', 'on-site', 'in-progress', 'on-hold', 'completed', 'verified', 'closed', 'cancelled',
] as const
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number]

/**
 * Statuses in which a work order still counts as the open one of its (device, rule, skill): a fault
 * that comes back after sign-off (verified) deserves a new work order, one that comes back while the
 * repair is under way does not (DOMAIN.md §5 "dedupe: one open WO per (assetId, ruleId)").
 */
export const OPEN_STATUSES: readonly WorkOrderStatus[] = ['created', 'assigned', 'accepted', 'on-site', 'in-progress', 'on-hold', 'completed']
/** Statuses in which the assignee is busy with it: "least open work orders" counts these (DOMAIN.md §5 dispatch). */
export const WORKLOAD_STATUSES: readonly WorkOrderStatus[] = ['assigned', 'accepted', 'on-site', 'in-progress', 'on-hold']

export const isOpenStatus = (s: WorkOrderStatus): boolean => OPEN_STATUSES.includes(s)

/** Where a work order came from (DOMAIN.md §1 #16, #24, #37): `rule` only from an alarm. */
export const WORK_ORDER_SOURCES = ['rule', 'phone', 'app', 'complaint', 'appointment', 'operator', 'preventive', 'return-visit'] as const
export type WorkOrderSource = (typeof WORK_ORDER_SOURCES)[number]
export const MANUAL_SOURCES = WORK_ORDER_SOURCES.filter((s) => s !== 'rule')

export const WORK_ORDER_ACTIONS = [
  'assign', 'accept', 'reject', 'arrive', 'start', 'hold', 'resume', 'complete', 'verify', 'reopen', 'cancel', 'close',
] as const
export type WorkOrderAction = (typeof WORK_ORDER_ACTIONS)[number]

/** The SLA checkpoints of DOMAIN.md §2 and §6 a work order can breach. */
export const BREACH_KINDS = ['intake', 'ack', 'accept', 'arrive', 'arrive-specialist', 'resolve', 'resolve-l1'] as const
export type BreachKind = (typeof BREACH_KINDS)[number]

export interface Breach {
  kind: BreachKind
  /** The deadline that passed. */
  dueAt: string
  /** When Vigil noticed (equal to dueAt unless Vigil was down at the time). */
  at: string
  /** The escalation level the breach raised the work order to (0-2). */
  level: EscalationLevel
}

/** CONTRACT.md §3: 0 front line (L3), 1 supervisor tier L2, 2 manager tier L1 (DOMAIN.md §6). */
export type EscalationLevel = 0 | 1 | 2

export interface WorkOrderHistoryEntry {
  at: string
  actor: string
  action: string
  from: WorkOrderStatus | null
  to: WorkOrderStatus
  note: string | null
}

export interface WorkOrderAttachment {
  id: string
  workOrderId: string
  filename: string
  contentType: string
  size: number
  uploadedBy: string
  uploadedAt: string
}

export interface WorkOrder {
  id: string
  siteId: string
  deviceId: string | null
  alarmId: string | null
  ruleId: string | null
  title: string
  description: string | null
  priority: Priority
  skill: Skill
  source: WorkOrderSource
  status: WorkOrderStatus
  assignee: string | null
  escalationLevel: EscalationLevel
  drill: boolean
  /** Complaints only: someone responsible named within 2 h (DOMAIN.md §1 #42). */
  dueIntakeBy: string | null
  dueAcceptBy: string | null
  dueArriveBy: string | null
  /** P1: the specialist (maintenance unit) on site, 30 min (DOMAIN.md §2 [R:TSG-T5002]); L1 when missed. */
  dueSpecialistArriveBy: string | null
  dueResolveBy: string | null
  appointmentAt: string | null
  createdAt: string
  createdBy: string
  updatedAt: string
  assignedAt: string | null
  acceptedAt: string | null
  arrivedAt: string | null
  startedAt: string | null
  completedAt: string | null
  verifiedAt: string | null
  closedAt: string | null
  cancelledAt: string | null
  result: string | null
  /** Everyone who rejected it: never dispatched to them again (DOMAIN.md §5 ASSIGNED → CREATED). */
  rejectedBy: string[]
  breaches: Breach[]
  attachments: WorkOrderAttachment[]
  history?: WorkOrderHistoryEntry[]
}
