import type { Kysely, Selectable } from 'kysely'
import { AppError } from '../../core/errors.js'
import type { Permission, Role, Skill, User } from '../../core/model.js'
import type { UserRepo } from '../../core/ports.js'
import { decodeCursor, fromJson, pageLimit, toJson, toNum, toPage } from './codec.js'
import { constraintViolation } from './dialect.js'
import type { Database, UsersTable } from './schema.js'

// password_hash is deliberately absent: only getPasswordHash reads it.
const COLUMNS = ['username', 'role', 'display_name', 'skills', 'site_ids', 'permissions', 'created_at'] as const
type Row = Pick<Selectable<UsersTable>, (typeof COLUMNS)[number]>

const toUser = (r: Row): User => ({
  username: r.username,
  role: r.role as Role,
  displayName: r.display_name,
  skills: fromJson<Skill[]>(r.skills, []),
  siteIds: fromJson<string[]>(r.site_ids, []),
  permissions: fromJson<Permission[]>(r.permissions, []),
  createdAt: r.created_at,
})

export function createUserRepo(db: Kysely<Database>, now: () => string): UserRepo {
  const get = async (username: string): Promise<User | undefined> => {
    const r = await db.selectFrom('users').select(COLUMNS).where('username', '=', username).executeTakeFirst()
    return r && toUser(r)
  }
  return {
    async create(u) {
      const row: Row = {
        username: u.username,
        role: u.role,
        display_name: u.displayName,
        skills: toJson(u.skills),
        site_ids: toJson(u.siteIds),
        permissions: toJson(u.permissions),
        created_at: now(),
      }
      try {
        await db.insertInto('users').values({ ...row, password_hash: u.passwordHash }).execute()
      } catch (err) {
        if (constraintViolation(err) === 'unique') throw new AppError('USER_EXISTS', `user ${u.username} already exists`)
        throw err
      }
      return toUser(row)
    },
    get,
    async getPasswordHash(username) {
      const r = await db.selectFrom('users').select('password_hash').where('username', '=', username).executeTakeFirst()
      return r?.password_hash
    },
    async setPasswordHash(username, passwordHash) {
      await db.updateTable('users').set({ password_hash: passwordHash }).where('username', '=', username).execute()
    },
    async list(page) {
      const limit = pageLimit(page)
      const after = decodeCursor<[string]>(page.cursor, ['string'])
      let q = db.selectFrom('users').select(COLUMNS).orderBy('username').limit(limit + 1)
      if (after) q = q.where('username', '>', after[0])
      return toPage(await q.execute(), limit, toUser, (r) => [r.username])
    },
    async count() {
      const r = await db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow()
      return toNum(r.n)
    },
  }
}
