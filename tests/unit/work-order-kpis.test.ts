// Work-order KPIs (issue #4 item 9): MTTA, MTTR, SLA compliance per priority, handling rate.
import { describe, expect, it } from 'vitest'
import { computeWorkOrderKpis } from '../../services/core/work-orders/work-order-kpis.js'
import type { WorkOrder } from '../../services/core/work-orders/work-order.js'

const T = Date.UTC(2026, 0, 1, 8)
const M = 60_000
const iso = (v: number | null): string | null => (v === null ? null : new Date(v).toISOString())
let n = 0
function wo(extra: Partial<WorkOrder>): WorkOrder {
  return {
    id: `w${++n}`, siteId: 'S1', deviceId: null, alarmId: null, ruleId: null, title: 't', description: null, priority: 2, skill: 'PLUMBING', source: 'phone',
    status: 'created', assignee: null, escalationLevel: 0, drill: false, dueIntakeBy: null, dueAcceptBy: iso(T + 15 * M), dueArriveBy: iso(T + 30 * M),
    dueSpecialistArriveBy: null, dueResolveBy: iso(T + 240 * M), appointmentAt: null, createdAt: iso(T)!, createdBy: 'op', updatedAt: iso(T)!,
    assignedAt: null, acceptedAt: null, arrivedAt: null, startedAt: null, completedAt: null, verifiedAt: null, closedAt: null, cancelledAt: null,
    result: null, rejectedBy: [], breaches: [], attachments: [], ...extra,
  }
}

describe('work-order KPIs', () => {
  const items = [
    wo({ status: 'closed', acceptedAt: iso(T + 10 * M), arrivedAt: iso(T + 20 * M), completedAt: iso(T + 100 * M) }),
    wo({ status: 'completed', acceptedAt: iso(T + 20 * M), arrivedAt: iso(T + 40 * M), completedAt: iso(T + 300 * M), breaches: [{ kind: 'accept', dueAt: iso(T)!, at: iso(T)!, level: 1 }] }),
    wo({ status: 'assigned' }),
    wo({ status: 'cancelled' }),
  ]
  const k = computeWorkOrderKpis({ siteId: 'S1', from: T, to: T + 86_400_000, now: T + 60 * M, workOrders: items })

  it('counts and the handling rate (closed or cancelled ÷ created)', () => {
    expect(k).toMatchObject({ created: 4, resolved: 2, closed: 1, cancelled: 1, handlingRate: 50 })
  })
  it('MTTA and MTTR from creation, cancelled ones left out', () => {
    expect(k.mtta).toEqual({ count: 2, medianSec: 900, meanSec: 900 })
    expect(k.mttr).toEqual({ count: 2, medianSec: 12_000, meanSec: 12_000 })
  })
  it('SLA compliance per priority: met, breached, and still running', () => {
    const p2 = k.slaCompliance.find((c) => c.priority === 2)!
    expect(p2.count).toBe(3)
    expect(p2.accept).toEqual({ due: 3, met: 1, breached: 2, pending: 0, pct: 33.33 })
    expect(p2.resolve).toEqual({ due: 3, met: 1, breached: 1, pending: 1, pct: 50 })
    expect(k.breaches).toEqual({ accept: 1 })
  })
})
