// The back-off arithmetic of device-auth throttling, the token bucket and the revocation list, on
// injected clocks (no sleeping).
import { describe, expect, it } from 'vitest'
import { createAuthThrottle } from '../../services/security/auth-throttle.js'
import { createDeviceRateLimiter } from '../../services/security/device-rate-limiter.js'
import { createTokenRevocations } from '../../services/security/token-revocations.js'

describe('device auth throttle', () => {
  it.each([
    [2, 0], [3, 1000], [4, 2000], [5, 4000], [6, 8000], [8, 32_000], [9, 60_000], [30, 60_000],
  ])('after %i failures in a row a device id waits %i ms', (failures, wait) => {
    let now = 1_000_000
    const t = createAuthThrottle({ now: () => now })
    for (let i = 0; i < failures; i++) t.failed('dev', undefined)
    const v = t.check('dev', undefined)
    expect(v.throttled ? v.retryAfterMs : 0).toBe(wait)
    now += wait
    expect(t.check('dev', undefined).throttled).toBe(false)
  })

  it('a success clears the device id, and never counts against the address', () => {
    const t = createAuthThrottle({ now: () => 0 })
    for (let i = 0; i < 5; i++) t.failed('dev', '10.0.0.1')
    t.succeeded('dev', '10.0.0.1')
    expect(t.check('dev', '10.0.0.1')).toEqual({ throttled: false })
    for (let i = 0; i < 1000; i++) t.succeeded(`ok-${i}`, '10.0.0.2')
    expect(t.check('new-device', '10.0.0.2')).toEqual({ throttled: false })
  })

  it('an address with 10 failures throttles unknown ids but not a known healthy device', () => {
    const t = createAuthThrottle({ now: () => 0 })
    t.succeeded('healthy', '10.0.0.9')
    for (let i = 0; i < 10; i++) t.failed(`ghost-${i}`, '10.0.0.9')
    expect(t.check('ghost-new', '10.0.0.9')).toMatchObject({ throttled: true, key: 'address' })
    expect(t.check('healthy', '10.0.0.9')).toEqual({ throttled: false })
    expect(t.check('ghost-new', '10.0.0.10')).toEqual({ throttled: false })
  })

  it('remembers a bounded number of ids under a spray', () => {
    const t = createAuthThrottle({ now: () => 0 }, { maxTracked: 100 })
    for (let i = 0; i < 10_000; i++) t.failed(`spray-${i}`, undefined)
    expect(t.check('spray-0', undefined).throttled).toBe(false)
    expect(t.check('spray-9999', undefined).throttled).toBe(false)
  })
})

describe('device message bucket', () => {
  it('allows the burst, then the sustained rate, per device', () => {
    let now = 0
    const b = createDeviceRateLimiter({ perSecond: 10, burst: 20 }, () => now)
    const taken = (n: number, id = 'a') => Array.from({ length: n }, () => b.take(id)).filter(Boolean).length
    expect(taken(25)).toBe(20)
    expect(taken(1, 'b')).toBe(1)
    now += 500
    expect(taken(10)).toBe(5)
    now += 60_000
    expect(taken(100)).toBe(20)
  })
})

describe('token revocations', () => {
  it('holds a revoked jti until its token would have expired, then forgets it', () => {
    let now = 1000
    const r = createTokenRevocations(() => now)
    r.revoke('j1', 5000)
    r.revoke('already-expired', 500)
    expect(r.isRevoked('j1')).toBe(true)
    expect(r.isRevoked('already-expired')).toBe(false)
    expect(r.isRevoked(undefined)).toBe(false)
    now = 5000
    expect(r.isRevoked('j1')).toBe(false)
    expect(r.size()).toBe(0)
  })
})
