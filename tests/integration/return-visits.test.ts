// Return visits 回訪 through the REST API with the clock driven by the test: DOMAIN.md §8 scenario 18
// (second half) and §5 VERIFIED → CLOSED — due 24 h after completion; a score under 6 closes the work
// order flagged unsatisfied and opens a linked complaint (response 24 h, resolution 72 h); an overdue
// visit sends one P3 notice to the site's supervisors; recording is for supervisors, once, on verified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import type { WorkOrder } from '../../services/core/work-orders/work-order.js'
import { ensureSite, waitFor } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

const T0 = Date.UTC(2026, 10, 26, 8)
const HOUR = 3_600_000
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)])

let v: TestVigil
let clock: ManualClock
const tok: Record<string, string> = {}
const tk = (who: string): string => tok[who] ?? (() => { throw new Error(`no token for ${who}`) })()

async function person(username: string, role: string, extra: { skills?: string[]; siteIds?: string[] } = {}): Promise<void> {
  const password = `${username}-password-1`
  const r = await v.api('POST', '/api/v1/users', { token: tk('admin'), body: { username, password, role, displayName: username, ...extra } })
  if (r.status !== 201) throw new Error(`user ${username}: ${r.status} ${r.text}`)
  tok[username] = await v.login(username, password)
}

const act = (id: string, action: string, who: string, body: unknown = {}) => v.api('POST', `/api/v1/work-orders/${id}/${action}`, { token: tk(who), body })
const visit = (id: string, who: string, body: unknown) => v.api('POST', `/api/v1/work-orders/${id}/return-visit`, { token: tk(who), body })

async function ok(p: Promise<{ status: number; text: string; json: any }>, what: string): Promise<any> {
  const r = await p
  if (r.status !== 200 && r.status !== 201) throw new Error(`${what}: ${r.status} ${r.text}`)
  return r.json
}

/** A work order taken through the API to `completed` (or on to `verified`). */
async function completedWorkOrder(opts: { verify?: boolean; siteId?: string } = {}): Promise<WorkOrder> {
  const wo = await ok(v.api('POST', '/api/v1/work-orders', {
    token: tk('op'), body: { siteId: opts.siteId ?? 'S1', title: 'Lift door noisy', priority: 3, skill: 'ELEVATOR', source: 'phone' },
  }), 'create') as WorkOrder
  await ok(act(wo.id, 'assign', 'op', { assignee: 'li' }), 'assign')
  for (const a of ['accept', 'arrive', 'start']) await ok(act(wo.id, a, 'li'), a)
  const form = new FormData()
  form.append('file', new Blob([PNG], { type: 'image/png' }), 'photo.png')
  const up = await fetch(`${v.http}/api/v1/work-orders/${wo.id}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${tk('li')}` }, body: form })
  expect(up.status).toBe(201)
  await ok(act(wo.id, 'complete', 'li', { result: 'door rollers replaced' }), 'complete')
  if (opts.verify !== false) await ok(act(wo.id, 'verify', 'sup', { note: 'checked' }), 'verify')
  return wo
}

const overdueNotices = async (who: string, workOrderId: string): Promise<any[]> =>
  (await ok(v.api('GET', `/api/v1/notifications?workOrderId=${workOrderId}&limit=100`, { token: tk(who) }), 'notifications')).items
    .filter((n: { kind: string }) => n.kind === 'return-visit-overdue')

beforeAll(async () => {
  clock = createManualClock(T0)
  v = await startTestVigil({ clock })
  tok.admin = await v.login()
  await ensureSite(v, tk('admin'), 'S1')
  await ensureSite(v, tk('admin'), 'S2')
  await person('op', 'operator')
  await person('li', 'engineer', { skills: ['ELEVATOR'] })
  await person('sup', 'supervisor')
  await person('sup2', 'supervisor', { siteIds: ['S2'] })
  await person('viewer', 'viewer')
})
afterAll(async () => {
  await v?.stop()
})

describe('scenario 18 (second half): the return visit', () => {
  it('is due 24 h after completion; nothing before completion', async () => {
    const wo = await completedWorkOrder({ verify: false })
    const due = await ok(v.api('GET', `/api/v1/work-orders/${wo.id}/return-visit`, { token: tk('viewer') }), 'get visit')
    const completedAt = (await ok(v.api('GET', `/api/v1/work-orders/${wo.id}`, { token: tk('op') }), 'get')).completedAt as string
    expect(due).toMatchObject({ workOrderId: wo.id, doneAt: null, score: null, dueAt: new Date(Date.parse(completedAt) + 24 * HOUR).toISOString() })

    const fresh = await ok(v.api('POST', '/api/v1/work-orders', { token: tk('op'), body: { siteId: 'S1', title: 'x', priority: 3, skill: 'ELEVATOR', source: 'phone' } }), 'create')
    const none = await v.api('GET', `/api/v1/work-orders/${fresh.id}/return-visit`, { token: tk('op') })
    expect(none.status).toBe(404)
    expect(none.json.error.code).toBe('RETURN_VISIT_NOT_FOUND')
  })

  it('scores 5/10: the work order closes flagged unsatisfied and a linked complaint opens with 24 h response and 72 h resolution', async () => {
    const wo = await completedWorkOrder()
    await clock.advance(3 * HOUR)
    const r = await visit(wo.id, 'sup', { score: 5, note: 'door still squeaks' })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ id: wo.id, status: 'closed', closedAt: new Date(clock.now()).toISOString() })
    expect(r.json.returnVisit).toMatchObject({ score: 5, unsatisfied: true, by: 'sup', doneAt: new Date(clock.now()).toISOString(), complaintWorkOrderId: expect.any(String) })
    expect(r.json.history.at(-1)).toMatchObject({ action: 'close', from: 'verified', to: 'closed', actor: 'sup', note: expect.stringContaining('unsatisfied') })

    const complaint = await ok(v.api('GET', `/api/v1/work-orders/${r.json.returnVisit.complaintWorkOrderId}`, { token: tk('op') }), 'complaint') as WorkOrder
    const at = (h: number): string => new Date(clock.now() + h * HOUR).toISOString()
    expect(complaint).toMatchObject({ source: 'complaint', siteId: 'S1', skill: 'ELEVATOR', status: expect.not.stringMatching(/closed|cancelled/), dueAcceptBy: at(24), dueResolveBy: at(72), dueIntakeBy: at(2) })
    expect(complaint.description).toContain(wo.id)

    const stored = await ok(v.api('GET', `/api/v1/work-orders/${wo.id}/return-visit`, { token: tk('viewer') }), 'visit')
    expect(stored).toMatchObject({ score: 5, unsatisfied: true, complaintWorkOrderId: complaint.id })
  })

  it.each([6, 9, 10])('scores %i/10: closed, satisfied, no complaint', async (score) => {
    const wo = await completedWorkOrder()
    const before = (await ok(v.api('GET', '/api/v1/work-orders?limit=1000', { token: tk('op') }), 'list')).items.filter((w: WorkOrder) => w.source === 'complaint').length
    const r = await visit(wo.id, 'sup', { score })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ status: 'closed', returnVisit: { score, unsatisfied: false, complaintWorkOrderId: null } })
    const after = (await ok(v.api('GET', '/api/v1/work-orders?limit=1000', { token: tk('op') }), 'list')).items.filter((w: WorkOrder) => w.source === 'complaint').length
    expect(after).toBe(before)
  })

  it('is recorded once, only on a verified work order (409 otherwise)', async () => {
    const completed = await completedWorkOrder({ verify: false })
    const early = await visit(completed.id, 'sup', { score: 8 })
    expect(early.status).toBe(409)
    expect(early.json.error.code).toBe('RETURN_VISIT_NOT_ALLOWED')

    const wo = await completedWorkOrder()
    expect((await visit(wo.id, 'sup', { score: 8 })).status).toBe(200)
    const again = await visit(wo.id, 'sup', { score: 3 })
    expect(again.status).toBe(409)
    expect((await ok(v.api('GET', `/api/v1/work-orders/${wo.id}/return-visit`, { token: tk('op') }), 'visit')).score).toBe(8)
  })

  it.each([0, 11, 5.5])('a score of %s is 400', async (score) => {
    const wo = await completedWorkOrder()
    expect((await visit(wo.id, 'sup', { score })).status).toBe(400)
    expect((await ok(v.api('GET', `/api/v1/work-orders/${wo.id}`, { token: tk('op') }), 'get')).status).toBe('verified')
  })

  it.each(['op', 'li', 'viewer'])('%s may not record a return visit (403)', async (who) => {
    const wo = await completedWorkOrder()
    const r = await visit(wo.id, who, { score: 9 })
    expect(r.status).toBe(403)
    expect((await ok(v.api('GET', `/api/v1/work-orders/${wo.id}`, { token: tk('op') }), 'get')).status).toBe('verified')
  })

  it("a supervisor of another site does not see the work order (404)", async () => {
    const wo = await completedWorkOrder()
    expect((await visit(wo.id, 'sup2', { score: 9 })).status).toBe(404)
  })
})

describe('an overdue return visit', () => {
  it("sends one P3 notice to the site's supervisors after 24 h, not before and not again", async () => {
    const wo = await completedWorkOrder()
    await clock.advance(24 * HOUR - 60_000)
    expect(await overdueNotices('sup', wo.id)).toEqual([])

    await clock.advance(60_000)
    const notices = await waitFor('the overdue notice', async () => { const n = await overdueNotices('sup', wo.id); return n.length > 0 ? n : null })
    expect(notices).toEqual([expect.objectContaining({ to: 'sup', kind: 'return-visit-overdue', priority: 3, workOrderId: wo.id })])
    // sup2 covers S2 only; the work order is in S1.
    expect(await overdueNotices('sup2', wo.id)).toEqual([])
    expect((await ok(v.api('GET', `/api/v1/work-orders/${wo.id}/return-visit`, { token: tk('op') }), 'visit')).overdueNotifiedAt).toEqual(expect.any(String))

    await clock.advance(48 * HOUR)
    expect(await overdueNotices('sup', wo.id)).toHaveLength(1)
    // Late is still allowed: the visit closes the work order.
    expect((await visit(wo.id, 'sup', { score: 7 })).json.status).toBe('closed')
  })

  it('a visit recorded in time sends no notice', async () => {
    const wo = await completedWorkOrder()
    await clock.advance(2 * HOUR)
    expect((await visit(wo.id, 'sup', { score: 9 })).status).toBe(200)
    await clock.advance(30 * HOUR)
    expect(await overdueNotices('sup', wo.id)).toEqual([])
  })
})
