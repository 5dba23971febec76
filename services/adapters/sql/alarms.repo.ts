import type { Kysely } from 'kysely'
import { AppError } from '../../core/errors.js'
import type { Alarm } from '../../core/model.js'
import type { AlarmRepo, AlarmTarget } from '../../core/ports.js'
import { fromAlarmRow, fromHistoryRow, toAlarmRow, toHistoryRow } from './alarm-row.js'
import { createAlarmReportQueries } from './alarm-report.queries.js'
import { decodeCursor, pageLimit, siteScope, toPage } from './codec.js'
import { constraintViolation, lockingRead, type DialectName } from './dialect.js'
import type { Database } from './schema.js'

// A conflicting open alarm can close between our INSERT and our read; then we simply try again.
const INSERT_ATTEMPTS = 3

function selectTarget(trx: Kysely<Database>, target: AlarmTarget) {
  const q = trx.selectFrom('alarms').selectAll()
  return 'id' in target ? q.where('id', '=', target.id) : q.where('device_id', '=', target.deviceId).where('rule_id', '=', target.ruleId).where('state', '<>', 'normal')
}

export function createAlarmRepo(db: Kysely<Database>, dialect: DialectName): AlarmRepo {
  const findOpen = async (deviceId: string, ruleId: string): Promise<Alarm | undefined> => {
    const r = await db
      .selectFrom('alarms')
      .selectAll()
      .where('device_id', '=', deviceId)
      .where('rule_id', '=', ruleId)
      .where('state', '<>', 'normal')
      .executeTakeFirst()
    return r && fromAlarmRow(r)
  }

  return {
    findOpen,
    ...createAlarmReportQueries(db),
    async setEmergency(alarmId, emergencyId) {
      // Only this column: the alarm's lifecycle saves stay the alarm service's (issue #4 part 2).
      await db.updateTable('alarms').set({ emergency_id: emergencyId }).where('id', '=', alarmId).execute()
      const r = await db.selectFrom('alarms').selectAll().where('id', '=', alarmId).executeTakeFirst()
      return r && fromAlarmRow(r)
    },
    async listOutOfService(workOrderId) {
      const rows = await db.selectFrom('alarms').selectAll().where('state', '=', 'out-of-service').where('oos_work_order_id', '=', workOrderId).orderBy('id').execute()
      return rows.map(fromAlarmRow)
    },
    async listOpen() {
      const rows = await db.selectFrom('alarms').selectAll().where('state', '<>', 'normal').orderBy('id').execute()
      return rows.map(fromAlarmRow)
    },
    // ARCHITECTURE.md "Durability": INSERT … ON CONFLICT DO NOTHING against the partial unique
    // index on (device_id, rule_id) WHERE state <> 'normal' is the atomic upsert; no read-then-write race.
    async insert(alarm, entry) {
      const row = toAlarmRow(alarm)
      for (let attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
        const created = await db.transaction().execute(async (trx) => {
          const inserted = await trx.insertInto('alarms').values(row).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst()
          if (inserted === undefined) return false
          await trx.insertInto('alarm_history').values(toHistoryRow(alarm.id, entry)).execute()
          return true
        })
        if (created) return { alarm: fromAlarmRow(row), created: true }
        const existing = await findOpen(alarm.deviceId, alarm.ruleId)
        if (existing) return { alarm: existing, created: false }
        const sameId = await db.selectFrom('alarms').select('id').where('id', '=', alarm.id).executeTakeFirst()
        if (sameId) throw new AppError('ALARM_TRANSITION_NOT_ALLOWED', `alarm id ${alarm.id} is already used`)
      }
      throw new AppError('DEPENDENCY_DOWN', `could not insert alarm ${alarm.ruleId} on ${alarm.deviceId}`)
    },
    async change(target, step) {
      try {
        return await db.transaction().execute(async (trx) => {
          const found = await lockingRead(selectTarget(trx, target), dialect).executeTakeFirst()
          if (!found) return undefined
          const current = fromAlarmRow(found)
          const next = step(current)
          if (next === null) return { value: current, changed: false }
          const { id, ...rest } = toAlarmRow(next.alarm)
          // The row was read under the lock, so its links are the newest; `step` keeps them.
          await trx.updateTable('alarms').set(rest).where('id', '=', id).execute()
          await trx.insertInto('alarm_history').values(toHistoryRow(id, next.entry)).execute()
          return { value: next.alarm, changed: true }
        })
      } catch (err) {
        if (constraintViolation(err) === 'unique') throw new AppError('ALARM_TRANSITION_NOT_ALLOWED', 'another alarm of the same device and rule is open')
        throw err
      }
    },
    async get(id, opts) {
      const r = await db.selectFrom('alarms').selectAll().where('id', '=', id).executeTakeFirst()
      if (!r) return undefined
      const alarm = fromAlarmRow(r)
      if (opts?.withHistory) {
        const h = await db.selectFrom('alarm_history').selectAll().where('alarm_id', '=', id).orderBy('id').execute()
        alarm.history = h.map(fromHistoryRow)
      }
      return alarm
    },
    async list(filter, page) {
      const limit = pageLimit(page)
      const after = decodeCursor<[number, string, string]>(page.cursor, ['number', 'string', 'string'])
      if (filter.states !== undefined && filter.states.length === 0) return { items: [], next: null }
      const scope = siteScope(filter.siteIds)
      let q = db
        .selectFrom('alarms')
        .selectAll()
        .orderBy('priority', 'asc')
        .orderBy('raised_at', 'desc')
        .orderBy('id', 'asc')
        .limit(limit + 1)
      if (filter.states !== undefined) q = q.where('state', 'in', filter.states)
      if (scope) q = q.where('site_id', 'in', scope)
      if (filter.siteId !== undefined) q = q.where('site_id', '=', filter.siteId)
      if (filter.deviceId !== undefined) q = q.where('device_id', '=', filter.deviceId)
      if (filter.priority !== undefined) q = q.where('priority', '=', filter.priority)
      if (after) {
        const [p, raisedAt, id] = after
        q = q.where((eb) =>
          eb.or([
            eb('priority', '>', p),
            eb.and([eb('priority', '=', p), eb('raised_at', '<', raisedAt)]),
            eb.and([eb('priority', '=', p), eb('raised_at', '=', raisedAt), eb('id', '>', id)]),
          ]),
        )
      }
      return toPage(await q.execute(), limit, fromAlarmRow, (r) => [Number(r.priority), r.raised_at, r.id])
    },
  }
}
