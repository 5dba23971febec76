// GET /reports/kpis, the work-order half (issue #4 item 9): MTTA/MTTR of work orders, SLA compliance
// per priority, handling rate, return-visit rate and scores — per site and period, drills excluded —
// from work orders run through the REST API with Vigil's clock driven by the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import type { WorkOrder } from '../../services/core/work-orders/work-order.js'
import { userToken } from '../helpers/api-users.js'
import { ensureSite } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

const MIN = 60_000
const HOUR = 60 * MIN
const T0 = Date.UTC(2026, 10, 2, 0)
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)])

let v: TestVigil
let clock: ManualClock
const tok: Record<string, string> = {}
const tk = (who: string): string => tok[who] ?? (() => { throw new Error(`no token for ${who}`) })()

async function ok(p: Promise<{ status: number; text: string; json: any }>, what: string): Promise<any> {
  const r = await p
  if (r.status !== 200 && r.status !== 201) throw new Error(`${what}: ${r.status} ${r.text}`)
  return r.json
}
const act = (id: string, action: string, who: string, body: unknown = {}) => ok(v.api('POST', `/api/v1/work-orders/${id}/${action}`, { token: tk(who), body }), action)
const create = async (siteId: string, priority: number, extra: Record<string, unknown> = {}): Promise<WorkOrder> =>
  ok(v.api('POST', '/api/v1/work-orders', { token: tk('op'), body: { siteId, title: 'Pump noisy', priority, skill: 'PLUMBING', source: 'phone', ...extra } }), 'create')

/** Accepted after `acceptMin`, on site 5 min later, completed after `completeMin` (from creation), verified. */
async function run(wo: WorkOrder, acceptMin: number, completeMin: number): Promise<void> {
  await act(wo.id, 'assign', 'op', { assignee: 'wang' })
  await clock.advance(acceptMin * MIN)
  await act(wo.id, 'accept', 'wang')
  await clock.advance(5 * MIN)
  await act(wo.id, 'arrive', 'wang')
  await act(wo.id, 'start', 'wang')
  const form = new FormData()
  form.append('file', new Blob([PNG], { type: 'image/png' }), 'photo.png')
  const up = await fetch(`${v.http}/api/v1/work-orders/${wo.id}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${tk('wang')}` }, body: form })
  expect(up.status).toBe(201)
  await clock.advance((completeMin - acceptMin - 5) * MIN)
  await act(wo.id, 'complete', 'wang', { result: 'bearing replaced' })
  await act(wo.id, 'verify', 'sup')
}

const kpis = async (query: string, who = 'admin'): Promise<any> => ok(v.api('GET', `/api/v1/reports/kpis?${query}`, { token: tk(who) }), 'kpis')

let complaintId: string

beforeAll(async () => {
  clock = createManualClock(T0)
  v = await startTestVigil({ clock })
  tok.admin = await v.login()
  for (const s of ['W1', 'W2']) await ensureSite(v, tk('admin'), s)
  tok.op = await userToken(v, tk('admin'), 'op', 'operator')
  tok.sup = await userToken(v, tk('admin'), 'sup', 'supervisor')
  tok.w2 = await userToken(v, tk('admin'), 'w2viewer', 'viewer', ['W2'])
  await ok(v.api('POST', '/api/v1/users', { token: tk('admin'), body: { username: 'wang', password: 'wang-password-1', role: 'engineer', displayName: 'Wang', skills: ['PLUMBING'] } }), 'wang')
  tok.wang = await v.login('wang', 'wang-password-1')

  // W1: A (P2) accepted in 10 min, done in 60; B (P2) accepted in 20 min (accept SLA 15 min breached),
  // done in 300 (resolve SLA 240 min breached); C (P3) done, never visited; D cancelled.
  const a = await create('W1', 2)
  await run(a, 10, 60)
  const b = await create('W1', 2)
  await run(b, 20, 300)
  const c = await create('W1', 3)
  await run(c, 10, 60)
  const d = await create('W1', 3)
  await act(d.id, 'cancel', 'sup', { reason: 'duplicate of a phone call' })
  await clock.advance(HOUR)
  await ok(v.api('POST', `/api/v1/work-orders/${a.id}/return-visit`, { token: tk('sup'), body: { score: 9 } }), 'visit a')
  const bad = await ok(v.api('POST', `/api/v1/work-orders/${b.id}/return-visit`, { token: tk('sup'), body: { score: 4, note: 'still noisy' } }), 'visit b')
  complaintId = bad.returnVisit.complaintWorkOrderId
  // A drill in W1 that runs to a bad visit: none of it may show.
  const drill = await create('W1', 2, { drill: true })
  expect(drill.drill).toBe(true)
  await run(drill, 100, 900)
  await ok(v.api('POST', `/api/v1/work-orders/${drill.id}/return-visit`, { token: tk('sup'), body: { score: 1 } }), 'visit drill')
  // W2: one work order done and visited.
  const e = await create('W2', 4)
  await run(e, 10, 60)
  await ok(v.api('POST', `/api/v1/work-orders/${e.id}/return-visit`, { token: tk('sup'), body: { score: 7 } }), 'visit e')
  // C's visit falls overdue.
  await clock.advance(24 * HOUR)
})
afterAll(async () => {
  await v?.stop()
})

describe('work-order KPIs in GET /reports/kpis', () => {
  it('per site: counts, handling rate, MTTA/MTTR, SLA compliance per priority and return visits, drills excluded', async () => {
    const r = await kpis(`siteId=W1&from=${T0}`)
    expect(r.siteId).toBe('W1')
    const w = r.workOrders
    // A, B, C, D and the complaint opened by B's visit; not the drill nor its complaint.
    expect(w).toMatchObject({ created: 5, closed: 2, cancelled: 1, resolved: 3, handlingRate: 60 })
    expect(w.mtta).toEqual({ count: 3, medianSec: 600, meanSec: (10 + 20 + 10) * 60 / 3 })
    expect(w.mttr).toEqual({ count: 3, medianSec: 3600, meanSec: (60 + 300 + 60) * 60 / 3 })
    const p2 = w.slaCompliance.find((s: { priority: number }) => s.priority === 2)
    expect(p2).toMatchObject({ count: 2, accept: { due: 2, met: 1, breached: 1, pct: 50 }, resolve: { due: 2, met: 1, breached: 1, pct: 50 } })
    expect(w.slaCompliance.find((s: { priority: number }) => s.priority === 1)).toMatchObject({ count: 0, accept: { due: 0, pct: null } })
    // B's accept and resolve; the complaint nobody took: its 2 h intake and 24 h response.
    expect(w.breaches).toEqual({ accept: 2, resolve: 1, intake: 1 })
    expect(w.returnVisits).toEqual({
      visited: 2, onTime: 2, overdue: 1, ratePct: 66.67, onTimePct: 66.67,
      scores: { count: 2, mean: 6.5, median: 6.5, byScore: [{ score: 4, count: 1 }, { score: 9, count: 1 }] },
      unsatisfied: 1, complaintWorkOrderIds: [complaintId],
    })
  })

  it('a period with none of the work orders gives empty figures', async () => {
    const w = (await kpis(`siteId=W1&from=${T0 - 10 * 86_400_000}&to=${T0 - 86_400_000}`)).workOrders
    expect(w).toMatchObject({ created: 0, handlingRate: null, mtta: { count: 0, medianSec: null }, returnVisits: { visited: 0, overdue: 0, ratePct: null, scores: { mean: null } } })
  })

  it('every site the caller sees; a site-scoped user gets only theirs', async () => {
    const all = (await kpis(`from=${T0}`)).workOrders
    expect(all).toMatchObject({ created: 6, returnVisits: { visited: 3, overdue: 1 } })
    const w2 = (await kpis(`from=${T0}`, 'w2')).workOrders
    expect(w2).toMatchObject({ created: 1, closed: 1, handlingRate: 100, returnVisits: { visited: 1, scores: { mean: 7 } } })
    expect((await v.api('GET', `/api/v1/reports/kpis?siteId=W1&from=${T0}`, { token: tk('w2') })).status).toBe(404)
  })

  it('the drill is in the drill report instead', async () => {
    const r = await ok(v.api('GET', `/api/v1/reports/drills?siteId=W1&from=${T0}`, { token: tk('op') }), 'drills')
    expect(r.workOrders).toHaveLength(2)
    expect(r.workOrders.map((w: WorkOrder) => w.priority).sort()).toEqual([2, 3])
  })
})
