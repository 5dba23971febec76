import type { Kysely, Selectable } from 'kysely'
import { AppError } from '../../core/errors.js'
import type { DeviceType } from '../../core/device-types.js'
import type { Device, DeviceLocation } from '../../core/model.js'
import type { DeviceRepo, DeviceSecretsRecord } from '../../core/ports.js'
import { decodeCursor, fromJson, pageLimit, siteScope, toJson, toNum, toPage } from './codec.js'
import { constraintViolation } from './dialect.js'
import type { Database, DevicesTable } from './schema.js'

// Secrets stay out of the Device object; only the secret methods read them.
const COLUMNS = ['id', 'site_id', 'type', 'name', 'location', 'attributes', 'created_at', 'updated_at'] as const
type Row = Pick<Selectable<DevicesTable>, (typeof COLUMNS)[number]>

const toDevice = (r: Row): Device => ({
  id: r.id,
  siteId: r.site_id,
  type: r.type as DeviceType,
  name: r.name,
  location: fromJson<DeviceLocation>(r.location, { building: '', floor: 0 }),
  attributes: fromJson<Record<string, unknown>>(r.attributes, {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

const toSecrets = (r: Pick<Selectable<DevicesTable>, 'secret_hash' | 'previous_secret_hash' | 'previous_valid_until'>): DeviceSecretsRecord => ({
  secretHash: r.secret_hash,
  previousSecretHash: r.previous_secret_hash,
  previousValidUntil: toNum(r.previous_valid_until),
})

export function createDeviceRepo(db: Kysely<Database>, now: () => string): DeviceRepo {
  const get = async (id: string): Promise<Device | undefined> => {
    const r = await db.selectFrom('devices').select(COLUMNS).where('id', '=', id).executeTakeFirst()
    return r && toDevice(r)
  }
  return {
    async create(d, secretHash) {
      const at = now()
      const row: Row = {
        id: d.id,
        site_id: d.siteId,
        type: d.type,
        name: d.name,
        location: toJson(d.location),
        attributes: toJson(d.attributes),
        created_at: at,
        updated_at: at,
      }
      try {
        await db
          .insertInto('devices')
          .values({ ...row, secret_hash: secretHash, previous_secret_hash: null, previous_valid_until: 0 })
          .execute()
      } catch (err) {
        const kind = constraintViolation(err)
        if (kind === 'unique') throw new AppError('DEVICE_EXISTS', `device ${d.id} already exists`)
        if (kind === 'foreign-key') throw new AppError('SITE_NOT_FOUND', `site ${d.siteId} does not exist`)
        throw err
      }
      return toDevice(row)
    },
    get,
    async list(filter, page) {
      const limit = pageLimit(page)
      const after = decodeCursor<[string]>(page.cursor, ['string'])
      const scope = siteScope(filter.siteIds)
      let q = db.selectFrom('devices').select(COLUMNS).orderBy('id').limit(limit + 1)
      if (scope) q = q.where('site_id', 'in', scope)
      if (filter.siteId !== undefined) q = q.where('site_id', '=', filter.siteId)
      if (filter.type !== undefined) q = q.where('type', '=', filter.type)
      if (after) q = q.where('id', '>', after[0])
      return toPage(await q.execute(), limit, toDevice, (r) => [r.id])
    },
    async all() {
      const rows = await db.selectFrom('devices').select(COLUMNS).orderBy('id').execute()
      return rows.map(toDevice)
    },
    // location and attributes are replaced whole; the device service merges attributes.
    async update(id, patch) {
      const r = await db
        .updateTable('devices')
        .set({
          updated_at: now(),
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.location !== undefined && { location: toJson(patch.location) }),
          ...(patch.attributes !== undefined && { attributes: toJson(patch.attributes) }),
        })
        .where('id', '=', id)
        .executeTakeFirst()
      return Number(r.numUpdatedRows) > 0 ? get(id) : undefined
    },
    async delete(id) {
      return db.transaction().execute(async (trx) => {
        await trx.deleteFrom('device_states').where('device_id', '=', id).execute()
        const r = await trx.deleteFrom('devices').where('id', '=', id).executeTakeFirst()
        return Number(r.numDeletedRows) > 0
      })
    },
    async getSecretHash(id) {
      const r = await db.selectFrom('devices').select('secret_hash').where('id', '=', id).executeTakeFirst()
      return r?.secret_hash
    },
    async setSecretHash(id, hash) {
      await db.updateTable('devices').set({ secret_hash: hash, updated_at: now() }).where('id', '=', id).execute()
    },
    async getSecrets(id) {
      const r = await db
        .selectFrom('devices')
        .select(['secret_hash', 'previous_secret_hash', 'previous_valid_until'])
        .where('id', '=', id)
        .executeTakeFirst()
      return r && toSecrets(r)
    },
    async setSecrets(id, s) {
      await db
        .updateTable('devices')
        .set({
          secret_hash: s.secretHash,
          previous_secret_hash: s.previousSecretHash,
          previous_valid_until: s.previousValidUntil,
          updated_at: now(),
        })
        .where('id', '=', id)
        .execute()
    },
    async allSecrets() {
      const rows = await db
        .selectFrom('devices')
        .select(['id', 'secret_hash', 'previous_secret_hash', 'previous_valid_until'])
        .orderBy('id')
        .execute()
      return rows.map((r) => ({ deviceId: r.id, ...toSecrets(r) }))
    },
  }
}
