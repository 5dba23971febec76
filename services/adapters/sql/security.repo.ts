// Personal-data access events (DOMAIN.md §7.3) and login sessions (refresh tokens, stored as a
// SHA-256 of the token so a database leak does not hand out sessions).
import type { Kysely, Selectable } from 'kysely'
import type { AccessEventRecord, AccessEventRepo, RefreshTokenRepo } from '../../core/ports.js'
import { decodeCursor, iso, pageLimit, toNum, toPage } from './codec.js'
import type { AccessEventsTable, Database } from './schema.js'

const toRecord = (r: Selectable<AccessEventsTable>): AccessEventRecord => ({
  id: toNum(r.id),
  siteId: r.site_id,
  deviceId: r.device_id,
  at: r.at,
  event: r.event,
  credentialType: r.credential_type,
  credentialToken: r.credential_token,
  subjectRef: r.subject_ref,
  reason: r.reason,
})

export function createAccessEventRepo(db: Kysely<Database>): AccessEventRepo {
  return {
    async addMany(rows) {
      if (rows.length === 0) return
      // One statement per batch: the ingest hot path commits access events in groups, never one by one.
      for (let i = 0; i < rows.length; i += 500) {
        await db.insertInto('access_events').values(rows.slice(i, i + 500).map((e) => ({
          site_id: e.siteId, device_id: e.deviceId, at: iso(e.at), event: e.event,
          credential_type: e.credentialType, credential_token: e.credentialToken, subject_ref: e.subjectRef, reason: e.reason,
        }))).execute()
      }
    },
    async get(id) {
      const r = await db.selectFrom('access_events').selectAll().where('id', '=', id).executeTakeFirst()
      return r === undefined ? undefined : toRecord(r)
    },
    async list(filter, page) {
      const limit = pageLimit(page)
      const after = decodeCursor<[number]>(page.cursor, ['number'])
      let q = db.selectFrom('access_events').selectAll().orderBy('id', 'desc').limit(limit + 1)
      if (filter.siteIds !== undefined) q = q.where('site_id', 'in', filter.siteIds.length > 0 ? filter.siteIds : [''])
      if (filter.siteId !== undefined) q = q.where('site_id', '=', filter.siteId)
      if (filter.deviceId !== undefined) q = q.where('device_id', '=', filter.deviceId)
      if (filter.from !== undefined) q = q.where('at', '>=', iso(filter.from))
      if (filter.to !== undefined) q = q.where('at', '<=', iso(filter.to))
      if (after) q = q.where('id', '<', after[0])
      return toPage(await q.execute(), limit, toRecord, (r) => [toNum(r.id)])
    },
    async deleteBefore(at) {
      const res = await db.deleteFrom('access_events').where('at', '<', iso(at)).executeTakeFirst()
      return Number(res.numDeletedRows)
    },
  }
}

export function createRefreshTokenRepo(db: Kysely<Database>): RefreshTokenRepo {
  return {
    async insert(t) {
      await db.insertInto('refresh_tokens').values({
        token_hash: t.tokenHash, username: t.username, family_id: t.familyId, created_at: iso(t.createdAt), expires_at: iso(t.expiresAt), revoked_at: null,
      }).execute()
    },
    async get(tokenHash) {
      const r = await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
      return r === undefined ? undefined : {
        tokenHash: r.token_hash, username: r.username, familyId: r.family_id, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at,
      }
    },
    async revoke(tokenHash, at) {
      // Conditional update: of two concurrent refreshes with one token, exactly one wins.
      const res = await db.updateTable('refresh_tokens').set({ revoked_at: iso(at) }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst()
      return Number(res.numUpdatedRows) > 0
    },
    async revokeFamily(familyId, at) {
      await db.updateTable('refresh_tokens').set({ revoked_at: iso(at) }).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute()
    },
    async deleteExpired(before) {
      await db.deleteFrom('refresh_tokens').where('expires_at', '<', iso(before)).execute()
    },
  }
}
