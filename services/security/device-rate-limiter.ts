// Per-device message rate (issue #7 "Limits ... so one client cannot starve the rest"): a token
// bucket per device, 50 messages/s sustained with bursts of 200. The fastest legitimate sender,
// a pump station at 1 Hz with events, stays far below; a reconnect replay of a QoS 1 backlog fits
// in the burst. Paced on the wall clock: the rate protects real CPU and disk, whatever Vigil's
// clock says.
export interface DeviceRateLimits {
  perSecond: number
  burst: number
}
export const DEVICE_RATE_DEFAULTS: Readonly<DeviceRateLimits> = Object.freeze({ perSecond: 50, burst: 200 })

export interface DeviceRateLimiter {
  /** Takes one token; false when the device's bucket is empty. */
  take(deviceId: string): boolean
  forget(deviceId: string): void
}

export function createDeviceRateLimiter(limits: Partial<DeviceRateLimits> = {}, now: () => number = () => performance.now()): DeviceRateLimiter {
  const { perSecond, burst } = { ...DEVICE_RATE_DEFAULTS, ...limits }
  // Only registered devices reach the limiter (ingest checks the directory first), so this map is
  // bounded by the fleet.
  const buckets = new Map<string, { tokens: number; at: number }>()
  return {
    take(deviceId) {
      const t = now()
      const b = buckets.get(deviceId) ?? { tokens: burst, at: t }
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond)
      b.at = t
      buckets.set(deviceId, b)
      if (b.tokens < 1) return false
      b.tokens -= 1
      return true
    },
    forget: (deviceId) => void buckets.delete(deviceId),
  }
}
