// Emergencies (DOMAIN.md §6): the object as JSON beside the columns the lists filter on, and the
// append-only history (rows are only inserted, never updated).
import { sql, type Kysely, type Transaction } from 'kysely'
import { AppError } from '../../core/errors.js'
import type { Emergency, EmergencyHistoryEntry, EmergencyLevel, EmergencyStage } from '../../core/emergencies/emergency.js'
import type { Changed, EmergencyRepo, EmergencyStep } from '../../core/ports.js'
import { decodeCursor, fromJson, pageLimit, siteScope, toBool, toJson, toPage } from './codec.js'
import { lockingRead, type DialectName } from './dialect.js'
import type { Database } from './schema.js'

const row = (e: Emergency) => {
  const { history: _history, ...doc } = e
  return { id: e.id, site_id: e.siteId, stage: e.stage, drill: toBool(e.drill), opened_at: e.openedAt, doc: toJson(doc) }
}
const historyRows = (id: string, entries: readonly EmergencyHistoryEntry[]) =>
  entries.map((h) => ({ emergency_id: id, at: h.at, actor: h.actor, action: h.action, level: h.level, stage: h.stage, note: h.note }))

async function insertIn(trx: Transaction<Database>, e: Emergency, entries: readonly EmergencyHistoryEntry[]): Promise<void> {
  await trx.insertInto('emergencies').values(row(e)).execute()
  if (entries.length) await trx.insertInto('emergency_history').values(historyRows(e.id, entries)).execute()
}

export function createEmergencyRepo(db: Kysely<Database>, dialect: DialectName): EmergencyRepo {
  async function changeIn(trx: Transaction<Database>, id: string, step: EmergencyStep): Promise<Changed<Emergency> | undefined> {
    const found = await lockingRead(trx.selectFrom('emergencies').select('doc').where('id', '=', id), dialect).executeTakeFirst()
    if (!found) return undefined
    const current = fromJson<Emergency>(found.doc, {} as Emergency)
    const next = step(current)
    if (next === null) return { value: current, changed: false }
    const { id: _id, ...set } = row(next.emergency)
    await trx.updateTable('emergencies').set(set).where('id', '=', id).execute()
    if (next.entries.length) await trx.insertInto('emergency_history').values(historyRows(id, next.entries)).execute()
    return { value: next.emergency, changed: true }
  }

  const get: EmergencyRepo['get'] = async (id, opts) => {
    const r = await db.selectFrom('emergencies').select('doc').where('id', '=', id).executeTakeFirst()
    if (!r) return undefined
    const e = fromJson<Emergency>(r.doc, {} as Emergency)
    if (!opts?.withHistory) return e
    const rows = await db.selectFrom('emergency_history').selectAll().where('emergency_id', '=', id).orderBy('id').execute()
    return { ...e, history: rows.map((h) => ({ at: h.at, actor: h.actor, action: h.action, level: h.level as EmergencyLevel, stage: h.stage as EmergencyStage, note: h.note })) }
  }
  return {
    get,
    async insert(e, entries) {
      await db.transaction().execute((trx) => insertIn(trx, e, entries))
      return e
    },
    change: (id, step) => db.transaction().execute((trx) => changeIn(trx, id, step)),
    openOrJoin: (siteId, decide) => db.transaction().execute(async (trx) => {
      // PostgreSQL: an advisory lock on the site until this transaction ends. SQLite: the transaction
      // already holds Vigil's only connection.
      if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`vigil.emergency-site:${siteId}`}))`.execute(trx)
      const rows = await trx.selectFrom('emergencies').select('doc').where('site_id', '=', siteId).where('stage', '<>', 'closed').orderBy('opened_at', 'desc').orderBy('id', 'desc').execute()
      const choice = decide(rows.map((r) => fromJson<Emergency>(r.doc, {} as Emergency)))
      if ('open' in choice) {
        await insertIn(trx, choice.open, choice.entries)
        return { value: choice.open, changed: true, opened: true }
      }
      const joined = await changeIn(trx, choice.join, choice.step)
      if (!joined) throw new AppError('EMERGENCY_NOT_FOUND', `emergency ${choice.join} not found`)
      return { ...joined, opened: false }
    }),
    async list(filter, page) {
      const limit = pageLimit(page)
      const after = decodeCursor<[string, string]>(page.cursor, ['string', 'string'])
      let q = db.selectFrom('emergencies').select(['id', 'opened_at', 'doc']).orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(limit + 1)
      const sites = siteScope(filter.siteIds)
      if (sites) q = q.where('site_id', 'in', sites)
      if (filter.siteId !== undefined) q = q.where('site_id', '=', filter.siteId)
      if (filter.open) q = q.where('stage', '<>', 'closed')
      if (filter.drill !== undefined) q = q.where('drill', '=', toBool(filter.drill))
      if (filter.from !== undefined) q = q.where('opened_at', '>=', filter.from)
      if (filter.to !== undefined) q = q.where('opened_at', '<', filter.to)
      if (after) {
        const [openedAt, id] = after
        q = q.where((eb) => eb.or([eb('opened_at', '<', openedAt), eb.and([eb('opened_at', '=', openedAt), eb('id', '<', id)])]))
      }
      return toPage(await q.execute(), limit, (r) => fromJson<Emergency>(r.doc, {} as Emergency), (r) => [r.opened_at, r.id])
    },
  }
}
