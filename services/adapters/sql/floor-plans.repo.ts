// Floor plans (issue #6 item 8) in the operational database; the image bytes live in the data dir.
import type { Kysely, Selectable } from 'kysely'
import type { DevicePosition, FloorKey, PlanImageType, StoredFloorPlan } from '../../core/floor-plans/floor-plan.js'
import type { FloorPlanRepo } from '../../core/ports.js'
import { fromJson, toJson, toNum } from './codec.js'
import type { Database, FloorPlansTable } from './schema.js'

const toPlan = (r: Selectable<FloorPlansTable>): StoredFloorPlan => ({
  siteId: r.site_id,
  building: r.building,
  floor: toNum(r.floor),
  contentType: r.content_type as PlanImageType,
  width: toNum(r.width),
  height: toNum(r.height),
  size: toNum(r.size),
  path: r.path,
  positions: fromJson<DevicePosition[]>(r.positions, []),
  uploadedBy: r.uploaded_by,
  uploadedAt: r.uploaded_at,
  updatedAt: r.updated_at,
})

export function createFloorPlanRepo(db: Kysely<Database>): FloorPlanRepo {
  const byKey = (k: FloorKey) => db.selectFrom('floor_plans').selectAll().where('site_id', '=', k.siteId).where('building', '=', k.building).where('floor', '=', k.floor)
  const get = async (k: FloorKey): Promise<StoredFloorPlan | undefined> => {
    const r = await byKey(k).executeTakeFirst()
    return r && toPlan(r)
  }
  return {
    get,
    async list(siteId) {
      const rows = await db.selectFrom('floor_plans').selectAll().where('site_id', '=', siteId).orderBy('building').orderBy('floor').execute()
      return rows.map(toPlan)
    },
    async putImage(p) {
      const image = {
        content_type: p.contentType, width: p.width, height: p.height, size: p.size, path: p.path,
        uploaded_by: p.uploadedBy, uploaded_at: p.uploadedAt, updated_at: p.uploadedAt,
      }
      await db
        .insertInto('floor_plans')
        .values({ site_id: p.siteId, building: p.building, floor: p.floor, positions: toJson([]), ...image })
        .onConflict((oc) => oc.columns(['site_id', 'building', 'floor']).doUpdateSet(image))
        .execute()
      return (await get(p))!
    },
    async setPositions(k, positions, at) {
      const r = await db
        .updateTable('floor_plans')
        .set({ positions: toJson(positions), updated_at: at })
        .where('site_id', '=', k.siteId).where('building', '=', k.building).where('floor', '=', k.floor)
        .executeTakeFirst()
      return Number(r.numUpdatedRows) > 0 ? get(k) : undefined
    },
    async delete(k) {
      const r = await db.deleteFrom('floor_plans').where('site_id', '=', k.siteId).where('building', '=', k.building).where('floor', '=', k.floor).executeTakeFirst()
      return Number(r.numDeletedRows) > 0
    },
  }
}
