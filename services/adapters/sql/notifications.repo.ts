// Notifications and their acknowledgements (issue #4 item 5: every notification recorded).
import type { Kysely, Selectable } from 'kysely'
import type { Priority } from '../../core/model.js'
import type { NotificationRepo } from '../../core/ports.js'
import type { Notification, NotificationKind } from '../../core/work-orders/duty.js'
import type { EscalationLevel } from '../../core/work-orders/work-order.js'
import { decodeCursor, pageLimit, toPage } from './codec.js'
import type { Database, NotificationsTable } from './schema.js'

const toNotification = (r: Selectable<NotificationsTable>): Notification => ({
  id: r.id, to: r.recipient, kind: r.kind as NotificationKind, subject: r.subject, at: r.at, createdAt: r.created_at,
  workOrderId: r.work_order_id, siteId: r.site_id, priority: r.priority === null ? null : (Number(r.priority) as Priority),
  level: Number(r.level) as EscalationLevel, sentCount: Number(r.sent_count), ackedAt: r.acked_at, ackedBy: r.acked_by,
})

export function createNotificationRepo(db: Kysely<Database>): NotificationRepo {
  const get = async (id: string): Promise<Notification | undefined> => {
    const r = await db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst()
    return r && toNotification(r)
  }
  return {
    get,
    async insert(n) {
      await db.insertInto('notifications').values({
        id: n.id, recipient: n.to, kind: n.kind, subject: n.subject, at: n.at, created_at: n.createdAt, work_order_id: n.workOrderId,
        site_id: n.siteId, priority: n.priority, level: n.level, sent_count: n.sentCount, acked_at: n.ackedAt, acked_by: n.ackedBy,
      }).execute()
      return n
    },
    async ack(id, by, at) {
      // The first acknowledgement is the one recorded; a second is harmless and changes nothing.
      await db.updateTable('notifications').set({ acked_at: at, acked_by: by }).where('id', '=', id).where('acked_at', 'is', null).execute()
      return get(id)
    },
    async markSent(id, at, previousAt) {
      // Conditional, so it is atomic across processes without a lock.
      const r = await db.updateTable('notifications').set((eb) => ({ at, sent_count: eb('sent_count', '+', 1) }))
        .where('id', '=', id).where('at', '=', previousAt).where('acked_at', 'is', null).executeTakeFirst()
      return Number(r.numUpdatedRows) === 1 ? get(id) : undefined
    },
    async listUnacked() {
      return (await db.selectFrom('notifications').selectAll().where('acked_at', 'is', null).orderBy('created_at').execute()).map(toNotification)
    },
    async list(filter, page) {
      const limit = pageLimit(page)
      const after = decodeCursor<[string, string]>(page.cursor, ['string', 'string'])
      let q = db.selectFrom('notifications').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1)
      if (filter.to !== undefined) q = q.where('recipient', '=', filter.to)
      if (filter.workOrderId !== undefined) q = q.where('work_order_id', '=', filter.workOrderId)
      if (after) {
        const [createdAt, id] = after
        q = q.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]))
      }
      return toPage(await q.execute(), limit, toNotification, (r) => [r.created_at, r.id])
    },
  }
}
