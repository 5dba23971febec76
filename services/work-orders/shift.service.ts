// Shifts (CONTRACT.md §3 duty): who is on duty is who auto-dispatch considers (DOMAIN.md §5).
// Starting a shift hands the new person whatever is still waiting for someone.
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import type { Repos } from '../core/ports.js'
import type { Shift } from '../core/work-orders/duty.js'

export interface ShiftService {
  start(username: string): Promise<Shift>
  end(username: string): Promise<Shift>
  current(username: string): Promise<Shift>
}

export function createShiftService(deps: { repos: Repos; clock: Clock; logger: Logger; onShiftStarted: (shift: Shift) => Promise<void> }): ShiftService {
  const { repos, clock, logger } = deps
  const now = (): string => new Date(clock.now()).toISOString()
  return {
    async start(username) {
      const shift = await repos.shifts.start({ id: randomUUID(), username, startedAt: now(), endedAt: null })
      // The shift is on record either way; a failed hand-out is retried by the next start or dispatch.
      await deps.onShiftStarted(shift).catch((err: unknown) => logger.error({ err, username }, 'dispatch at shift start failed'))
      return shift
    },
    async end(username) {
      const shift = await repos.shifts.end(username, now())
      if (!shift) throw new AppError('SHIFT_NOT_STARTED', `${username} is not on shift`)
      return shift
    },
    async current(username) {
      const shift = await repos.shifts.current(username)
      if (!shift) throw new AppError('SHIFT_NOT_FOUND', `${username} is not on shift`)
      return shift
    },
  }
}
