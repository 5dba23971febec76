import type { Kysely, Selectable } from 'kysely'
import { AppError } from '../../core/errors.js'
import type { Rejection, RejectionReason } from '../../core/model.js'
import type { RejectionRepo } from '../../core/ports.js'
import { decodeCursor, iso, pageLimit, siteScope, toNum, toPage } from './codec.js'
import type { Database, RejectionsTable } from './schema.js'

const CHUNK = 500

const toRejection = (r: Selectable<RejectionsTable>): Rejection => ({
  id: toNum(r.id),
  at: r.at,
  topic: r.topic,
  deviceId: r.device_id,
  siteId: r.site_id,
  reason: r.reason as RejectionReason,
  message: r.message,
  payload: r.payload,
})

export function createRejectionRepo(db: Kysely<Database>): RejectionRepo {
  return {
    async add(rows) {
      if (rows.length === 0) return
      const values = rows.map((r) => ({
        at: iso(r.at),
        topic: r.topic,
        device_id: r.deviceId,
        site_id: r.siteId,
        reason: r.reason,
        message: r.message,
        payload: r.payload,
      }))
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < values.length; i += CHUNK) await trx.insertInto('rejections').values(values.slice(i, i + CHUNK)).execute()
      })
    },
    // Newest first: the dead-letter list is read to see what is going wrong now.
    async list(filter, page) {
      const limit = pageLimit(page)
      const after = decodeCursor<[number]>(page.cursor, ['number'])
      const scope = siteScope(filter.siteIds)
      let q = db.selectFrom('rejections').selectAll().orderBy('id', 'desc').limit(limit + 1)
      if (filter.deviceId !== undefined) q = q.where('device_id', '=', filter.deviceId)
      if (scope) q = q.where('site_id', 'in', scope)
      if (after) q = q.where('id', '<', after[0])
      return toPage(await q.execute(), limit, toRejection, (r) => [toNum(r.id)])
    },
    // CONTRACT.md §2: the dead-letter list is bounded.
    async trim(max) {
      if (!Number.isInteger(max) || max < 0) throw new AppError('VALIDATION_FAILED', 'trim needs a non-negative integer')
      const oldestKept = await db.selectFrom('rejections').select('id').orderBy('id', 'desc').offset(max).limit(1).executeTakeFirst()
      if (oldestKept) await db.deleteFrom('rejections').where('id', '<=', oldestKept.id).execute()
    },
  }
}
