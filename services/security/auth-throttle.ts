// Device authentication throttling (issue #7 "a device that keeps failing auth is throttled"). A
// device id that fails repeatedly, and an address that fails repeatedly, are refused without the
// secret being checked, for an exponentially growing time (1 s, 2 s, 4 s … at most 60 s) after
// the last failure. Successes never count against anyone, so a reconnect storm of healthy devices
// passes untouched; and a device id that has authenticated before and is not failing itself is
// still checked when its address is throttled, so one bad device behind a shared NAT address does
// not lock out its healthy neighbours.
import type { Clock } from '../core/clock.js'

export interface AuthThrottleLimits {
  /** Failures in a row of one device id before it is throttled. */
  deviceFailures: number
  /** Failures in a row from one address (without a success in between) before it is throttled. */
  addressFailures: number
  baseMs: number
  maxMs: number
  /** Bound on remembered ids and addresses (a spray of random ids must not grow memory). */
  maxTracked: number
}
export const AUTH_THROTTLE_DEFAULTS: Readonly<AuthThrottleLimits> = Object.freeze({
  deviceFailures: 3, addressFailures: 10, baseMs: 1000, maxMs: 60_000, maxTracked: 20_000,
})

export type ThrottleVerdict = { throttled: false } | { throttled: true; key: 'device' | 'address'; retryAfterMs: number }

export interface AuthThrottle {
  check(deviceId: string, address: string | undefined): ThrottleVerdict
  failed(deviceId: string, address: string | undefined): void
  succeeded(deviceId: string, address: string | undefined): void
}

interface Streak {
  failures: number
  lastAt: number
}

function boundedMap(max: number): Map<string, Streak> & { touch(k: string, v: Streak): void } {
  const m = new Map<string, Streak>() as Map<string, Streak> & { touch(k: string, v: Streak): void }
  m.touch = (k, v) => {
    m.delete(k)
    if (m.size >= max) {
      const oldest = m.keys().next().value
      if (oldest !== undefined) m.delete(oldest)
    }
    m.set(k, v)
  }
  return m
}

export function createAuthThrottle(clock: Pick<Clock, 'now'>, limits: Partial<AuthThrottleLimits> = {}): AuthThrottle {
  const l = { ...AUTH_THROTTLE_DEFAULTS, ...limits }
  const devices = boundedMap(l.maxTracked)
  const addresses = boundedMap(l.maxTracked)
  const known = new Set<string>()

  const waitMs = (s: Streak | undefined, threshold: number): number => {
    if (s === undefined || s.failures < threshold) return 0
    const backoff = Math.min(l.maxMs, l.baseMs * 2 ** Math.min(30, s.failures - threshold))
    return Math.max(0, s.lastAt + backoff - clock.now())
  }
  const bump = (m: ReturnType<typeof boundedMap>, key: string): void => {
    m.touch(key, { failures: (m.get(key)?.failures ?? 0) + 1, lastAt: clock.now() })
  }

  return {
    check(deviceId, address) {
      const d = waitMs(devices.get(deviceId), l.deviceFailures)
      if (d > 0) return { throttled: true, key: 'device', retryAfterMs: d }
      if (address !== undefined && !(known.has(deviceId) && !devices.has(deviceId))) {
        const a = waitMs(addresses.get(address), l.addressFailures)
        if (a > 0) return { throttled: true, key: 'address', retryAfterMs: a }
      }
      return { throttled: false }
    },
    failed(deviceId, address) {
      bump(devices, deviceId)
      if (address !== undefined) bump(addresses, address)
    },
    succeeded(deviceId) {
      devices.delete(deviceId)
      // The address streak is kept: an attacker must not clear it by riding on a neighbour's success.
      if (known.size < l.maxTracked) known.add(deviceId)
    },
  }
}
