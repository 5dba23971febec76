// Flood periods per site (DOMAIN.md §4.3), recorded for the KPI report (§4.4).
import type { Kysely, Selectable } from 'kysely'
import type { FloodPeriod } from '../../core/model.js'
import type { FloodPeriodRepo } from '../../core/ports.js'
import { iso, siteScope, toNum } from './codec.js'
import type { Database, FloodPeriodsTable } from './schema.js'

const fromRow = (r: Selectable<FloodPeriodsTable>): FloodPeriod => ({
  id: toNum(r.id),
  siteId: r.site_id,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  peakCount: Number(r.peak_count),
})

export function createFloodPeriodRepo(db: Kysely<Database>): FloodPeriodRepo {
  return {
    async open(siteId, startedAt, peakCount) {
      const r = await db
        .insertInto('flood_periods')
        .values({ site_id: siteId, started_at: iso(startedAt), ended_at: null, peak_count: peakCount })
        .returning('id')
        .executeTakeFirstOrThrow()
      return toNum(r.id)
    },
    async close(id, endedAt, peakCount) {
      await db.updateTable('flood_periods').set({ ended_at: iso(endedAt), peak_count: peakCount }).where('id', '=', id).execute()
    },
    async listOpen() {
      return (await db.selectFrom('flood_periods').selectAll().where('ended_at', 'is', null).orderBy('id').execute()).map(fromRow)
    },
    async list(filter) {
      const scope = siteScope(filter.siteIds)
      let q = db
        .selectFrom('flood_periods')
        .selectAll()
        .where('started_at', '<', iso(filter.to))
        .where((eb) => eb.or([eb('ended_at', 'is', null), eb('ended_at', '>', iso(filter.from))]))
      if (scope) q = q.where('site_id', 'in', scope)
      if (filter.siteId !== undefined) q = q.where('site_id', '=', filter.siteId)
      return (await q.orderBy('started_at').orderBy('id').execute()).map(fromRow)
    },
  }
}
