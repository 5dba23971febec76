// The work-order state machine of DOMAIN.md §5 with every guard. Pure: the service loads the work
// order, applies one input here, and commits the result with its history entry (append-only).
import type { ErrorCode } from '../errors.js'
import type { Role } from '../model.js'
import type { WorkOrder, WorkOrderAction, WorkOrderHistoryEntry, WorkOrderStatus } from './work-order.js'

/** Who acts: a person with a role, or Vigil itself (auto-dispatch, timers). */
export type Actor = { username: string; role: Role } | { username: 'system'; role: 'system' }
export const SYSTEM: Actor = { username: 'system', role: 'system' }

export type WorkOrderInput =
  | { action: 'assign'; assignee: string; note?: string | null }
  | { action: 'accept' | 'arrive' | 'start' | 'resume' | 'verify' | 'close'; note?: string | null }
  | { action: 'reject' | 'hold' | 'reopen' | 'cancel'; reason: string }
  /** `photos`: how many photo attachments the work order has (DOMAIN.md §5 COMPLETED: ≥1 photo + result). */
  | { action: 'complete'; result: string; photos: number }

/** from → to of each action (DOMAIN.md §5 transition table). */
export const TRANSITIONS: Readonly<Record<WorkOrderAction, { from: readonly WorkOrderStatus[]; to: WorkOrderStatus }>> = {
  // Re-assigning before acceptance is the operator correcting dispatch.
  assign: { from: ['created', 'assigned'], to: 'assigned' },
  accept: { from: ['assigned'], to: 'accepted' },
  reject: { from: ['assigned'], to: 'created' },
  arrive: { from: ['accepted'], to: 'on-site' },
  start: { from: ['on-site'], to: 'in-progress' },
  hold: { from: ['in-progress'], to: 'on-hold' },
  resume: { from: ['on-hold'], to: 'in-progress' },
  complete: { from: ['in-progress'], to: 'completed' },
  verify: { from: ['completed'], to: 'verified' },
  // "sign-off rejected": back to the repair, with a reason.
  reopen: { from: ['completed'], to: 'in-progress' },
  // CREATED…IN_PROGRESS → CANCELLED; on-hold is part of the repair phase (the ⇄ with in-progress).
  cancel: { from: ['created', 'assigned', 'accepted', 'on-site', 'in-progress', 'on-hold'], to: 'cancelled' },
  // VERIFIED → CLOSED by the return visit (issue #4 part 2 records the visit).
  close: { from: ['verified'], to: 'closed' },
}

/** Actions only the assignee does (an engineer acts only on their own work orders, CONTRACT.md §3). */
const FIELD_ACTIONS: readonly WorkOrderAction[] = ['accept', 'reject', 'arrive', 'start', 'hold', 'resume', 'complete']
const SUPERVISOR_ROLES: readonly string[] = ['admin', 'manager', 'supervisor', 'system']
const CONTROL_ROOM_ROLES: readonly string[] = ['admin', 'manager', 'supervisor', 'operator', 'system']

export type TransitionResult =
  | { ok: true; workOrder: WorkOrder; entry: WorkOrderHistoryEntry }
  | { ok: false; code: ErrorCode; message: string }

const fail = (code: ErrorCode, message: string): TransitionResult => ({ ok: false, code, message })

function refusal(wo: WorkOrder, input: WorkOrderInput, actor: Actor): TransitionResult | null {
  const { action } = input
  const isFieldWorker = FIELD_ACTIONS.includes(action) && !SUPERVISOR_ROLES.includes(actor.role)
  if (isFieldWorker && actor.role !== 'engineer') return fail('FORBIDDEN', `role ${actor.role} may not ${action} a work order`)
  if ((action === 'verify' || action === 'reopen' || action === 'cancel' || action === 'close') && !SUPERVISOR_ROLES.includes(actor.role)) {
    return fail('FORBIDDEN', `only a supervisor, manager or admin may ${action} a work order`)
  }
  if (action === 'assign' && !CONTROL_ROOM_ROLES.includes(actor.role)) return fail('FORBIDDEN', `role ${actor.role} may not assign work orders`)
  const t = TRANSITIONS[action]
  if (!t.from.includes(wo.status)) {
    return fail('WORK_ORDER_TRANSITION_NOT_ALLOWED', `cannot ${action} a work order that is ${wo.status}`)
  }
  // Supervisors and up may act on the assignee's behalf (recorded as themselves in the history).
  if (isFieldWorker && wo.assignee !== actor.username) return fail('WORK_ORDER_NOT_YOURS', `work order ${wo.id} is not assigned to ${actor.username}`)
  if (action === 'hold' && wo.priority === 1) return fail('WORK_ORDER_P1_NO_HOLD', 'a priority-1 work order cannot be put on hold (DOMAIN.md §5)')
  if ('reason' in input && input.reason.trim() === '') return fail('VALIDATION_FAILED', `${action} needs a reason`)
  if (input.action === 'assign' && input.assignee.trim() === '') return fail('VALIDATION_FAILED', 'assign needs an assignee')
  if (input.action === 'complete') {
    if (input.result.trim() === '') return fail('VALIDATION_FAILED', 'complete needs a result')
    if (input.photos < 1) return fail('WORK_ORDER_PHOTO_REQUIRED', 'complete needs at least one photo attachment (DOMAIN.md §5, S2 #19)')
  }
  return null
}

/** Applies one action at `at` (epoch ms). The history entry carries the reason or note. */
export function transitionWorkOrder(wo: WorkOrder, input: WorkOrderInput, actor: Actor, at: number): TransitionResult {
  const refused = refusal(wo, input, actor)
  if (refused) return refused
  const iso = new Date(at).toISOString()
  const to = TRANSITIONS[input.action].to
  const next: WorkOrder = { ...wo, status: to, updatedAt: iso }
  let note: string | null = 'note' in input ? (input.note ?? null) : 'reason' in input ? input.reason : null
  switch (input.action) {
    case 'assign':
      next.assignee = input.assignee
      next.assignedAt = iso
      note = note === null ? `assigned to ${input.assignee}` : `assigned to ${input.assignee}: ${note}`
      break
    case 'accept': next.acceptedAt = iso; break
    case 'reject':
      // The rejecter is excluded from re-dispatch; whoever acts, it is the assignee who declined.
      if (wo.assignee !== null && !next.rejectedBy.includes(wo.assignee)) next.rejectedBy = [...wo.rejectedBy, wo.assignee]
      next.assignee = null
      next.assignedAt = null
      break
    case 'arrive': next.arrivedAt = iso; break
    case 'start': next.startedAt ??= iso; break
    case 'hold': case 'resume': break
    case 'complete':
      next.completedAt = iso
      next.result = input.result
      note = input.result
      break
    case 'verify': next.verifiedAt = iso; break
    case 'reopen': next.completedAt = null; break
    case 'cancel': next.cancelledAt = iso; break
    case 'close': next.closedAt = iso; break
  }
  return { ok: true, workOrder: next, entry: { at: iso, actor: actor.username, action: input.action, from: wo.status, to, note } }
}

/** A history entry that does not change the status (breach, escalation, notification). */
export function noteEntry(wo: WorkOrder, action: string, note: string, at: number, actor = 'system'): WorkOrderHistoryEntry {
  return { at: new Date(at).toISOString(), actor, action, from: wo.status, to: wo.status, note }
}
