// The escalation ladder (DOMAIN.md §6) as checkpoints on a work order, and the dispatch choice
// (DOMAIN.md §5): pure functions, table-driven.
import { describe, expect, it } from 'vitest'
import { chooseAssignee, type DispatchCandidate } from '../../services/core/work-orders/dispatch-choice.js'
import { dueBreaches, nextDeadline, type AlarmFacts } from '../../services/core/work-orders/escalation.js'
import { computeDues, NO_OVERRIDES } from '../../services/core/work-orders/sla.js'
import type { WorkOrder } from '../../services/core/work-orders/work-order.js'
import type { Priority } from '../../services/core/model.js'

const T = Date.UTC(2026, 0, 1, 8)
const M = 60_000
const iso = (v: number | null): string | null => (v === null ? null : new Date(v).toISOString())

function wo(priority: Priority, extra: Partial<WorkOrder> = {}): WorkOrder {
  const d = computeDues({ priority, source: 'rule', createdAt: T, appointmentAt: null, distanceTier: null, overrides: NO_OVERRIDES })
  return {
    id: 'w', siteId: 'S1', deviceId: 'd', alarmId: 'a', ruleId: 'PU-01', title: 't', description: null, priority, skill: 'PLUMBING', source: 'rule',
    status: 'assigned', assignee: 'wang', escalationLevel: 0, drill: false, dueIntakeBy: null, dueAcceptBy: iso(d.dueAcceptBy),
    dueArriveBy: iso(d.dueArriveBy), dueSpecialistArriveBy: iso(d.dueSpecialistArriveBy), dueResolveBy: iso(d.dueResolveBy), appointmentAt: null,
    createdAt: iso(T)!, createdBy: 'system', updatedAt: iso(T)!, assignedAt: iso(T), acceptedAt: null, arrivedAt: null, startedAt: null,
    completedAt: null, verifiedAt: null, closedAt: null, cancelledAt: null, result: null, rejectedBy: [], breaches: [], attachments: [], ...extra,
  }
}
const unacked: AlarmFacts = { raisedAt: T, acked: false }
const acked: AlarmFacts = { raisedAt: T, acked: true }

describe('escalation ladder (DOMAIN.md §6, §8 scenario 17)', () => {
  it.each([
    ['P2 alarm unacked 5 min → L2', wo(2), unacked, 5, [['ack', 1]]],
    ['P2 alarm unacked 4 min → nothing yet', wo(2), unacked, 4, []],
    ['P2 acked, not accepted 15 min → L2', wo(2), acked, 15, [['accept', 1]]],
    ['P2 accepted, nobody on site 30 min → L2', wo(2, { status: 'accepted', acceptedAt: iso(T + M) }), acked, 30, [['arrive', 1]]],
    ['P2 on site, unresolved 240 min → L1', wo(2, { status: 'in-progress', acceptedAt: iso(T + M), arrivedAt: iso(T + 2 * M) }), acked, 240, [['resolve', 2]]],
    ['P1 unacked 1 min → L2', wo(1), unacked, 1, [['ack', 1]]],
    ['P1 not accepted 5 min → L2', wo(1), acked, 5, [['accept', 1]]],
    ['P1 specialist not on site 30 min → L1', wo(1, { breaches: [{ kind: 'accept', dueAt: iso(T)!, at: iso(T)!, level: 1 }, { kind: 'arrive', dueAt: iso(T)!, at: iso(T)!, level: 1 }] }), acked, 30, [['arrive-specialist', 2]]],
    ['P3 unresolved 4320 min → L1 as well', wo(3, { status: 'in-progress', acceptedAt: iso(T), arrivedAt: iso(T), breaches: [{ kind: 'resolve', dueAt: iso(T)!, at: iso(T)!, level: 1 }] }), acked, 4320, [['resolve-l1', 2]]],
    ['a completed work order is never late', wo(2, { status: 'completed', completedAt: iso(T + M) }), unacked, 10_000, []],
  ] as const)('%s', (_name, w, alarm, minutes, expected) => {
    expect(dueBreaches(w, alarm, T + minutes * M).map((c) => [c.kind, c.level])).toEqual(expected)
  })

  it('a recorded breach is not reported twice; the next deadline follows', () => {
    const w = wo(2, { breaches: [{ kind: 'ack', dueAt: iso(T + 5 * M)!, at: iso(T + 5 * M)!, level: 1 }] })
    expect(dueBreaches(w, unacked, T + 5 * M)).toEqual([])
    expect(nextDeadline(w, unacked, T + 5 * M)).toBe(T + 15 * M)
  })

  it('nothing to wait for once everything is met or recorded', () => {
    expect(nextDeadline(wo(2, { status: 'verified', completedAt: iso(T) }), acked, T)).toBeNull()
  })
})

const cand = (username: string, extra: Partial<DispatchCandidate> = {}): DispatchCandidate => ({
  username, role: 'engineer', skills: ['ELEVATOR'], siteIds: [], openCount: 0, shiftStartedAt: T, ...extra,
})

describe('dispatch choice (DOMAIN.md §5)', () => {
  const need = { siteId: 'S1', skill: 'ELEVATOR' as const, rejectedBy: [] as string[] }
  it.each([
    ['the one with the least open work', [cand('li', { openCount: 2 }), cand('zhou', { openCount: 1 })], need, 'zhou'],
    ['only someone with the skill', [cand('wang', { skills: ['PLUMBING'] }), cand('li', { openCount: 5 })], need, 'li'],
    ['only someone covering the site', [cand('li', { siteIds: ['S2'] }), cand('zhou', { siteIds: ['S1'], openCount: 3 })], need, 'zhou'],
    ['never the one who rejected it', [cand('li'), cand('zhou', { openCount: 4 })], { ...need, rejectedBy: ['li'] }, 'zhou'],
    ['not an operator, even with the skill', [cand('op', { role: 'operator' })], need, null],
    ['nobody eligible → null (escalate)', [cand('wang', { skills: ['PLUMBING'] })], need, null],
    ['ties: longest on shift first', [cand('b', { shiftStartedAt: T + 1 }), cand('a', { shiftStartedAt: T + 2 })], need, 'b'],
  ] as const)('picks %s', (_name, candidates, n, expected) => {
    expect(chooseAssignee(candidates, n)).toBe(expected)
  })
})
