// Shifts (CONTRACT.md §3 duty): one open shift per person, guarded by a unique index.
import type { Kysely, Selectable } from 'kysely'
import { AppError } from '../../core/errors.js'
import type { ShiftRepo } from '../../core/ports.js'
import type { Shift } from '../../core/work-orders/duty.js'
import { constraintViolation } from './dialect.js'
import type { Database, ShiftsTable } from './schema.js'

const toShift = (r: Selectable<ShiftsTable>): Shift => ({ id: r.id, username: r.username, startedAt: r.started_at, endedAt: r.ended_at })

export function createShiftRepo(db: Kysely<Database>): ShiftRepo {
  const current = async (username: string): Promise<Shift | undefined> => {
    const r = await db.selectFrom('shifts').selectAll().where('open_username', '=', username).executeTakeFirst()
    return r && toShift(r)
  }
  return {
    current,
    async start(s) {
      try {
        await db.insertInto('shifts').values({ id: s.id, username: s.username, started_at: s.startedAt, ended_at: null, open_username: s.username }).execute()
      } catch (err) {
        if (constraintViolation(err) === 'unique') throw new AppError('SHIFT_ALREADY_STARTED', `${s.username} is already on shift`)
        throw err
      }
      return { ...s, endedAt: null }
    },
    async end(username, at) {
      const open = await current(username)
      if (!open) return undefined
      // Conditional: of two ends at once (two API processes), only the first records its time.
      const r = await db.updateTable('shifts').set({ ended_at: at, open_username: null }).where('id', '=', open.id).where('open_username', '=', username).executeTakeFirst()
      return Number(r.numUpdatedRows) === 1 ? { ...open, endedAt: at } : undefined
    },
    async listOpen() {
      const rows = await db.selectFrom('shifts').selectAll().where('open_username', 'is not', null).orderBy('started_at').execute()
      return rows.map(toShift)
    },
  }
}
