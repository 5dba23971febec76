// The access-event and refresh-token repositories on both databases (SQLite file, and a fresh
// PostgreSQL database; it fails, never skips, when PostgreSQL is unreachable).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openSqlRepos } from '../../services/adapters/sql/sql-repos.js'
import type { Repos } from '../../services/core/ports.js'

const PG_ADMIN_URL = process.env.VIGIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const T0 = Date.UTC(2026, 0, 1)
const at = (sec: number): string => new Date(T0 + sec * 1000).toISOString()

async function pgAdmin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL })
  await c.connect()
  try { await c.query(sql) } finally { await c.end() }
}

describe.each(['sqlite', 'postgres'] as const)('security repositories on %s', (dialect) => {
  let repos: Repos
  let dispose: () => Promise<void>

  beforeEach(async () => {
    if (dialect === 'sqlite') {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-secrepo-'))
      repos = await openSqlRepos({ dataDir })
      dispose = async () => { await repos.close(); fs.rmSync(dataDir, { recursive: true, force: true }) }
    } else {
      const name = `vigil_sec_${randomBytes(6).toString('hex')}`
      await pgAdmin(`CREATE DATABASE ${name}`)
      const url = new URL(PG_ADMIN_URL)
      url.pathname = `/${name}`
      repos = await openSqlRepos({ url: url.toString() })
      dispose = async () => { await repos.close(); await pgAdmin(`DROP DATABASE ${name}`) }
    }
  })
  afterEach(async () => dispose())

  it('stores access events in batches, filters, pages newest first and deletes strictly older ones', async () => {
    const row = (sec: number, siteId = 's1', deviceId = 'd1') => ({ siteId, deviceId, at: at(sec), event: 'granted', credentialType: 'card', credentialToken: `tok-${sec}`, subjectRef: `subj-${sec}`, reason: null })
    await repos.accessEvents.addMany([...Array.from({ length: 1200 }, (_, i) => row(i)), row(5000, 's2', 'd2')])
    const page = await repos.accessEvents.list({ siteIds: ['s1'], from: at(100), to: at(199) }, { limit: 60 })
    expect(page.items).toHaveLength(60)
    expect(page.items[0]).toMatchObject({ at: at(199), credentialToken: 'tok-199', subjectRef: 'subj-199' })
    const rest = await repos.accessEvents.list({ siteIds: ['s1'], from: at(100), to: at(199) }, { limit: 60, cursor: page.next! })
    expect(rest.items).toHaveLength(40)
    expect(rest.next).toBeNull()
    expect((await repos.accessEvents.list({ siteIds: [] }, { limit: 10 })).items).toEqual([])
    expect((await repos.accessEvents.list({ deviceId: 'd2' }, { limit: 10 })).items.map((e) => e.siteId)).toEqual(['s2'])
    expect(await repos.accessEvents.deleteBefore(at(1000))).toBe(1000)
    expect((await repos.accessEvents.list({}, { limit: 1000 })).items.map((e) => e.at).at(-1)).toBe(at(1000))
    const first = (await repos.accessEvents.list({ deviceId: 'd2' }, { limit: 1 })).items[0]!
    expect(await repos.accessEvents.get(first.id)).toEqual(first)
    expect(await repos.accessEvents.get(999_999)).toBeUndefined()
  })

  it('revokes a refresh token once (the second of two racing refreshes loses) and a whole family', async () => {
    for (const [hash, family] of [['h1', 'f1'], ['h2', 'f1'], ['h3', 'f2']]) {
      await repos.refreshTokens.insert({ tokenHash: hash!, username: 'admin', familyId: family!, createdAt: at(0), expiresAt: at(3600) })
    }
    const [a, b] = await Promise.all([repos.refreshTokens.revoke('h1', at(1)), repos.refreshTokens.revoke('h1', at(1))])
    expect([a, b].filter(Boolean)).toHaveLength(1)
    await repos.refreshTokens.revokeFamily('f1', at(2))
    expect((await repos.refreshTokens.get('h2'))?.revokedAt).toBe(at(2))
    expect((await repos.refreshTokens.get('h3'))?.revokedAt).toBeNull()
    await repos.refreshTokens.deleteExpired(at(3601))
    expect(await repos.refreshTokens.get('h3')).toBeUndefined()
  })
})
