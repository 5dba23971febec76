// Work orders through the REST API (CONTRACT.md §3; DOMAIN.md §5): every action from every
// reachable status, the guards, photo attachments, manual work orders and their SLA clocks,
// and DOMAIN.md §8 scenario 18 (first half).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import type { WorkOrder, WorkOrderAction, WorkOrderStatus } from '../../services/core/work-orders/work-order.js'
import { ensureSite, registerDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

const T0 = Date.UTC(2026, 10, 26, 8)
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(64, 7)])

let v: TestVigil
let clock: ManualClock
const tok: Record<string, string> = {}
const tk = (who: string): string => {
  const t = tok[who]
  if (t === undefined) throw new Error(`no token for ${who}`)
  return t
}

async function person(username: string, role: string, extra: { skills?: string[]; siteIds?: string[] } = {}): Promise<void> {
  const password = `${username}-password-1`
  const r = await v.api('POST', '/api/v1/users', { token: tk('admin'), body: { username, password, role, displayName: username, ...extra } })
  if (r.status !== 201) throw new Error(`user ${username}: ${r.status} ${r.text}`)
  tok[username] = await v.login(username, password)
}

async function upload(id: string, token: string, data: Buffer = PNG, type = 'image/png'): Promise<{ status: number; json: any }> {
  const form = new FormData()
  form.append('file', new Blob([data], { type }), 'photo.png')
  const res = await fetch(`${v.http}/api/v1/work-orders/${id}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
  return { status: res.status, json: await res.json() }
}

const create = async (body: Record<string, unknown> = {}, token = tk('op')): Promise<WorkOrder> => {
  const r = await v.api('POST', '/api/v1/work-orders', { token, body: { siteId: 'S1', title: 'Lift noisy', priority: 2, skill: 'ELEVATOR', source: 'phone', ...body } })
  if (r.status !== 201) throw new Error(`create: ${r.status} ${r.text}`)
  return r.json as WorkOrder
}
const act = (id: string, action: string, token: string, body: unknown = {}) => v.api('POST', `/api/v1/work-orders/${id}/${action}`, { token, body })

// How to reach each status from `created` through the API, and who does each step.
const PATH: Array<[WorkOrderAction, string, unknown]> = [
  ['assign', 'op', { assignee: 'li' }], ['accept', 'li', {}], ['arrive', 'li', {}], ['start', 'li', {}],
]
const ROUTE: Record<Exclude<WorkOrderStatus, 'closed'>, Array<[WorkOrderAction, string, unknown]>> = {
  created: [],
  assigned: PATH.slice(0, 1),
  accepted: PATH.slice(0, 2),
  'on-site': PATH.slice(0, 3),
  'in-progress': PATH,
  'on-hold': [...PATH, ['hold', 'li', { reason: 'parts' }]],
  completed: [...PATH, ['complete', 'li', { result: 'fixed' }]],
  verified: [...PATH, ['complete', 'li', { result: 'fixed' }], ['verify', 'sup', {}]],
  cancelled: [['cancel', 'sup', { reason: 'duplicate' }]],
}

async function workOrderIn(status: keyof typeof ROUTE): Promise<WorkOrder> {
  const wo = await create()
  for (const [action, who, body] of ROUTE[status]) {
    if (action === 'complete') expect((await upload(wo.id, tk('li'))).status).toBe(201)
    const r = await act(wo.id, action, tk(who), body)
    if (r.status !== 200) throw new Error(`${action} → ${r.status} ${r.text}`)
  }
  return wo
}

beforeAll(async () => {
  clock = createManualClock(T0)
  v = await startTestVigil({ clock })
  tok.admin = await v.login()
  await ensureSite(v, tk('admin'), 'S1')
  await ensureSite(v, tk('admin'), 'S2')
  await registerDevice(v, tk('admin'), { id: 'EL-1', siteId: 'S1', type: 'elevator' })
  await registerDevice(v, tk('admin'), { id: 'EL-FAR', siteId: 'S1', type: 'elevator', attributes: { distanceTier: 'outer' } })
  await person('op', 'operator')
  await person('li', 'engineer', { skills: ['ELEVATOR'] })
  await person('zhou', 'engineer', { skills: ['ELEVATOR'] })
  await person('sup', 'supervisor')
  await person('viewer', 'viewer')
  await person('other', 'operator', { siteIds: ['S2'] })
})
afterAll(async () => {
  await v?.stop()
})

const ACTOR: Record<WorkOrderAction, [string, unknown]> = {
  assign: ['op', { assignee: 'li' }], accept: ['li', {}], reject: ['li', { reason: 'wrong trade' }], arrive: ['li', {}], start: ['li', {}],
  hold: ['li', { reason: 'parts' }], resume: ['li', {}], complete: ['li', { result: 'fixed' }], verify: ['sup', {}],
  reopen: ['sup', { reason: 'still noisy' }], cancel: ['sup', { reason: 'duplicate' }], close: ['sup', {}],
}
const ALLOWED: Record<string, readonly string[]> = {
  assign: ['created', 'assigned'], accept: ['assigned'], reject: ['assigned'], arrive: ['accepted'], start: ['on-site'], hold: ['in-progress'],
  resume: ['on-hold'], complete: ['in-progress'], verify: ['completed'], reopen: ['completed'],
  cancel: ['created', 'assigned', 'accepted', 'on-site', 'in-progress', 'on-hold'],
}

describe('every action from every status through the API (409 when the machine refuses)', () => {
  const cases = Object.keys(ALLOWED).flatMap((action) => (Object.keys(ROUTE) as Array<keyof typeof ROUTE>).map((from) => ({ action, from, ok: ALLOWED[action]!.includes(from) })))
  it.each(cases)('$action from $from → allowed $ok', async ({ action, from, ok }) => {
    const wo = await workOrderIn(from)
    const [who, body] = ACTOR[action as WorkOrderAction]
    // The photo is there, so `complete` is decided by the status alone.
    if (action === 'complete' && (await v.api('GET', `/api/v1/work-orders/${wo.id}`, { token: tk('op') })).json.attachments.length === 0) {
      expect((await upload(wo.id, tk('op'))).status).toBe(201)
    }
    const r = await act(wo.id, action, tk(who), body)
    expect(r.status).toBe(ok ? 200 : 409)
    if (!ok) expect(r.json.error.code).toBe('WORK_ORDER_TRANSITION_NOT_ALLOWED')
    else expect(r.json.history.filter((h: { action: string }) => h.action === action).at(-1)).toMatchObject({ action, from, actor: who })
  })
})

describe('guards', () => {
  it('a P1 work order cannot be put on hold (409)', async () => {
    const wo = await create({ priority: 1 })
    for (const [action, who, body] of PATH) expect((await act(wo.id, action, tk(who), body)).status).toBe(200)
    const r = await act(wo.id, 'hold', tk('li'), { reason: 'parts' })
    expect(r.status).toBe(409)
    expect(r.json.error.code).toBe('WORK_ORDER_P1_NO_HOLD')
  })

  it("an engineer acts only on their own work orders (403); reading them is fine", async () => {
    const wo = await workOrderIn('assigned')
    const r = await act(wo.id, 'accept', tk('zhou'), {})
    expect(r.status).toBe(403)
    expect(r.json.error.code).toBe('WORK_ORDER_NOT_YOURS')
    expect((await v.api('GET', `/api/v1/work-orders/${wo.id}`, { token: tk('zhou') })).status).toBe(200)
  })

  it.each([
    ['verify', 'op', {}], ['cancel', 'op', { reason: 'x' }], ['assign', 'li', { assignee: 'li' }], ['accept', 'op', {}], ['reopen', 'li', { reason: 'x' }],
  ] as const)('%s by %s is 403', async (action, who, body) => {
    const wo = await workOrderIn(action === 'verify' || action === 'reopen' ? 'completed' : action === 'accept' ? 'assigned' : 'created')
    expect((await act(wo.id, action, tk(who), body)).status).toBe(403)
  })

  it.each(['reject', 'hold', 'reopen', 'cancel'])('%s without a reason is 400', async (action) => {
    const wo = await workOrderIn('assigned')
    expect((await act(wo.id, action, tk('sup'), {})).status).toBe(400)
  })

  it('reject returns it to created with the rejecter excluded; re-assigning to them is still possible by hand', async () => {
    const wo = await workOrderIn('assigned')
    const r = await act(wo.id, 'reject', tk('li'), { reason: 'not my trade' })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ status: 'created', assignee: null, rejectedBy: ['li'] })
    expect(r.json.history).toContainEqual(expect.objectContaining({ action: 'reject', from: 'assigned', to: 'created', note: 'not my trade', actor: 'li' }))
  })

  it('assigning to someone who cannot do field work or does not cover the site is 400', async () => {
    const wo = await create()
    expect((await act(wo.id, 'assign', tk('op'), { assignee: 'viewer' })).json.error.code).toBe('ASSIGNEE_NOT_ELIGIBLE')
    expect((await act(wo.id, 'assign', tk('op'), { assignee: 'nobody' })).status).toBe(400)
  })

  it('history is append-only and complete', async () => {
    const wo = await workOrderIn('verified')
    const got = await v.api('GET', `/api/v1/work-orders/${wo.id}`, { token: tk('viewer') })
    expect(got.json.history.map((h: { action: string }) => h.action)).toEqual(['create', 'escalate', 'assign', 'accept', 'arrive', 'start', 'complete', 'verify'])
  })
})

describe('scenario 18 (first half): closure rules', () => {
  it('complete without a photo is 422; a non-image is 415; with a photo it completes; a supervisor verifies', async () => {
    const wo = await workOrderIn('in-progress')
    const noPhoto = await act(wo.id, 'complete', tk('li'), { result: 'replaced door contact' })
    expect(noPhoto.status).toBe(422)
    expect(noPhoto.json.error.code).toBe('WORK_ORDER_PHOTO_REQUIRED')
    expect((await act(wo.id, 'complete', tk('li'), {})).status).toBe(400)

    expect((await upload(wo.id, tk('li'), Buffer.from('not an image at all'), 'image/png')).status).toBe(415)
    expect((await upload(wo.id, tk('li'), PNG, 'text/plain')).status).toBe(415)
    expect((await upload(wo.id, tk('zhou'))).status).toBe(403)
    const up = await upload(wo.id, tk('li'))
    expect(up.status).toBe(201)
    expect(up.json).toMatchObject({ workOrderId: wo.id, contentType: 'image/png', size: PNG.length, uploadedBy: 'li' })

    const file = await fetch(`${v.http}/api/v1/work-orders/${wo.id}/attachments/${up.json.id}`, { headers: { authorization: `Bearer ${tk('op')}` } })
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true)

    const done = await act(wo.id, 'complete', tk('li'), { result: 'replaced door contact' })
    expect(done.status).toBe(200)
    expect(done.json).toMatchObject({ status: 'completed', result: 'replaced door contact', attachments: [{ id: up.json.id }] })
    expect((await act(wo.id, 'verify', tk('li'), {})).status).toBe(403)
    const verified = await act(wo.id, 'verify', tk('sup'), { note: 'checked on site' })
    expect(verified.status).toBe(200)
    expect(verified.json).toMatchObject({ status: 'verified', verifiedAt: expect.any(String) })
  })
})

describe('manual work orders and their clocks', () => {
  const at = (min: number): string => new Date(clock.now() + min * 60_000).toISOString()

  it('a phone call at P2 gets the priority clocks', async () => {
    const wo = await create({ priority: 2 })
    expect(wo).toMatchObject({ source: 'phone', status: 'created', dueAcceptBy: at(15), dueArriveBy: at(30), dueResolveBy: at(240), dueIntakeBy: null, createdBy: 'op' })
  })

  it('a complaint gets 2 h intake, 24 h response, 72 h resolution', async () => {
    const wo = await create({ priority: 3, source: 'complaint', title: 'Water pressure low again' })
    expect(wo).toMatchObject({ dueIntakeBy: at(120), dueAcceptBy: at(1440), dueResolveBy: at(4320), dueArriveBy: null })
  })

  it('an appointment sets the arrival deadline; without appointmentAt it is 400', async () => {
    const appointmentAt = at(180)
    expect((await create({ priority: 3, source: 'appointment', appointmentAt })).dueArriveBy).toBe(appointmentAt)
    expect((await v.api('POST', '/api/v1/work-orders', { token: tk('op'), body: { siteId: 'S1', title: 'x', priority: 3, skill: 'ELEVATOR', source: 'appointment' } })).status).toBe(400)
  })

  it("the device's distance tier moves the P1 arrival clock (outer: 60 min)", async () => {
    expect((await create({ priority: 1, deviceId: 'EL-FAR' })).dueArriveBy).toBe(at(60))
    expect((await create({ priority: 1, deviceId: 'EL-1' })).dueArriveBy).toBe(at(15))
  })

  it('a site override (PATCH /sites/{id} sla) applies to new work orders', async () => {
    expect((await v.api('PATCH', '/api/v1/sites/S1', { token: tk('admin'), body: { sla: { P3: { acceptMin: 10 } } } })).status).toBe(200)
    expect((await create({ priority: 3 })).dueAcceptBy).toBe(at(10))
    expect((await v.api('PATCH', '/api/v1/sites/S1', { token: tk('admin'), body: { sla: {} } })).status).toBe(200)
  })

  it('a malformed SLA override is refused with the reasons (400)', async () => {
    const r = await v.api('PATCH', '/api/v1/sites/S1', { token: tk('admin'), body: { sla: { P2: { acceptMins: 10 } } } })
    expect(r.status).toBe(400)
    expect(JSON.stringify(r.json.error.details)).toContain('sla.P2.acceptMins')
  })

  it.each([
    [{ siteId: 'NOPE' }, 404], [{ deviceId: 'NOPE' }, 404], [{ priority: 5 }, 400], [{ skill: 'COOKING' }, 400], [{ source: 'rule' }, 400], [{ extra: 1 }, 400],
  ] as const)('refuses %j with %i', async (patch, status) => {
    const r = await v.api('POST', '/api/v1/work-orders', { token: tk('op'), body: { siteId: 'S1', title: 'x', priority: 2, skill: 'ELEVATOR', source: 'phone', ...patch } })
    expect(r.status).toBe(status)
  })

  it('viewers and engineers cannot create; another site does not see it', async () => {
    expect((await v.api('POST', '/api/v1/work-orders', { token: tk('viewer'), body: { siteId: 'S1', title: 'x', priority: 2, skill: 'ELEVATOR', source: 'phone' } })).status).toBe(403)
    expect((await v.api('POST', '/api/v1/work-orders', { token: tk('li'), body: { siteId: 'S1', title: 'x', priority: 2, skill: 'ELEVATOR', source: 'phone' } })).status).toBe(403)
    const wo = await create()
    expect((await v.api('GET', `/api/v1/work-orders/${wo.id}`, { token: tk('other') })).status).toBe(404)
    expect((await v.api('GET', '/api/v1/work-orders?siteId=S1', { token: tk('other') })).json.items).toEqual([])
  })

  it('lists filter by status, assignee and site, newest first, with paging', async () => {
    // Same-millisecond work orders have no "newest"; this one is a second younger than the rest.
    await clock.advance(1000)
    const a = await workOrderIn('accepted')
    const list = await v.api('GET', '/api/v1/work-orders?status=accepted&assignee=li&siteId=S1&limit=1', { token: tk('viewer') })
    expect(list.status).toBe(200)
    expect(list.json.items).toHaveLength(1)
    expect(list.json.items[0]).toMatchObject({ id: a.id, status: 'accepted', assignee: 'li' })
    expect(list.json.next).toEqual(expect.any(String))
    const page2 = await v.api('GET', `/api/v1/work-orders?status=accepted&limit=1&cursor=${list.json.next}`, { token: tk('viewer') })
    expect(page2.json.items[0].id).not.toBe(a.id)
    expect((await v.api('GET', '/api/v1/work-orders?status=bogus', { token: tk('viewer') })).status).toBe(400)
    const open = await v.api('GET', '/api/v1/work-orders?status=open&limit=1000', { token: tk('viewer') })
    expect(open.json.items.every((w: WorkOrder) => !['verified', 'closed', 'cancelled'].includes(w.status))).toBe(true)
  })
})
