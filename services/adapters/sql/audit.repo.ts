import type { Kysely, Selectable } from 'kysely'
import type { AuditEntry, AuditRepo } from '../../core/ports.js'
import { decodeCursor, fromJson, iso, pageLimit, toJson, toNum, toPage } from './codec.js'
import type { AuditTable, Database } from './schema.js'

const toEntry = (r: Selectable<AuditTable>): AuditEntry & { id: number } => ({
  id: toNum(r.id),
  at: r.at,
  actor: r.actor,
  action: r.action,
  target: r.target,
  address: r.address,
  before: fromJson<unknown>(r.before, null),
  after: fromJson<unknown>(r.after, null),
})

// Append-only (ARCHITECTURE.md "Durability"): there is no update or delete here on purpose.
export function createAuditRepo(db: Kysely<Database>): AuditRepo {
  return {
    async append(e) {
      await db
        .insertInto('audit')
        .values({
          at: iso(e.at),
          actor: e.actor,
          action: e.action,
          target: e.target,
          address: e.address,
          before: e.before === undefined ? null : toJson(e.before),
          after: e.after === undefined ? null : toJson(e.after),
        })
        .execute()
    },
    async list(filter, page) {
      const limit = pageLimit(page)
      const after = decodeCursor<[number]>(page.cursor, ['number'])
      let q = db.selectFrom('audit').selectAll().orderBy('id', 'desc').limit(limit + 1)
      if (filter.from !== undefined) q = q.where('at', '>=', iso(filter.from))
      if (filter.to !== undefined) q = q.where('at', '<=', iso(filter.to))
      if (filter.actor !== undefined) q = q.where('actor', '=', filter.actor)
      if (after) q = q.where('id', '<', after[0])
      return toPage(await q.execute(), limit, toEntry, (r) => [toNum(r.id)])
    },
  }
}
