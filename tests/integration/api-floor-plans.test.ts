// Floor plans through real HTTP against a whole Vigil (issue #6 item 8): upload, read back, place
// devices, replace, delete; who may do it; what is refused and with which error.
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { io } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { userToken } from '../helpers/api-users.js'
import { ensureSite, registerDevice } from '../helpers/devices.js'
import { pngBytes } from '../helpers/images.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

let v: TestVigil
let admin: string
let operator: string
let viewerOfS2: string

// A building name with a space and Chinese characters travels URL-encoded and comes back as it was.
const BUILDING = 'Tower A座'
const plan = (site = 'FP1', building = BUILDING, floor: number | string = 3) => `/api/v1/sites/${site}/buildings/${encodeURIComponent(building)}/floors/${floor}/plan`

async function upload(url: string, body: Buffer | string, contentType: string, token = admin) {
  const res = await fetch(v.http + url, { method: 'PUT', headers: { 'content-type': contentType, authorization: `Bearer ${token}` }, body })
  const text = await res.text()
  return { status: res.status, json: text ? JSON.parse(text) : undefined }
}
const call = (method: string, url: string, body?: unknown, token = admin) => v.api(method, url, { token, ...(body !== undefined ? { body } : {}) })
const planFiles = () => {
  try {
    return readdirSync(path.join(v.dataDir, 'floor-plans', 'FP1'))
  } catch {
    return []
  }
}

beforeAll(async () => {
  v = await startTestVigil()
  admin = await v.login()
  await ensureSite(v, admin, 'FP1')
  await ensureSite(v, admin, 'FP2')
  for (const [id, building, floor] of [['fp-door-1', BUILDING, 3], ['fp-door-2', BUILDING, 3], ['fp-lift', BUILDING, 1], ['fp-other', 'Tower B', 3]] as const) {
    await registerDevice(v, admin, { id, siteId: 'FP1', type: 'fire-door', location: { building, floor, zone: 'Z1' } })
  }
  await registerDevice(v, admin, { id: 'fp-elsewhere', siteId: 'FP2', type: 'fire-door', location: { building: BUILDING, floor: 3 } })
  operator = await userToken(v, admin, 'fp-operator', 'operator')
  viewerOfS2 = await userToken(v, admin, 'fp-viewer', 'viewer', ['FP2'])
})
afterAll(async () => {
  await v?.stop()
})

describe('floor plans', () => {
  it('has no plan before one is uploaded (404 FLOOR_PLAN_NOT_FOUND)', async () => {
    const r = await call('GET', plan())
    expect(r.status).toBe(404)
    expect(r.json.error.code).toBe('FLOOR_PLAN_NOT_FOUND')
    expect((await call('GET', '/api/v1/sites/FP1/floor-plans')).json).toEqual({ items: [], next: null })
  })

  it('takes a PNG, reads its size from the image, and serves the same bytes back with safe headers', async () => {
    const png = pngBytes(40, 30)
    const r = await upload(plan(), png, 'image/png')
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ siteId: 'FP1', building: BUILDING, floor: 3, contentType: 'image/png', width: 40, height: 30, size: png.length, positions: [], uploadedBy: 'admin' })
    expect(r.json.path).toBeUndefined()

    const img = await fetch(`${v.http}${plan()}/image`, { headers: { authorization: `Bearer ${operator}` } })
    expect(img.status).toBe(200)
    expect(img.headers.get('content-type')).toBe('image/png')
    expect(img.headers.get('x-content-type-options')).toBe('nosniff')
    expect(img.headers.get('content-security-policy')).toContain('sandbox')
    expect(Buffer.from(await img.arrayBuffer()).equals(png)).toBe(true)
  })

  it('places devices of the building as fractions and lists them with the plan', async () => {
    const positions = [{ deviceId: 'fp-door-1', x: 0.25, y: 0.5 }, { deviceId: 'fp-lift', x: 1, y: 0 }]
    const r = await call('PUT', `${plan()}/positions`, { positions })
    expect(r.status).toBe(200)
    expect(r.json.positions).toEqual(positions)
    const list = await call('GET', '/api/v1/sites/FP1/floor-plans', undefined, operator)
    expect(list.json.items).toHaveLength(1)
    expect(list.json.items[0]).toMatchObject({ building: BUILDING, floor: 3, positions })
  })

  it('keeps the positions and drops the old file when the image is replaced', async () => {
    expect(planFiles()).toHaveLength(1)
    const r = await upload(plan(), pngBytes(80, 20), 'image/png')
    expect(r.json).toMatchObject({ width: 80, height: 20 })
    expect(r.json.positions.map((p: { deviceId: string }) => p.deviceId)).toEqual(['fp-door-1', 'fp-lift'])
    expect(planFiles()).toHaveLength(1)
  })

  it.each([
    ['an SVG (it can carry scripts)', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'image/svg+xml', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['text claiming to be a PNG', 'not a picture at all', 'image/png', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a GIF (not a plan format)', 'GIF89a\u0001\u0000\u0001\u0000', 'image/gif', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['an empty body', '', 'image/png', 400, 'BAD_REQUEST'],
  ])('refuses %s', async (_what, body, type, status, code) => {
    const r = await upload(plan('FP1', BUILDING, 4), body, type)
    expect(r.status).toBe(status)
    expect(r.json.error.code).toBe(code)
    expect((await call('GET', plan('FP1', BUILDING, 4))).status).toBe(404)
  })

  it('refuses an image over the size limit with 413', async () => {
    const big = Buffer.concat([pngBytes(2, 2), Buffer.alloc(16 * 1024 * 1024)])
    const r = await upload(plan('FP1', BUILDING, 5), big, 'image/png')
    expect(r.status).toBe(413)
    expect(r.json.error.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it.each([
    ['a fraction outside 0..1', [{ deviceId: 'fp-door-2', x: 1.2, y: 0.5 }], 'BAD_REQUEST'],
    ['a device of another building', [{ deviceId: 'fp-other', x: 0.5, y: 0.5 }], 'VALIDATION_FAILED'],
    ['a device of another site', [{ deviceId: 'fp-elsewhere', x: 0.5, y: 0.5 }], 'VALIDATION_FAILED'],
    ['an unknown device', [{ deviceId: 'nope', x: 0.5, y: 0.5 }], 'VALIDATION_FAILED'],
    ['the same device twice', [{ deviceId: 'fp-door-2', x: 0.1, y: 0.1 }, { deviceId: 'fp-door-2', x: 0.2, y: 0.2 }], 'VALIDATION_FAILED'],
  ])('refuses positions with %s and keeps the old ones', async (_what, positions, code) => {
    const r = await call('PUT', `${plan()}/positions`, { positions })
    expect(r.status).toBe(400)
    expect(r.json.error.code).toBe(code)
    expect((await call('GET', plan())).json.positions.map((p: { deviceId: string }) => p.deviceId)).toEqual(['fp-door-1', 'fp-lift'])
  })

  it('needs a plan before positions (404) and a floor number in range (400)', async () => {
    expect((await call('PUT', `${plan('FP1', BUILDING, 9)}/positions`, { positions: [] })).json.error.code).toBe('FLOOR_PLAN_NOT_FOUND')
    expect((await call('GET', plan('FP1', BUILDING, 'roof'))).status).toBe(400)
    expect((await call('GET', plan('FP1', BUILDING, 999))).status).toBe(400)
  })

  it('lets only an admin change plans; others read them; other sites do not exist for a scoped user', async () => {
    expect((await upload(plan(), pngBytes(4, 4), 'image/png', operator)).status).toBe(403)
    expect((await call('PUT', `${plan()}/positions`, { positions: [] }, operator)).status).toBe(403)
    expect((await call('DELETE', plan(), undefined, operator)).status).toBe(403)
    expect((await call('GET', plan(), undefined, operator)).status).toBe(200)
    const scoped = await call('GET', plan(), undefined, viewerOfS2)
    expect(scoped.status).toBe(404)
    expect(scoped.json.error.code).toBe('SITE_NOT_FOUND')
    expect((await fetch(`${v.http}${plan()}/image`)).status).toBe(401)
  })

  it('records uploads, placements and deletion in the audit log without the image bytes', async () => {
    const r = await call('DELETE', plan())
    expect(r.status).toBe(204)
    expect((await call('GET', plan())).status).toBe(404)
    expect(planFiles()).toHaveLength(0)
    const audit = await call('GET', '/api/v1/audit?limit=50')
    const actions = audit.json.items.filter((e: { target: string }) => e.target.startsWith('floor-plan:FP1/')).map((e: { action: string }) => e.action)
    expect(actions).toEqual(expect.arrayContaining(['floor-plan.upload', 'floor-plan.positions', 'floor-plan.delete']))
    expect(JSON.stringify(audit.json.items)).not.toContain('IHDR')
  })

  it('tells the screens of the site over socket.io when a plan changes or goes', async () => {
    const s = io(v.http, { auth: { token: operator }, transports: ['websocket'], reconnection: false, forceNew: true })
    try {
      await s.timeout(5000).emitWithAck('subscribe', { siteIds: ['FP1'] })
      const seen: { floor: number; plan: { positions: unknown[] } | null }[] = []
      s.on('floorplan', (e) => seen.push(e))
      await upload(plan('FP1', BUILDING, 7), pngBytes(10, 10), 'image/png')
      await call('PUT', `${plan('FP1', BUILDING, 7)}/positions`, { positions: [{ deviceId: 'fp-door-2', x: 0.5, y: 0.5 }] })
      await call('DELETE', plan('FP1', BUILDING, 7))
      await expect.poll(() => seen.length).toBe(3)
      expect(seen.map((e) => [e.floor, e.plan === null ? null : e.plan.positions.length])).toEqual([[7, 0], [7, 1], [7, null]])
    } finally {
      s.disconnect()
    }
  })

  it('takes a deleted device off every plan it was placed on', async () => {
    await upload(plan('FP1', BUILDING, 8), pngBytes(10, 10), 'image/png')
    await call('PUT', `${plan('FP1', BUILDING, 8)}/positions`, { positions: [{ deviceId: 'fp-door-2', x: 0.5, y: 0.5 }, { deviceId: 'fp-lift', x: 0.2, y: 0.2 }] })
    expect((await call('DELETE', '/api/v1/devices/fp-door-2')).status).toBe(204)
    await expect.poll(async () => (await call('GET', plan('FP1', BUILDING, 8))).json.positions.map((p: { deviceId: string }) => p.deviceId)).toEqual(['fp-lift'])
  })

  it('is described in the OpenAPI document', async () => {
    const doc = (await v.api('GET', '/api/v1/openapi.json')).json
    const p = doc.paths['/api/v1/sites/{siteId}/buildings/{building}/floors/{floor}/plan']
    expect(Object.keys(p)).toEqual(expect.arrayContaining(['get', 'put', 'delete']))
    expect(Object.keys(p.put.requestBody.content)).toEqual(['image/png', 'image/jpeg', 'image/webp'])
    expect(doc.paths['/api/v1/sites/{siteId}/buildings/{building}/floors/{floor}/plan/positions'].put).toBeDefined()
  })
})
