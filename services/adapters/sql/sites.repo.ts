import type { Kysely, Selectable } from 'kysely'
import { AppError } from '../../core/errors.js'
import type { Site } from '../../core/model.js'
import type { SiteRepo } from '../../core/ports.js'
import { decodeCursor, fromJson, pageLimit, siteScope, toJson, toPage } from './codec.js'
import { constraintViolation } from './dialect.js'
import type { Database, SitesTable } from './schema.js'

const toSite = (r: Selectable<SitesTable>): Site => ({
  id: r.id,
  name: r.name,
  timezone: r.timezone,
  settings: fromJson<Record<string, unknown>>(r.settings, {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export function createSiteRepo(db: Kysely<Database>, now: () => string): SiteRepo {
  const get = async (id: string): Promise<Site | undefined> => {
    const r = await db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst()
    return r && toSite(r)
  }
  return {
    async create(s) {
      const at = now()
      const row = { id: s.id, name: s.name, timezone: s.timezone, settings: toJson({}), created_at: at, updated_at: at }
      try {
        await db.insertInto('sites').values(row).execute()
      } catch (err) {
        if (constraintViolation(err) === 'unique') throw new AppError('SITE_EXISTS', `site ${s.id} already exists`)
        throw err
      }
      return toSite(row)
    },
    get,
    async list(filter, page) {
      const limit = pageLimit(page)
      const after = decodeCursor<[string]>(page.cursor, ['string'])
      const scope = siteScope(filter.siteIds)
      let q = db.selectFrom('sites').selectAll().orderBy('id').limit(limit + 1)
      if (scope) q = q.where('id', 'in', scope)
      if (after) q = q.where('id', '>', after[0])
      return toPage(await q.execute(), limit, toSite, (r) => [r.id])
    },
    // `settings` replaces the stored object: the caller merges (it knows which keys it owns).
    async update(id, patch) {
      const r = await db
        .updateTable('sites')
        .set({
          updated_at: now(),
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.timezone !== undefined && { timezone: patch.timezone }),
          ...(patch.settings !== undefined && { settings: toJson(patch.settings) }),
        })
        .where('id', '=', id)
        .executeTakeFirst()
      return Number(r.numUpdatedRows) > 0 ? get(id) : undefined
    },
  }
}
