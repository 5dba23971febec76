// The read-only alarm queries of the flood monitor and the KPI report (DOMAIN.md §4.3, §4.4),
// kept apart from alarms.repo.ts so that file stays about the lifecycle's writes.
import type { Kysely } from 'kysely'
import type { Alarm } from '../../core/model.js'
import type { AlarmRepo } from '../../core/ports.js'
import { fromAlarmRow, fromHistoryRow } from './alarm-row.js'
import { iso, siteScope, toBool } from './codec.js'
import type { Database } from './schema.js'

/** History actions that annunciate (core/alarms/alarm-lifecycle.ts ANNUNCIATING_ACTIONS). */
const ANNUNCIATIONS = ['raised', 'reactivated']
/** SQLite's default bound on host parameters is 32766; stay well under it per IN list. */
const ID_CHUNK = 500

export function createAlarmReportQueries(db: Kysely<Database>): Pick<AlarmRepo, 'annunciationsSince' | 'listForReport'> {
  return {
    async annunciationsSince(since) {
      const rows = await db
        .selectFrom('alarm_history as h')
        .innerJoin('alarms as a', 'a.id', 'h.alarm_id')
        .select(['a.site_id', 'h.at'])
        .where('h.at', '>=', iso(since))
        .where('h.action', 'in', ANNUNCIATIONS)
        .where('a.drill', '=', toBool(false))
        .orderBy('h.at')
        .execute()
      return rows.map((r) => ({ siteId: r.site_id, at: r.at }))
    },
    async listForReport(filter) {
      const from = iso(filter.from)
      const to = iso(filter.to)
      const scope = siteScope(filter.siteIds)
      let q = db
        .selectFrom('alarms')
        .selectAll()
        .where('drill', '=', toBool(false))
        .where('raised_at', '<', to)
        .where((eb) =>
          eb.or([
            eb('state', '<>', 'normal'),
            eb('id', 'in', eb.selectFrom('alarm_history').select('alarm_id').where('at', '>=', from).where('at', '<', to)),
          ]),
        )
      if (scope) q = q.where('site_id', 'in', scope)
      if (filter.siteId !== undefined) q = q.where('site_id', '=', filter.siteId)
      const alarms = (await q.orderBy('raised_at').orderBy('id').execute()).map(fromAlarmRow)
      const byId = new Map<string, Alarm>(alarms.map((a) => [a.id, { ...a, history: [] }]))
      const ids = [...byId.keys()]
      for (let i = 0; i < ids.length; i += ID_CHUNK) {
        const rows = await db.selectFrom('alarm_history').selectAll().where('alarm_id', 'in', ids.slice(i, i + ID_CHUNK)).orderBy('id').execute()
        for (const r of rows) byId.get(r.alarm_id)?.history?.push(fromHistoryRow(r))
      }
      return [...byId.values()]
    },
  }
}
