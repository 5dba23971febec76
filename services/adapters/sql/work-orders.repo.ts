// Work orders in SQL (DOMAIN.md §5): the row, its append-only history and its attachments.
import type { Kysely, Transaction } from 'kysely'
import { AppError } from '../../core/errors.js'
import type { Alarm } from '../../core/model.js'
import type { WorkOrderRepo } from '../../core/ports.js'
import type { WorkOrder } from '../../core/work-orders/work-order.js'
import { WORKLOAD_STATUSES } from '../../core/work-orders/work-order.js'
import { fromAlarmRow } from './alarm-row.js'
import { decodeCursor, fromJson, pageLimit, siteScope, toJson, toPage } from './codec.js'
import { constraintViolation, lockingRead, type DialectName } from './dialect.js'
import type { Database } from './schema.js'
import {
  fromAttachmentRow, fromWoHistoryRow, fromWorkOrderRow, openKeyOf, toAttachmentRow, toWoHistoryRow, toWorkOrderRow,
} from './work-order-row.js'

// A conflicting open work order can close between our INSERT and our read; then we try again.
const INSERT_ATTEMPTS = 3

// The alarm row is locked from the read to the write: a link made by another process meanwhile
// (or the alarm service saving the row) is read, not overwritten.
async function linkAlarmIn(trx: Transaction<Database>, dialect: DialectName, alarmId: string, workOrderId: string): Promise<Alarm | undefined> {
  const row = await lockingRead(trx.selectFrom('alarms').selectAll().where('id', '=', alarmId), dialect).executeTakeFirst()
  if (!row) return undefined
  const ids = fromJson<string[]>(row.work_order_ids, [])
  if (ids.includes(workOrderId)) return fromAlarmRow(row)
  const next = { ...row, work_order_ids: toJson([...ids, workOrderId]) }
  await trx.updateTable('alarms').set({ work_order_ids: next.work_order_ids }).where('id', '=', alarmId).execute()
  return fromAlarmRow(next)
}

export function createWorkOrderRepo(db: Kysely<Database>, dialect: DialectName): WorkOrderRepo {
  async function withAttachments(items: WorkOrder[], q: Kysely<Database> = db): Promise<WorkOrder[]> {
    if (items.length === 0) return items
    const rows = await q.selectFrom('work_order_attachments').selectAll().where('work_order_id', 'in', items.map((w) => w.id)).orderBy('uploaded_at').orderBy('id').execute()
    const byWo = new Map<string, WorkOrder['attachments']>()
    for (const r of rows) {
      const { path: _path, ...a } = fromAttachmentRow(r)
      byWo.set(a.workOrderId, [...(byWo.get(a.workOrderId) ?? []), a])
    }
    return items.map((w) => ({ ...w, attachments: byWo.get(w.id) ?? [] }))
  }

  const findOpen = async (key: string): Promise<WorkOrder | undefined> => {
    const r = await db.selectFrom('work_orders').selectAll().where('open_key', '=', key).executeTakeFirst()
    return r && fromWorkOrderRow(r)
  }

  const get: WorkOrderRepo['get'] = async (id, opts) => {
    const r = await db.selectFrom('work_orders').selectAll().where('id', '=', id).executeTakeFirst()
    if (!r) return undefined
    const [wo] = await withAttachments([fromWorkOrderRow(r)])
    if (!wo) return undefined
    if (opts?.withHistory) {
      const h = await db.selectFrom('work_order_history').selectAll().where('work_order_id', '=', id).orderBy('id').execute()
      wo.history = h.map(fromWoHistoryRow)
    }
    return wo
  }

  return {
    get,
    // INSERT … ON CONFLICT DO NOTHING against the unique open_key is the atomic "one open work
    // order per (device, rule, skill)": two alarms racing can never open two.
    async insert(wo, entry) {
      const row = toWorkOrderRow(wo)
      const key = openKeyOf(wo)
      for (let attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
        const created = await db.transaction().execute(async (trx) => {
          const inserted = await trx.insertInto('work_orders').values(row).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst()
          if (inserted === undefined) return false
          await trx.insertInto('work_order_history').values(toWoHistoryRow(wo.id, entry)).execute()
          if (wo.alarmId !== null) await linkAlarmIn(trx, dialect, wo.alarmId, wo.id)
          return true
        })
        if (created) return { workOrder: { ...fromWorkOrderRow(row), attachments: [] }, created: true }
        const existing = key === null ? undefined : await findOpen(key)
        if (existing) return { workOrder: existing, created: false }
        if (await db.selectFrom('work_orders').select('id').where('id', '=', wo.id).executeTakeFirst()) {
          throw new AppError('WORK_ORDER_TRANSITION_NOT_ALLOWED', `work order id ${wo.id} is already used`)
        }
      }
      throw new AppError('DEPENDENCY_DOWN', `could not insert work order ${wo.id}`)
    },
    async change(id, step) {
      try {
        return await db.transaction().execute(async (trx) => {
          const found = await lockingRead(trx.selectFrom('work_orders').selectAll().where('id', '=', id), dialect).executeTakeFirst()
          if (!found) return undefined
          const [current] = await withAttachments([fromWorkOrderRow(found)], trx)
          if (!current) return undefined
          const next = step(current)
          if (next === null) return { value: current, changed: false }
          const { id: _id, ...rest } = toWorkOrderRow(next.workOrder)
          await trx.updateTable('work_orders').set(rest).where('id', '=', id).execute()
          if (next.entries.length) await trx.insertInto('work_order_history').values(next.entries.map((e) => toWoHistoryRow(id, e))).execute()
          const { history: _h, ...plain } = next.workOrder
          return { value: { ...plain, attachments: current.attachments }, changed: true }
        })
      } catch (err) {
        if (constraintViolation(err) === 'unique') throw new AppError('WORK_ORDER_TRANSITION_NOT_ALLOWED', `another work order of the same device, rule and skill is open`)
        throw err
      }
    },
    async list(filter, page) {
      const limit = pageLimit(page)
      const after = decodeCursor<[string, string]>(page.cursor, ['string', 'string'])
      if (filter.statuses !== undefined && filter.statuses.length === 0) return { items: [], next: null }
      const scope = siteScope(filter.siteIds)
      let q = db.selectFrom('work_orders').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1)
      if (filter.statuses !== undefined) q = q.where('status', 'in', filter.statuses)
      if (scope) q = q.where('site_id', 'in', scope)
      if (filter.siteId !== undefined) q = q.where('site_id', '=', filter.siteId)
      if (filter.assignee !== undefined) q = q.where('assignee', '=', filter.assignee)
      if (filter.alarmId !== undefined) q = q.where('alarm_id', '=', filter.alarmId)
      if (after) {
        const [createdAt, id] = after
        q = q.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]))
      }
      const page1 = toPage(await q.execute(), limit, fromWorkOrderRow, (r) => [r.created_at, r.id])
      return { items: await withAttachments(page1.items), next: page1.next }
    },
    async listClocked() {
      const rows = await db.selectFrom('work_orders').selectAll().where('status', 'in', ['created', ...WORKLOAD_STATUSES]).orderBy('created_at').execute()
      return rows.map(fromWorkOrderRow)
    },
    async workload(usernames) {
      const out = new Map<string, number>(usernames.map((u) => [u, 0]))
      if (usernames.length === 0) return out
      const rows = await db
        .selectFrom('work_orders')
        .select(['assignee', (eb) => eb.fn.countAll().as('n')])
        .where('assignee', 'in', usernames)
        .where('status', 'in', WORKLOAD_STATUSES)
        .groupBy('assignee')
        .execute()
      for (const r of rows) if (r.assignee !== null) out.set(r.assignee, Number(r.n))
      return out
    },
    async listForReport(filter) {
      const scope = siteScope(filter.siteIds)
      let q = db.selectFrom('work_orders').selectAll().where('drill', '=', 0).where('created_at', '>=', filter.from).where('created_at', '<', filter.to)
      if (scope) q = q.where('site_id', 'in', scope)
      if (filter.siteId !== undefined) q = q.where('site_id', '=', filter.siteId)
      return (await q.orderBy('created_at').execute()).map(fromWorkOrderRow)
    },
    linkAlarm: (alarmId, workOrderId) => db.transaction().execute((trx) => linkAlarmIn(trx, dialect, alarmId, workOrderId)),
    async addAttachment(a) {
      await db.insertInto('work_order_attachments').values(toAttachmentRow(a)).execute()
      const { path: _path, ...rest } = a
      return rest
    },
    async getAttachment(id) {
      const r = await db.selectFrom('work_order_attachments').selectAll().where('id', '=', id).executeTakeFirst()
      return r && fromAttachmentRow(r)
    },
  }
}
