// The operational repositories against real databases: a SQLite file in a temp dir, and a fresh
// database on the machine's PostgreSQL (CONTRACT.md §1: fail, never skip, when it is unreachable).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSqlRepos } from '../../services/adapters/sql/sql-repos.js'
import type { Alarm, AlarmHistoryEntry, AlarmState, Priority } from '../../services/core/model.js'
import type { Repos } from '../../services/core/ports.js'

const PG_ADMIN_URL = process.env.VIGIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const T0 = Date.UTC(2026, 0, 1)
const at = (sec: number): string => new Date(T0 + sec * 1000).toISOString()

interface Fixture {
  repos: Repos
  /** Closes and opens the same database again. */
  reopen(): Promise<Repos>
  dispose(): Promise<void>
}

async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL })
  try {
    await client.connect()
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL} (${String(err)}): the postgres run of this suite fails rather than skips`, { cause: err })
  }
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

async function openFixture(dialect: 'sqlite' | 'postgres'): Promise<Fixture> {
  let clockMs = T0
  const clock = { now: () => (clockMs += 1000) }
  if (dialect === 'sqlite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-sql-'))
    const f: Fixture = {
      repos: await openSqlRepos({ dataDir, clock }),
      async reopen() {
        await f.repos.close()
        return (f.repos = await openSqlRepos({ dataDir, clock }))
      },
      async dispose() {
        await f.repos.close()
        fs.rmSync(dataDir, { recursive: true, force: true })
      },
    }
    return f
  }
  const name = `vigil_test_${randomBytes(6).toString('hex')}`
  await pgAdmin((c) => c.query(`CREATE DATABASE ${name}`))
  const url = new URL(PG_ADMIN_URL)
  url.pathname = `/${name}`
  const f: Fixture = {
    repos: await openSqlRepos({ url: url.toString(), clock }),
    async reopen() {
      await f.repos.close()
      return (f.repos = await openSqlRepos({ url: url.toString(), clock }))
    },
    async dispose() {
      await f.repos.close()
      await pgAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    },
  }
  return f
}

function alarm(over: Partial<Alarm> & { id: string }): Alarm {
  return {
    siteId: 's1',
    deviceId: 'el-1',
    deviceType: 'elevator',
    ruleId: 'EL-01',
    priority: 1,
    title: 'Trapped passenger',
    active: true,
    acked: false,
    state: 'unacked',
    shelvedUntil: null,
    chattering: false,
    emergencyId: null,
    raisedAt: at(0),
    ackedAt: null,
    ackedBy: null,
    clearedAt: null,
    occurrences: 1,
    workOrderIds: [],
    drill: false,
    ...over,
  }
}

const entry = (sec: number, from: AlarmState | null, to: AlarmState, actor = 'system', note: string | null = null): AlarmHistoryEntry => ({
  at: at(sec),
  actor,
  action: from === null ? 'raise' : `${from}->${to}`,
  from,
  to,
  note,
})

async function collect<T>(fetch: (cursor: string | undefined) => Promise<{ items: T[]; next: string | null }>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = []
  let cursor: string | undefined
  let pages = 0
  for (;;) {
    const p = await fetch(cursor)
    pages++
    items.push(...p.items)
    if (p.next === null) return { items, pages }
    cursor = p.next
  }
}

describe.each(['sqlite', 'postgres'] as const)('SQL repositories on %s', (dialect) => {
  let fx: Fixture
  let repos: Repos
  beforeEach(async () => {
    fx = await openFixture(dialect)
    repos = fx.repos
  })
  afterEach(async () => {
    await fx.dispose()
  })

  const site = (id: string) => repos.sites.create({ id, name: `Site ${id}`, timezone: 'Asia/Shanghai' })
  const device = (id: string, siteId = 's1', type: 'elevator' | 'pump' = 'elevator') =>
    repos.devices.create({ id, siteId, type, name: `Device ${id}`, location: { building: 'B1', floor: 3, zone: 'Z1' }, attributes: { homeFloor: 1 } }, `hash-${id}`)

  describe('users', () => {
    const newUser = (username: string) => ({
      username,
      passwordHash: `scrypt$${username}`,
      role: 'operator' as const,
      displayName: username.toUpperCase(),
      skills: ['ELEVATOR' as const],
      siteIds: ['s1'],
      permissions: [],
    })

    it('stores a user and keeps the password hash out of the user object', async () => {
      const created = await repos.users.create(newUser('alice'))
      const got = await repos.users.get('alice')
      expect(got).toEqual(created)
      expect(got).toMatchObject({ username: 'alice', role: 'operator', displayName: 'ALICE', skills: ['ELEVATOR'], siteIds: ['s1'], permissions: [] })
      expect(got?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      expect(JSON.stringify(got)).not.toContain('scrypt$')
      expect(await repos.users.getPasswordHash('alice')).toBe('scrypt$alice')
      expect(await repos.users.getPasswordHash('nobody')).toBeUndefined()
      expect(await repos.users.get('nobody')).toBeUndefined()
    })

    it('refuses a second user with the same username and stays healthy', async () => {
      await repos.users.create(newUser('alice'))
      await expect(repos.users.create(newUser('alice'))).rejects.toMatchObject({ code: 'USER_EXISTS' })
      expect(repos.health()).toEqual({ ok: true })
    })

    it('counts users and lists them by username across pages', async () => {
      for (const u of ['e', 'b', 'a', 'd', 'c']) await repos.users.create(newUser(u))
      expect(await repos.users.count()).toBe(5)
      const { items, pages } = await collect((cursor) => repos.users.list({ limit: 2, cursor }))
      expect(items.map((u) => u.username)).toEqual(['a', 'b', 'c', 'd', 'e'])
      expect(pages).toBe(3)
    })

    it('rejects a cursor it did not issue', async () => {
      await expect(repos.users.list({ limit: 2, cursor: 'garbage' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    })
  })

  describe('sites', () => {
    it('creates a site with empty settings and updates name, timezone and settings', async () => {
      const s = await site('s1')
      expect(s).toMatchObject({ id: 's1', name: 'Site s1', timezone: 'Asia/Shanghai', settings: {} })
      const u = await repos.sites.update('s1', { name: 'Tower', settings: { sla: { P1: { acceptMin: 5 } } } })
      expect(u).toMatchObject({ id: 's1', name: 'Tower', timezone: 'Asia/Shanghai', settings: { sla: { P1: { acceptMin: 5 } } }, createdAt: s.createdAt })
      expect(u!.updatedAt > s.updatedAt).toBe(true)
      expect(await repos.sites.get('s1')).toEqual(u)
      expect(await repos.sites.update('nope', { name: 'x' })).toBeUndefined()
    })

    it('refuses a duplicate site id', async () => {
      await site('s1')
      await expect(site('s1')).rejects.toMatchObject({ code: 'SITE_EXISTS' })
    })

    it('lists sites by id, limited to the given site ids (none = every site), across pages', async () => {
      for (const id of ['s3', 's1', 's2']) await site(id)
      const every = await collect((cursor) => repos.sites.list({}, { limit: 1, cursor }))
      expect(every.items.map((s) => s.id)).toEqual(['s1', 's2', 's3'])
      expect(every.pages).toBe(3)
      expect((await repos.sites.list({ siteIds: [] }, { limit: 10 })).items).toHaveLength(3)
      const mine = await repos.sites.list({ siteIds: ['s3', 's1'] }, { limit: 10 })
      expect(mine).toEqual({ items: [expect.objectContaining({ id: 's1' }), expect.objectContaining({ id: 's3' })], next: null })
    })
  })

  describe('devices', () => {
    beforeEach(async () => {
      await site('s1')
      await site('s2')
    })

    it('stores a device with its location and attributes, without its secret', async () => {
      const d = await device('el-1')
      expect(d).toMatchObject({ id: 'el-1', siteId: 's1', type: 'elevator', location: { building: 'B1', floor: 3, zone: 'Z1' }, attributes: { homeFloor: 1 } })
      expect(await repos.devices.get('el-1')).toEqual(d)
      expect(JSON.stringify(d)).not.toContain('hash-el-1')
      expect(await repos.devices.getSecretHash('el-1')).toBe('hash-el-1')
    })

    it.each([
      ['an existing id', 'el-1', 's1', 'DEVICE_EXISTS'],
      ['an unknown site', 'el-2', 'nosite', 'SITE_NOT_FOUND'],
    ])('refuses a device with %s', async (_what, id, siteId, code) => {
      await device('el-1')
      await expect(device(id, siteId)).rejects.toMatchObject({ code })
    })

    it('filters by site, site ids and type, and pages in id order', async () => {
      await device('d4', 's2', 'pump')
      await device('d1', 's1', 'elevator')
      await device('d3', 's1', 'pump')
      await device('d2', 's2', 'elevator')
      const ids = async (f: Parameters<Repos['devices']['list']>[0]) =>
        (await collect((cursor) => repos.devices.list(f, { limit: 1, cursor }))).items.map((d) => d.id)
      expect(await ids({})).toEqual(['d1', 'd2', 'd3', 'd4'])
      expect(await ids({ siteId: 's1' })).toEqual(['d1', 'd3'])
      expect(await ids({ siteIds: ['s2'] })).toEqual(['d2', 'd4'])
      expect(await ids({ type: 'pump' })).toEqual(['d3', 'd4'])
      expect(await ids({ siteIds: ['s1'], type: 'pump' })).toEqual(['d3'])
      expect((await repos.devices.all()).map((d) => d.id)).toEqual(['d1', 'd2', 'd3', 'd4'])
    })

    it('updates name, location and attributes and leaves the rest', async () => {
      const d = await device('el-1')
      const u = await repos.devices.update('el-1', { name: 'Lift A', attributes: { homeFloor: 2, model: 'X' } })
      expect(u).toMatchObject({ name: 'Lift A', location: d.location, attributes: { homeFloor: 2, model: 'X' }, createdAt: d.createdAt })
      expect(u!.updatedAt > d.updatedAt).toBe(true)
      expect(await repos.devices.update('nope', { name: 'x' })).toBeUndefined()
    })

    it('deletes a device and its persisted state; a second delete reports false', async () => {
      await device('el-1')
      await repos.deviceStates.saveMany([{ deviceId: 'el-1', state: { floor: 3 }, online: true, lastSeen: at(1), lastSeq: 7 }])
      expect(await repos.devices.delete('el-1')).toBe(true)
      expect(await repos.devices.get('el-1')).toBeUndefined()
      expect(await repos.deviceStates.loadAll()).toEqual([])
      expect(await repos.devices.delete('el-1')).toBe(false)
    })

    it('keeps the current and previous secret for rotation with a grace period', async () => {
      await device('el-1')
      await device('el-2')
      expect(await repos.devices.getSecrets('el-1')).toEqual({ secretHash: 'hash-el-1', previousSecretHash: null, previousValidUntil: 0 })
      const until = T0 + 86_400_000
      await repos.devices.setSecrets('el-1', { secretHash: 'new', previousSecretHash: 'hash-el-1', previousValidUntil: until })
      expect(await repos.devices.getSecrets('el-1')).toEqual({ secretHash: 'new', previousSecretHash: 'hash-el-1', previousValidUntil: until })
      await repos.devices.setSecretHash('el-2', 'other')
      expect(await repos.devices.getSecretHash('el-2')).toBe('other')
      expect(await repos.devices.allSecrets()).toEqual([
        { deviceId: 'el-1', secretHash: 'new', previousSecretHash: 'hash-el-1', previousValidUntil: until },
        { deviceId: 'el-2', secretHash: 'other', previousSecretHash: null, previousValidUntil: 0 },
      ])
      expect(await repos.devices.getSecrets('nope')).toBeUndefined()
    })
  })

  describe('device states', () => {
    it('upserts live state rows, the last row of a device in a batch winning', async () => {
      await repos.deviceStates.saveMany([
        { deviceId: 'a', state: { floor: 1, doorClosed: true }, online: true, lastSeen: at(1), lastSeq: 1 },
        { deviceId: 'b', state: { 'pumps.P1.running': false }, online: false, lastSeen: null, lastSeq: null },
        { deviceId: 'a', state: { floor: 2, doorClosed: false }, online: true, lastSeen: at(2), lastSeq: 2 },
      ])
      await repos.deviceStates.saveMany([{ deviceId: 'b', state: { 'pumps.P1.running': true }, online: true, lastSeen: at(3), lastSeq: 9_000_000_000 }])
      expect(await repos.deviceStates.loadAll()).toEqual([
        { deviceId: 'a', state: { floor: 2, doorClosed: false }, online: true, lastSeen: at(2), lastSeq: 2 },
        { deviceId: 'b', state: { 'pumps.P1.running': true }, online: true, lastSeen: at(3), lastSeq: 9_000_000_000 },
      ])
    })
  })

  describe('rule phases', () => {
    const all = async () => (await repos.rulePhases.all()).sort((x, y) => `${x.deviceId}/${x.ruleId}`.localeCompare(`${y.deviceId}/${y.ruleId}`))

    it('upserts rule states, the last change of a (device, rule) in a batch winning, and deletes the ones back at rest', async () => {
      await repos.rulePhases.saveMany([
        { deviceId: 'a', ruleId: 'FD-02', state: '{"v":1}' },
        { deviceId: 'a', ruleId: 'FD-03', state: '{"v":2}' },
        { deviceId: 'b', ruleId: 'FD-02', state: '{"v":3}' },
        { deviceId: 'a', ruleId: 'FD-02', state: '{"v":4}' },
      ])
      expect(await all()).toEqual([
        { deviceId: 'a', ruleId: 'FD-02', state: '{"v":4}' },
        { deviceId: 'a', ruleId: 'FD-03', state: '{"v":2}' },
        { deviceId: 'b', ruleId: 'FD-02', state: '{"v":3}' },
      ])
      await repos.rulePhases.saveMany([
        { deviceId: 'a', ruleId: 'FD-03', state: null },
        { deviceId: 'b', ruleId: 'FD-02', state: '{"v":5}' },
        { deviceId: 'c', ruleId: 'EL-01', state: '{"v":6}' },
        { deviceId: 'c', ruleId: 'EL-01', state: null },
        { deviceId: 'nobody', ruleId: 'FD-02', state: null },
      ])
      expect(await all()).toEqual([
        { deviceId: 'a', ruleId: 'FD-02', state: '{"v":4}' },
        { deviceId: 'b', ruleId: 'FD-02', state: '{"v":5}' },
      ])
    })

    it('writes a batch of 2,500 changes, more than one statement holds on PostgreSQL', async () => {
      const rows = Array.from({ length: 2500 }, (_, i) => ({ deviceId: `d${i}`, ruleId: 'PU-01', state: `{"i":${i}}` }))
      await repos.rulePhases.saveMany(rows)
      expect(await repos.rulePhases.all()).toHaveLength(2500)
      await repos.rulePhases.saveMany(rows.map((r) => ({ ...r, state: null })))
      expect(await repos.rulePhases.all()).toEqual([])
    })
  })

  describe('alarms', () => {
    it('inserts an alarm with its first history entry', async () => {
      const r = await repos.alarms.insert(alarm({ id: 'a1', workOrderIds: ['wo-1'] }), entry(0, null, 'unacked'))
      expect(r.created).toBe(true)
      expect(r.alarm).toEqual(alarm({ id: 'a1', workOrderIds: ['wo-1'] }))
      const got = await repos.alarms.get('a1', { withHistory: true })
      expect(got).toEqual({ ...alarm({ id: 'a1', workOrderIds: ['wo-1'] }), history: [entry(0, null, 'unacked')] })
      expect(await repos.alarms.get('a1')).not.toHaveProperty('history')
      expect(await repos.alarms.get('nope')).toBeUndefined()
    })

    it('returns the open alarm instead of a second one for the same device and rule', async () => {
      await repos.alarms.insert(alarm({ id: 'a1' }), entry(0, null, 'unacked'))
      const again = await repos.alarms.insert(alarm({ id: 'a2', raisedAt: at(5) }), entry(5, null, 'unacked'))
      expect(again).toEqual({ alarm: alarm({ id: 'a1' }), created: false })
      expect(await repos.alarms.get('a2')).toBeUndefined()
      expect((await repos.alarms.get('a1', { withHistory: true }))?.history).toHaveLength(1)
    })

    it('keeps exactly one alarm when 20 inserts for the same device and rule race', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => repos.alarms.insert(alarm({ id: `race-${i}` }), entry(0, null, 'unacked'))),
      )
      expect(results.filter((r) => r.created)).toHaveLength(1)
      const winner = results.find((r) => r.created)!.alarm.id
      expect(new Set(results.map((r) => r.alarm.id))).toEqual(new Set([winner]))
      const all = await repos.alarms.list({}, { limit: 100 })
      expect(all.items.map((a) => a.id)).toEqual([winner])
      expect((await repos.alarms.get(winner, { withHistory: true }))?.history).toHaveLength(1)
    })

    /** Saves `a` as the result of a row-locked change. */
    const save = (a: Alarm, e: AlarmHistoryEntry) => repos.alarms.change({ id: a.id }, () => ({ alarm: a, entry: e }))

    it('opens a new alarm once the previous one of the same device and rule is normal', async () => {
      await repos.alarms.insert(alarm({ id: 'a1' }), entry(0, null, 'unacked'))
      await save(alarm({ id: 'a1', state: 'normal', active: false, acked: true, clearedAt: at(9) }), entry(9, 'unacked', 'normal'))
      expect(await repos.alarms.findOpen('el-1', 'EL-01')).toBeUndefined()
      const r = await repos.alarms.insert(alarm({ id: 'a2', raisedAt: at(10) }), entry(10, null, 'unacked'))
      expect(r.created).toBe(true)
      expect(await repos.alarms.findOpen('el-1', 'EL-01')).toMatchObject({ id: 'a2' })
      expect((await repos.alarms.listOpen()).map((a) => a.id)).toEqual(['a2'])
      // Re-opening the old one now would make two open alarms of one condition.
      await expect(save(alarm({ id: 'a1', state: 'unacked' }), entry(11, 'normal', 'unacked'))).rejects.toMatchObject({
        code: 'ALARM_TRANSITION_NOT_ALLOWED',
      })
    })

    it('saves updates and appends history oldest first', async () => {
      await repos.alarms.insert(alarm({ id: 'a1' }), entry(0, null, 'unacked'))
      const acked = alarm({ id: 'a1', state: 'acked', acked: true, ackedAt: at(20), ackedBy: 'op1', occurrences: 2, workOrderIds: ['w1', 'w2'], chattering: true })
      expect(await save(acked, entry(20, 'unacked', 'acked', 'op1', 'on it'))).toEqual({ value: acked, changed: true })
      const latched = { ...acked, state: 'latched' as const, active: false, clearedAt: at(30) }
      await save(latched, entry(30, 'acked', 'latched'))
      const got = await repos.alarms.get('a1', { withHistory: true })
      expect(got).toEqual({
        ...latched,
        history: [entry(0, null, 'unacked'), entry(20, 'unacked', 'acked', 'op1', 'on it'), entry(30, 'acked', 'latched')],
      })
      expect(await save(alarm({ id: 'ghost' }), entry(1, 'unacked', 'acked'))).toBeUndefined()
    })

    it('changes an alarm from what is stored: nothing for a null step, nothing at all when the step throws', async () => {
      await repos.alarms.insert(alarm({ id: 'a1' }), entry(0, null, 'unacked'))
      expect(await repos.alarms.change({ deviceId: 'el-1', ruleId: 'EL-01' }, () => null)).toEqual({ value: alarm({ id: 'a1' }), changed: false })
      await expect(repos.alarms.change({ id: 'a1' }, (cur) => {
        throw new Error(`refused in ${cur.state}`)
      })).rejects.toThrow('refused in unacked')
      expect((await repos.alarms.get('a1', { withHistory: true }))?.history).toHaveLength(1)
      expect(await repos.alarms.change({ deviceId: 'el-1', ruleId: 'other' }, () => null)).toBeUndefined()
    })

    it('loses none of 20 concurrent read-modify-writes of one alarm (each sees the one before)', async () => {
      await repos.alarms.insert(alarm({ id: 'a1' }), entry(0, null, 'unacked'))
      // On PostgreSQL these run on up to 10 pooled connections at once; the row lock orders them.
      await Promise.all(Array.from({ length: 20 }, (_, i) => repos.alarms.change({ id: 'a1' }, (cur) => ({
        alarm: { ...cur, occurrences: cur.occurrences + 1 },
        entry: entry(i + 1, 'unacked', 'unacked', `op${i}`),
      }))))
      const got = await repos.alarms.get('a1', { withHistory: true })
      expect(got?.occurrences).toBe(21)
      expect(got?.history).toHaveLength(21)
    })

    it('lists by priority, then newest raised first, across pages and filters', async () => {
      const rows: Array<[string, Priority, number, AlarmState, string, string]> = [
        ['p3-old', 3, 10, 'unacked', 's1', 'd1'],
        ['p1-old', 1, 20, 'acked', 's1', 'd2'],
        ['p3-new', 3, 50, 'shelved', 's2', 'd3'],
        ['p1-new', 1, 40, 'unacked', 's2', 'd4'],
        ['p2', 2, 30, 'normal', 's1', 'd5'],
        ['p1-tie', 1, 40, 'latched', 's1', 'd6'],
      ]
      for (const [id, priority, sec, state, siteId, deviceId] of rows) {
        await repos.alarms.insert(alarm({ id, priority, raisedAt: at(sec), state, siteId, deviceId }), entry(sec, null, state))
      }
      const ids = async (f: Parameters<Repos['alarms']['list']>[0]) =>
        (await collect((cursor) => repos.alarms.list(f, { limit: 2, cursor }))).items.map((a) => a.id)
      expect(await ids({})).toEqual(['p1-new', 'p1-tie', 'p1-old', 'p2', 'p3-new', 'p3-old'])
      expect(await ids({ states: ['unacked', 'acked', 'rtn-unacked', 'latched'] })).toEqual(['p1-new', 'p1-tie', 'p1-old', 'p3-old'])
      expect(await ids({ states: [] })).toEqual([])
      expect(await ids({ siteId: 's2' })).toEqual(['p1-new', 'p3-new'])
      expect(await ids({ siteIds: ['s1'], priority: 1 })).toEqual(['p1-tie', 'p1-old'])
      expect(await ids({ deviceId: 'd5' })).toEqual(['p2'])
    })
  })

  describe('rule overrides', () => {
    it('upserts per (scope, scope id, rule) and lists by scope', async () => {
      const base = { updatedAt: at(1), updatedBy: 'admin' }
      await repos.ruleOverrides.upsert({ scope: 'site', scopeId: 's1', ruleId: 'EL-01', enabled: null, params: { onDelaySec: 45 }, ...base })
      await repos.ruleOverrides.upsert({ scope: 'device', scopeId: 'el-1', ruleId: 'EL-01', enabled: false, params: {}, ...base })
      const replaced = await repos.ruleOverrides.upsert({ scope: 'site', scopeId: 's1', ruleId: 'EL-01', enabled: true, params: { offDelaySec: 5 }, updatedAt: at(2), updatedBy: 'root' })
      expect(replaced).toEqual({ scope: 'site', scopeId: 's1', ruleId: 'EL-01', enabled: true, params: { offDelaySec: 5 }, updatedAt: at(2), updatedBy: 'root' })
      expect(await repos.ruleOverrides.list('site', 's1')).toEqual([replaced])
      expect(await repos.ruleOverrides.list('device', 'el-1')).toEqual([{ scope: 'device', scopeId: 'el-1', ruleId: 'EL-01', enabled: false, params: {}, ...base }])
      expect(await repos.ruleOverrides.list('site', 's2')).toEqual([])
      expect(await repos.ruleOverrides.all()).toHaveLength(2)
    })
  })

  describe('rejections', () => {
    const rejection = (n: number, deviceId: string | null = 'el-1', siteId: string | null = 's1') => ({
      at: at(n),
      topic: `bldg/s1/elevator/${deviceId ?? 'x'}/telemetry`,
      deviceId,
      siteId,
      reason: 'out-of-range' as const,
      message: `floor ${n} out of range`,
      payload: `{"floor":${n}}`,
    })

    it('lists newest first with filters, across pages', async () => {
      await repos.rejections.add([rejection(1), rejection(2, 'el-2'), rejection(3), rejection(4, null, null)])
      const all = await collect((cursor) => repos.rejections.list({}, { limit: 3, cursor }))
      expect(all.items.map((r) => r.message)).toEqual(['floor 4 out of range', 'floor 3 out of range', 'floor 2 out of range', 'floor 1 out of range'])
      expect(all.pages).toBe(2)
      expect(all.items[1]).toMatchObject({ ...rejection(3), id: expect.any(Number) })
      expect((await repos.rejections.list({ deviceId: 'el-1' }, { limit: 10 })).items.map((r) => r.payload)).toEqual(['{"floor":3}', '{"floor":1}'])
      expect((await repos.rejections.list({ siteIds: ['s1'] }, { limit: 10 })).items).toHaveLength(3)
    })

    it.each([
      [3, ['floor 10 out of range', 'floor 9 out of range', 'floor 8 out of range']],
      [20, Array.from({ length: 10 }, (_, i) => `floor ${10 - i} out of range`)],
      [0, []],
    ])('trim(%i) keeps only the newest rows', async (max, expected) => {
      await repos.rejections.add(Array.from({ length: 10 }, (_, i) => rejection(i + 1)))
      await repos.rejections.trim(max)
      expect((await repos.rejections.list({}, { limit: 100 })).items.map((r) => r.message)).toEqual(expected)
    })
  })

  describe('audit', () => {
    it('appends entries and lists them newest first by time range and actor', async () => {
      await repos.audit.append({ at: at(1), actor: 'admin', action: 'site.create', target: 'site:s1', address: '127.0.0.1', before: null, after: { id: 's1' } })
      await repos.audit.append({ at: at(2), actor: 'op1', action: 'alarm.ack', target: 'alarm:a1', address: null, before: { state: 'unacked' }, after: { state: 'acked' } })
      await repos.audit.append({ at: at(3), actor: 'admin', action: 'user.create', target: 'user:op2', address: null, before: null, after: null })
      const all = await repos.audit.list({}, { limit: 10 })
      expect(all.items.map((e) => e.action)).toEqual(['user.create', 'alarm.ack', 'site.create'])
      expect(all.items[1]).toMatchObject({ actor: 'op1', before: { state: 'unacked' }, after: { state: 'acked' }, address: null })
      expect((await repos.audit.list({ actor: 'admin', from: at(2) }, { limit: 10 })).items.map((e) => e.action)).toEqual(['user.create'])
      expect((await repos.audit.list({ to: at(2) }, { limit: 10 })).items.map((e) => e.action)).toEqual(['alarm.ack', 'site.create'])
      const paged = await collect((cursor) => repos.audit.list({}, { limit: 2, cursor }))
      expect(paged.items.map((e) => e.at)).toEqual([at(3), at(2), at(1)])
    })
  })

  describe('conditional writes (atomic across processes without a lock)', () => {
    it('records a re-notification once when two processes re-send the same round, and none after the acknowledgement', async () => {
      const n = {
        id: 'n1', to: 'li', kind: 'assignment' as const, subject: 'P1 lift', at: at(0), createdAt: at(0), workOrderId: null, siteId: 's1',
        priority: 1 as const, level: 0 as const, sentCount: 1, ackedAt: null, ackedBy: null,
      }
      await repos.notifications.insert(n)
      const [one, two] = await Promise.all([repos.notifications.markSent('n1', at(60), at(0)), repos.notifications.markSent('n1', at(60), at(0))])
      expect([one, two].filter((x) => x !== undefined)).toEqual([{ ...n, at: at(60), sentCount: 2 }])
      await repos.notifications.ack('n1', 'li', at(90))
      expect(await repos.notifications.markSent('n1', at(120), at(60))).toBeUndefined()
      expect(await repos.notifications.get('n1')).toMatchObject({ sentCount: 2, ackedBy: 'li' })
    })

    it('ends a shift once when two ends race', async () => {
      await repos.shifts.start({ id: 'sh1', username: 'li', startedAt: at(0), endedAt: null })
      const ends = await Promise.all([repos.shifts.end('li', at(10)), repos.shifts.end('li', at(11))])
      expect(ends.filter((e) => e !== undefined)).toHaveLength(1)
      expect(await repos.shifts.current('li')).toBeUndefined()
    })
  })

  describe('lifecycle', () => {
    it('reports healthy while open and not after close', async () => {
      expect(repos.health()).toEqual({ ok: true })
      await repos.close()
      expect(repos.health().ok).toBe(false)
    })

    it('keeps every committed row across close and reopen', async () => {
      await site('s1')
      await device('el-1')
      await repos.users.create({ username: 'u', passwordHash: 'h', role: 'viewer', displayName: 'U', skills: [], siteIds: [], permissions: [] })
      await repos.alarms.insert(alarm({ id: 'a1' }), entry(0, null, 'unacked'))
      await repos.deviceStates.saveMany([{ deviceId: 'el-1', state: { floor: 3 }, online: true, lastSeen: at(1), lastSeq: 5 }])
      repos = await fx.reopen()
      expect(await repos.sites.get('s1')).toMatchObject({ id: 's1' })
      expect(await repos.devices.getSecretHash('el-1')).toBe('hash-el-1')
      expect(await repos.users.getPasswordHash('u')).toBe('h')
      expect(await repos.alarms.findOpen('el-1', 'EL-01')).toMatchObject({ id: 'a1', state: 'unacked' })
      expect(await repos.deviceStates.loadAll()).toEqual([{ deviceId: 'el-1', state: { floor: 3 }, online: true, lastSeen: at(1), lastSeq: 5 }])
    })
  })
})

describe.each(['sqlite', 'postgres'] as const)('floor plans on %s (issue #6 item 8)', (dialect) => {
  let fx: Fixture
  let repos: Repos
  beforeEach(async () => {
    fx = await openFixture(dialect)
    repos = fx.repos
    await repos.sites.create({ id: 's1', name: 'Site s1', timezone: 'UTC' })
  })
  afterEach(async () => {
    await fx.dispose()
  })
  const image = (floor: number, path: string, building = 'Tower A座') => ({
    siteId: 's1', building, floor, contentType: 'image/png' as const, width: 1200, height: 700, size: 4096, path, uploadedBy: 'admin', uploadedAt: at(floor),
  })

  it('stores a plan, keeps positions across a new image, lists by building then floor, and deletes', async () => {
    const first = await repos.floorPlans.putImage(image(3, 's1/a.png'))
    expect(first).toMatchObject({ floor: 3, width: 1200, positions: [], updatedAt: at(3) })
    const placed = await repos.floorPlans.setPositions(first, [{ deviceId: 'd1', x: 0.25, y: 0.5 }], at(10))
    expect(placed?.positions).toEqual([{ deviceId: 'd1', x: 0.25, y: 0.5 }])
    const replaced = await repos.floorPlans.putImage({ ...image(3, 's1/b.png'), width: 800 })
    expect(replaced).toMatchObject({ path: 's1/b.png', width: 800, positions: [{ deviceId: 'd1', x: 0.25, y: 0.5 }] })
    await repos.floorPlans.putImage(image(-1, 's1/c.png'))
    await repos.floorPlans.putImage(image(2, 's1/d.png', 'B'))
    const reopened = await fx.reopen()
    expect((await reopened.floorPlans.list('s1')).map((p) => `${p.building}/${p.floor}`)).toEqual(['B/2', 'Tower A座/-1', 'Tower A座/3'])
    expect(await reopened.floorPlans.delete({ siteId: 's1', building: 'Tower A座', floor: 3 })).toBe(true)
    expect(await reopened.floorPlans.get({ siteId: 's1', building: 'Tower A座', floor: 3 })).toBeUndefined()
    expect(await reopened.floorPlans.setPositions({ siteId: 's1', building: 'Tower A座', floor: 3 }, [], at(20))).toBeUndefined()
    expect(await reopened.floorPlans.delete({ siteId: 's1', building: 'Tower A座', floor: 3 })).toBe(false)
  })
})
