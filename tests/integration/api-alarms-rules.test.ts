// Rules and alarms through the API against a whole Vigil (CONTRACT.md §3 rules, alarms).
// Alarms are raised through the real alarm engine, the way the rule engine raises them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AlarmEngine } from '../../services/alarms/alarm.service.js'
import type { Alarm } from '../../services/core/model.js'
import { ensureSite, registerDevice } from '../helpers/devices.js'
import { bringOnSite } from '../helpers/on-site.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

let v: TestVigil
let admin: string
const call = (method: string, url: string, body?: unknown) => v.api(method, url, { token: admin, ...(body !== undefined ? { body } : {}) })
const raise = (deviceId: string, ruleId: string, priority: 1 | 2 | 3 | 4, latched = false): Promise<Alarm> =>
  (v.services.alarms as AlarmEngine).raise({ device: v.services.directory.device(deviceId)!, ruleId, title: ruleId, priority, latched, drill: false })

beforeAll(async () => {
  v = await startTestVigil()
  admin = await v.login()
  await ensureSite(v, admin, 'S1')
  await registerDevice(v, admin, { id: 'door-1', siteId: 'S1', type: 'fire-door', attributes: { doorType: 'NC' } })
  await registerDevice(v, admin, { id: 'lift-1', siteId: 'S1', type: 'elevator' })
})
afterAll(() => v?.stop())

describe('rules', () => {
  it('lists the catalog with each rule id, title, device type, priority and default parameters', async () => {
    const r = await call('GET', '/api/v1/rules')
    expect(r.status).toBe(200)
    const fd02 = r.json.items.find((i: { id: string }) => i.id === 'FD-02')
    expect(fd02).toEqual({ id: 'FD-02', title: expect.any(String), deviceType: 'fire-door', priority: 3, params: expect.objectContaining({ onDelaySec: 60 }) })
    expect(r.json.items.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining(['FD-02', 'AC-01', 'EL-01', 'PU-01']))
  })

  it('overrides a parameter for a site, and a device over its site', async () => {
    const site = await call('PATCH', '/api/v1/sites/S1/rules/FD-02', { params: { onDelaySec: 30 } })
    expect(site.status).toBe(200)
    expect(site.json).toMatchObject({ id: 'FD-02', enabled: true, params: { onDelaySec: 30 } })
    const listed = await call('GET', '/api/v1/sites/S1/rules')
    expect(listed.json.items.find((i: { id: string }) => i.id === 'FD-02').params.onDelaySec).toBe(30)
    const device = await call('PATCH', '/api/v1/devices/door-1/rules/FD-02', { enabled: false })
    expect(device.status).toBe(200)
    expect(device.json).toMatchObject({ id: 'FD-02', enabled: false })
    const forDevice = await call('GET', '/api/v1/devices/door-1/rules')
    expect(forDevice.json.items.find((i: { id: string }) => i.id === 'FD-02')).toMatchObject({ enabled: false, params: { onDelaySec: 30 } })
  })

  it.each([
    ['/api/v1/sites/S1/rules/XX-99', { enabled: false }, 400, 'UNKNOWN_RULE'],
    ['/api/v1/sites/S1/rules/FD-02', { params: { bogusSec: 1 } }, 400, 'UNKNOWN_RULE_PARAM'],
    ['/api/v1/sites/S1/rules/FD-02', { params: { onDelaySec: 'soon' } }, 400, 'BAD_REQUEST'],
    ['/api/v1/sites/S1/rules/FD-02', { colour: 'red' }, 400, 'BAD_REQUEST'],
    ['/api/v1/sites/NOPE/rules/FD-02', { enabled: false }, 404, 'SITE_NOT_FOUND'],
    ['/api/v1/devices/NOPE/rules/FD-02', { enabled: false }, 404, 'DEVICE_NOT_FOUND'],
  ] as const)('PATCH %s %j → %i %s', async (url, body, status, code) => {
    const r = await call('PATCH', url, body)
    expect(r.status).toBe(status)
    expect(r.json.error.code).toBe(code)
  })
})

describe('alarms', () => {
  let p3: Alarm
  let p1: Alarm
  beforeAll(async () => {
    p3 = await raise('door-1', 'FD-02', 3)
    p1 = await raise('lift-1', 'EL-01', 1, true)
  })

  it('lists active alarms by default, priority 1 first', async () => {
    const r = await call('GET', '/api/v1/alarms')
    expect(r.status).toBe(200)
    expect(r.json.items.map((a: Alarm) => a.id)).toEqual([p1.id, p3.id])
    expect(r.json.items[0]).toMatchObject({ siteId: 'S1', deviceId: 'lift-1', ruleId: 'EL-01', priority: 1, state: 'unacked', active: true, acked: false })
  })

  it.each([
    ['?priority=3', ['FD-02']],
    ['?deviceId=lift-1', ['EL-01']],
    ['?siteId=S1&state=all', ['EL-01', 'FD-02']],
    ['?state=shelved', []],
    ['?siteId=S2', []],
  ])('filters with %s', async (query, rules) => {
    const r = await call('GET', `/api/v1/alarms${query}`)
    expect(r.json.items.map((a: Alarm) => a.ruleId)).toEqual(rules)
  })

  it('acknowledges with a note (200 with the updated alarm) and shows it in the history', async () => {
    const r = await call('POST', `/api/v1/alarms/${p3.id}/ack`, { note: 'guard sent' })
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ id: p3.id, state: 'acked', acked: true, ackedBy: 'admin' })
    const one = await call('GET', `/api/v1/alarms/${p3.id}`)
    expect(one.json.history.map((h: { to: string }) => h.to)).toEqual(['unacked', 'acked'])
    expect(one.json.history[1]).toMatchObject({ actor: 'admin', note: 'guard sent' })
  })

  it('acknowledges without a body', async () => {
    const res = await fetch(`${v.http}/api/v1/alarms/${p1.id}/ack`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } })
    expect(res.status).toBe(200)
    expect(((await res.json()) as Alarm).state).toBe('acked')
  })

  it.each([
    ['ack', 'an acked alarm again', (): string => p3.id, {}, 409, 'ALARM_TRANSITION_NOT_ALLOWED'],
    ['reset', 'a latched alarm whose condition holds', (): string => p1.id, { note: 'on site' }, 409, 'ALARM_CONDITION_ACTIVE'],
    ['reset', 'without a note', (): string => p1.id, {}, 400, 'BAD_REQUEST'],
    ['ack', 'an unknown alarm', (): string => 'no-such-alarm', {}, 404, 'ALARM_NOT_FOUND'],
  ] as const)('%s of %s → %i %s', async (action, _what, id, body, status, code) => {
    const r = await call('POST', `/api/v1/alarms/${id()}/${action}`, body)
    expect(r.status).toBe(status)
    expect(r.json.error.code).toBe(code)
  })

  it('resets a latched alarm once its condition cleared', async () => {
    await (v.services.alarms as AlarmEngine).clear('lift-1', 'EL-01', true)
    await bringOnSite(v, admin, p1.id)
    const r = await call('POST', `/api/v1/alarms/${p1.id}/reset`, { note: 'passenger released, engineer on site' })
    expect(r.status).toBe(200)
    expect(r.json.state).toBe('normal')
    expect((await call('GET', '/api/v1/alarms')).json.items.map((a: Alarm) => a.id)).toEqual([p3.id])
  })
})
