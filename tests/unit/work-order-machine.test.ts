// The work-order state machine of DOMAIN.md §5: every action from every status, allowed or
// refused, and every guard.
import { describe, expect, it } from 'vitest'
import { SYSTEM, TRANSITIONS, transitionWorkOrder, type Actor, type WorkOrderInput } from '../../services/core/work-orders/work-order-machine.js'
import { WORK_ORDER_STATUSES, type WorkOrder, type WorkOrderAction, type WorkOrderStatus } from '../../services/core/work-orders/work-order.js'

const T = Date.UTC(2026, 0, 1, 8)
const li: Actor = { username: 'li', role: 'engineer' }
const boss: Actor = { username: 'sup', role: 'supervisor' }

function wo(status: WorkOrderStatus, extra: Partial<WorkOrder> = {}): WorkOrder {
  return {
    id: 'wo-1', siteId: 'S1', deviceId: 'EL-1', alarmId: null, ruleId: null, title: 'Lift stuck', description: null, priority: 2,
    skill: 'ELEVATOR', source: 'phone', status, assignee: status === 'created' ? null : 'li', escalationLevel: 0, drill: false,
    dueIntakeBy: null, dueAcceptBy: null, dueArriveBy: null, dueSpecialistArriveBy: null, dueResolveBy: null, appointmentAt: null,
    createdAt: new Date(T).toISOString(), createdBy: 'op', updatedAt: new Date(T).toISOString(), assignedAt: null, acceptedAt: null,
    arrivedAt: null, startedAt: null, completedAt: null, verifiedAt: null, closedAt: null, cancelledAt: null, result: null,
    rejectedBy: [], breaches: [], attachments: [], ...extra,
  }
}

const inputs: Record<WorkOrderAction, WorkOrderInput> = {
  assign: { action: 'assign', assignee: 'li' },
  accept: { action: 'accept' },
  reject: { action: 'reject', reason: 'not my trade' },
  arrive: { action: 'arrive' },
  start: { action: 'start' },
  hold: { action: 'hold', reason: 'waiting for parts' },
  resume: { action: 'resume' },
  complete: { action: 'complete', result: 'replaced relay', photos: 1 },
  verify: { action: 'verify' },
  reopen: { action: 'reopen', reason: 'still noisy' },
  cancel: { action: 'cancel', reason: 'duplicate' },
  close: { action: 'close' },
}

const EXPECTED: Record<WorkOrderAction, [from: WorkOrderStatus[], to: WorkOrderStatus]> = {
  assign: [['created', 'assigned'], 'assigned'],
  accept: [['assigned'], 'accepted'],
  reject: [['assigned'], 'created'],
  arrive: [['accepted'], 'on-site'],
  start: [['on-site'], 'in-progress'],
  hold: [['in-progress'], 'on-hold'],
  resume: [['on-hold'], 'in-progress'],
  complete: [['in-progress'], 'completed'],
  verify: [['completed'], 'verified'],
  reopen: [['completed'], 'in-progress'],
  cancel: [['created', 'assigned', 'accepted', 'on-site', 'in-progress', 'on-hold'], 'cancelled'],
  close: [['verified'], 'closed'],
}

const table = (Object.keys(EXPECTED) as WorkOrderAction[]).flatMap((action) =>
  WORK_ORDER_STATUSES.map((from) => ({ action, from, allowed: EXPECTED[action][0].includes(from), to: EXPECTED[action][1] })))

describe('work-order transitions (DOMAIN.md §5)', () => {
  it.each(table)('$action from $from: allowed $allowed', ({ action, from, allowed, to }) => {
    // A supervisor may do every action (for the field actions: on the assignee's behalf).
    const r = transitionWorkOrder(wo(from), inputs[action], boss, T + 1000)
    if (allowed) {
      expect(r).toMatchObject({ ok: true, workOrder: { status: to }, entry: { action, from, to, actor: 'sup' } })
    } else {
      expect(r).toMatchObject({ ok: false, code: 'WORK_ORDER_TRANSITION_NOT_ALLOWED' })
    }
  })

  it('the machine in code is the table in DOMAIN.md', () => {
    for (const [action, [from, to]] of Object.entries(EXPECTED)) expect(TRANSITIONS[action as WorkOrderAction]).toEqual({ from, to })
  })
})

describe('work-order guards', () => {
  it('a priority-1 work order cannot be put on hold', () => {
    expect(transitionWorkOrder(wo('in-progress', { priority: 1 }), inputs.hold, li, T)).toMatchObject({ ok: false, code: 'WORK_ORDER_P1_NO_HOLD' })
    expect(transitionWorkOrder(wo('in-progress', { priority: 2 }), inputs.hold, li, T)).toMatchObject({ ok: true })
  })

  it('completing needs at least one photo (422) and a result', () => {
    expect(transitionWorkOrder(wo('in-progress'), { action: 'complete', result: 'done', photos: 0 }, li, T)).toMatchObject({ ok: false, code: 'WORK_ORDER_PHOTO_REQUIRED' })
    expect(transitionWorkOrder(wo('in-progress'), { action: 'complete', result: '  ', photos: 2 }, li, T)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' })
    const ok = transitionWorkOrder(wo('in-progress'), { action: 'complete', result: 'replaced relay', photos: 1 }, li, T)
    expect(ok).toMatchObject({ ok: true, workOrder: { status: 'completed', result: 'replaced relay', completedAt: new Date(T).toISOString() } })
  })

  it.each(['reject', 'hold', 'reopen', 'cancel'] as const)('%s needs a reason', (action) => {
    const from = EXPECTED[action][0][0]!
    const r = transitionWorkOrder(wo(from), { action, reason: ' ' }, boss, T)
    expect(r).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' })
  })

  it('reject returns the work order to created, unassigned, and remembers the rejecter', () => {
    const r = transitionWorkOrder(wo('assigned'), inputs.reject, li, T)
    expect(r).toMatchObject({ ok: true, workOrder: { status: 'created', assignee: null, rejectedBy: ['li'] }, entry: { note: 'not my trade' } })
  })

  it.each(['accept', 'reject', 'arrive', 'start', 'hold', 'resume', 'complete'] as const)('an engineer may %s only their own work order', (action) => {
    const from = EXPECTED[action][0][0]!
    const theirs = transitionWorkOrder(wo(from, { assignee: 'li' }), inputs[action], li, T)
    const others = transitionWorkOrder(wo(from, { assignee: 'wang' }), inputs[action], li, T)
    expect(theirs.ok).toBe(true)
    expect(others).toMatchObject({ ok: false, code: 'WORK_ORDER_NOT_YOURS' })
  })

  it.each([
    ['verify', 'engineer'], ['verify', 'operator'], ['cancel', 'operator'], ['cancel', 'engineer'], ['reopen', 'operator'], ['assign', 'engineer'], ['accept', 'operator'],
  ] as const)('%s by an %s is refused', (action, role) => {
    const from = EXPECTED[action][0][0]!
    expect(transitionWorkOrder(wo(from), inputs[action], { username: 'li', role }, T)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })

  it.each(['supervisor', 'manager', 'admin'] as const)('a %s verifies', (role) => {
    expect(transitionWorkOrder(wo('completed'), inputs.verify, { username: 'x', role }, T)).toMatchObject({ ok: true, workOrder: { status: 'verified' } })
  })

  it('reopen clears the completion; the repair continues', () => {
    const r = transitionWorkOrder(wo('completed', { completedAt: new Date(T).toISOString(), result: 'x' }), inputs.reopen, boss, T + 5)
    expect(r).toMatchObject({ ok: true, workOrder: { status: 'in-progress', completedAt: null } })
  })

  it('stamps each step once: assign, accept, arrive, start', () => {
    let w = wo('created')
    const steps: WorkOrderInput[] = [inputs.assign, inputs.accept, inputs.arrive, inputs.start]
    steps.forEach((input, i) => {
      const r = transitionWorkOrder(w, input, i === 0 ? SYSTEM : li, T + i * 60_000)
      if (!r.ok) throw new Error(r.message)
      w = r.workOrder
    })
    expect(w).toMatchObject({
      status: 'in-progress', assignee: 'li', assignedAt: new Date(T).toISOString(), acceptedAt: new Date(T + 60_000).toISOString(),
      arrivedAt: new Date(T + 120_000).toISOString(), startedAt: new Date(T + 180_000).toISOString(),
    })
  })
})
