// Users and logins (CONTRACT.md §1 first-start admin, §3 users). Passwords are scrypt-hashed
// (password-hash.ts); a login for an unknown user costs the same as a wrong password so the
// response time does not reveal which usernames exist.
import { randomBytes } from 'node:crypto'
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import type { User } from '../core/model.js'
import type { Repos } from '../core/ports.js'
import type { NewUserInput, UserService } from '../contracts.js'
import { createPasswordHasher, type PasswordHasher } from './password-hash.js'

export const USERNAME_PATTERN = '^[a-z0-9][a-z0-9._-]{1,63}$'
const USERNAME_REGEX = new RegExp(USERNAME_PATTERN)
export const PASSWORD_MIN_LENGTH = 8
/** scrypt's cost grows with the input; an upper bound keeps a login request cheap to refuse. */
export const PASSWORD_MAX_LENGTH = 1024

export interface UserServiceDeps {
  repos: Repos
  clock: Clock
  logger: Pick<Logger, 'info' | 'warn'>
  hasher?: PasswordHasher
}

export function validatePassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new AppError('VALIDATION_FAILED', `password must be at least ${PASSWORD_MIN_LENGTH} characters`, { field: 'password' })
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw new AppError('VALIDATION_FAILED', `password must be at most ${PASSWORD_MAX_LENGTH} characters`, { field: 'password' })
  }
}

export function createUserService({ repos, clock, logger, hasher = createPasswordHasher() }: UserServiceDeps): UserService {
  const create = async (input: NewUserInput, actor: string): Promise<User> => {
    if (!USERNAME_REGEX.test(input.username)) {
      throw new AppError('VALIDATION_FAILED', `username must match ${USERNAME_PATTERN} (lower case letters, digits, . _ -; 2-64 characters)`, { field: 'username' })
    }
    validatePassword(input.password)
    if (input.displayName.trim() === '') throw new AppError('VALIDATION_FAILED', 'displayName must not be empty', { field: 'displayName' })
    const siteIds = [...new Set(input.siteIds ?? [])]
    const unknown: string[] = []
    for (const id of siteIds) if (!(await repos.sites.get(id))) unknown.push(id)
    if (unknown.length > 0) throw new AppError('VALIDATION_FAILED', `unknown site ids: ${unknown.join(', ')}`, { field: 'siteIds', unknown })
    if (await repos.users.get(input.username)) throw new AppError('USER_EXISTS', `user ${input.username} already exists`)
    const user = await repos.users.create({
      username: input.username,
      passwordHash: await hasher.hash(input.password),
      role: input.role,
      displayName: input.displayName.trim(),
      skills: [...new Set(input.skills ?? [])],
      siteIds,
      permissions: [...new Set(input.permissions ?? [])],
    })
    await repos.audit.append({
      at: new Date(clock.now()).toISOString(), actor, action: 'user.create', target: `user:${user.username}`,
      address: null, before: null, after: { role: user.role, siteIds: user.siteIds, permissions: user.permissions },
    })
    return user
  }

  return {
    create,
    async verifyLogin(username, password) {
      if (password.length > PASSWORD_MAX_LENGTH) return undefined
      const stored = USERNAME_REGEX.test(username) ? await repos.users.getPasswordHash(username) : undefined
      if (stored === undefined) {
        await hasher.burn(password)
        return undefined
      }
      if (!(await hasher.verify(password, stored))) return undefined
      // A hash from older parameters is replaced while the password is at hand; the login stands
      // even if the write fails (the next login tries again).
      if (hasher.needsRehash(stored)) {
        try {
          await repos.users.setPasswordHash(username, await hasher.hash(password))
        } catch (err) {
          logger.warn({ err, username }, 'could not store the rehashed password; kept the old hash')
        }
      }
      return repos.users.get(username)
    },
    async ensureAdmin(password) {
      if ((await repos.users.count()) > 0) return { created: false, generatedPassword: null }
      const generatedPassword = password === null ? randomBytes(18).toString('base64url') : null
      await create({ username: 'admin', password: password ?? generatedPassword!, role: 'admin', displayName: 'Administrator' }, 'system')
      logger.info({ generated: generatedPassword !== null }, 'created the first user, admin')
      return { created: true, generatedPassword }
    },
  }
}
