// Failed logins per username (CONTRACT.md §3: login answers 429 after repeated failures). The
// per-address limit is @fastify/rate-limit's on the route; this one stops a slow guess at one
// account from many addresses. Timed on Vigil's clock so tests can drive it.
import type { Clock } from '../core/clock.js'

export interface LoginLimits {
  /** Failed logins per username within the window before it is locked. */
  maxFailures: number
  windowMs: number
  /** Login requests per address per minute (all of them, not only failures). */
  perAddressPerMinute: number
}
export const LOGIN_LIMIT_DEFAULTS: Readonly<LoginLimits> = Object.freeze({ maxFailures: 5, windowMs: 15 * 60_000, perAddressPerMinute: 30 })
/** Bounds memory under a spray of random usernames. */
const MAX_TRACKED = 10_000

export interface LoginLimiter {
  /** Milliseconds until the username may try again; 0 when it may now. */
  retryAfterMs(username: string): number
  failed(username: string): void
  succeeded(username: string): void
}

export function createLoginLimiter(clock: Clock, limits: Pick<LoginLimits, 'maxFailures' | 'windowMs'>): LoginLimiter {
  const failures = new Map<string, number[]>()
  const recent = (username: string): number[] => {
    const since = clock.now() - limits.windowMs
    const list = (failures.get(username) ?? []).filter((t) => t > since)
    if (list.length === 0) failures.delete(username)
    else failures.set(username, list)
    return list
  }
  return {
    retryAfterMs(username) {
      const list = recent(username)
      if (list.length < limits.maxFailures) return 0
      return list[list.length - limits.maxFailures]! + limits.windowMs - clock.now()
    },
    failed(username) {
      if (failures.size >= MAX_TRACKED && !failures.has(username)) {
        const oldest = failures.keys().next().value
        if (oldest !== undefined) failures.delete(oldest)
      }
      failures.set(username, [...recent(username), clock.now()])
    },
    succeeded(username) {
      failures.delete(username)
    },
  }
}
