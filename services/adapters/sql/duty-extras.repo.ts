// Handovers (DOMAIN.md §7.1), return visits and PM plans (§5, §1 #6) and the webhook delivery log:
// small JSON-document tables; signed handovers are never written again (the update is conditional).
import type { Kysely } from 'kysely'
import type { Handover } from '../../core/handover/handover.js'
import type { HandoverRepo, PmPlanRepo, ReturnVisitRepo, WebhookDeliveryRepo } from '../../core/ports.js'
import type { PmPlan, ReturnVisit } from '../../core/work-orders/return-visit.js'
import { decodeCursor, fromBool, fromJson, pageLimit, toBool, toJson, toPage } from './codec.js'
import type { Database } from './schema.js'

export function createHandoverRepo(db: Kysely<Database>): HandoverRepo {
  return {
    async insert(h) {
      await db.insertInto('handovers').values({ id: h.id, status: h.status, created_at: h.createdAt, doc: toJson(h) }).execute()
      return h
    },
    async sign(h) {
      const r = await db.updateTable('handovers').set({ status: h.status, doc: toJson(h) }).where('id', '=', h.id).where('status', '=', 'pending').executeTakeFirst()
      return Number(r.numUpdatedRows) === 1
    },
    async get(id) {
      const r = await db.selectFrom('handovers').select('doc').where('id', '=', id).executeTakeFirst()
      return r && fromJson<Handover>(r.doc, {} as Handover)
    },
    async list(page) {
      const limit = pageLimit(page)
      const after = decodeCursor<[string, string]>(page.cursor, ['string', 'string'])
      let q = db.selectFrom('handovers').select(['id', 'created_at', 'doc']).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1)
      if (after) {
        const [at, id] = after
        q = q.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]))
      }
      return toPage(await q.execute(), limit, (r) => fromJson<Handover>(r.doc, {} as Handover), (r) => [r.created_at, r.id])
    },
  }
}

export function createReturnVisitRepo(db: Kysely<Database>): ReturnVisitRepo {
  const parse = (r: { doc: string }): ReturnVisit => fromJson<ReturnVisit>(r.doc, {} as ReturnVisit)
  return {
    async upsert(v) {
      const values = { work_order_id: v.workOrderId, site_id: v.siteId, due_at: v.dueAt, done_at: v.doneAt, doc: toJson(v) }
      await db.insertInto('return_visits').values(values)
        .onConflict((oc) => oc.column('work_order_id').doUpdateSet({ due_at: v.dueAt, done_at: v.doneAt, doc: values.doc })).execute()
      return v
    },
    async get(workOrderId) {
      const r = await db.selectFrom('return_visits').select('doc').where('work_order_id', '=', workOrderId).executeTakeFirst()
      return r && parse(r)
    },
    async listPending() {
      return (await db.selectFrom('return_visits').select('doc').where('done_at', 'is', null).orderBy('due_at').execute()).map(parse)
    },
    async listDone(f) {
      let q = db.selectFrom('return_visits').select('doc').where('done_at', '>=', f.from).where('done_at', '<', f.to)
      if (f.siteId !== undefined) q = q.where('site_id', '=', f.siteId)
      if (f.siteIds !== undefined && f.siteIds.length > 0) q = q.where('site_id', 'in', f.siteIds)
      return (await q.execute()).map(parse).filter((v) => !v.drill)
    },
  }
}

export function createPmPlanRepo(db: Kysely<Database>): PmPlanRepo {
  const parse = (r: { doc: string }): PmPlan => fromJson<PmPlan>(r.doc, {} as PmPlan)
  return {
    async insert(p) {
      await db.insertInto('pm_plans').values({ id: p.id, device_id: p.deviceId, next_due_at: p.nextDueAt, doc: toJson(p) }).execute()
      return p
    },
    async update(p) {
      await db.updateTable('pm_plans').set({ next_due_at: p.nextDueAt, doc: toJson(p) }).where('id', '=', p.id).execute()
      return p
    },
    listByDevice: async (deviceId) => (await db.selectFrom('pm_plans').select('doc').where('device_id', '=', deviceId).orderBy('id').execute()).map(parse),
    all: async () => (await db.selectFrom('pm_plans').select('doc').orderBy('next_due_at').execute()).map(parse),
  }
}

export function createWebhookDeliveryRepo(db: Kysely<Database>): WebhookDeliveryRepo {
  return {
    async record(a) {
      await db.insertInto('webhook_deliveries').values({ notification_id: a.notificationId, attempt: a.attempt, at: a.at, status: a.status, ok: toBool(a.ok), error: a.error }).execute()
    },
    async list(notificationId) {
      const rows = await db.selectFrom('webhook_deliveries').selectAll().where('notification_id', '=', notificationId).orderBy('id').execute()
      return rows.map((r) => ({ notificationId: r.notification_id, attempt: Number(r.attempt), at: r.at, status: r.status === null ? null : Number(r.status), ok: fromBool(r.ok), error: r.error }))
    },
  }
}
