// Device types and their supervision periods (DOMAIN.md §2 "Heartbeat").
export const DEVICE_TYPES = ['elevator', 'pump', 'fire-door', 'access-door', 'fire-panel'] as const
export type DeviceType = (typeof DEVICE_TYPES)[number]
export const isDeviceType = (v: unknown): v is DeviceType => typeof v === 'string' && (DEVICE_TYPES as readonly string[]).includes(v)

/** Seconds between heartbeats when idle; a device is offline after 3 missed periods (DOMAIN.md §2, OUR). */
export const HEARTBEAT_PERIOD_SEC: Readonly<Record<DeviceType, number>> = Object.freeze({
  elevator: 30,
  pump: 10,
  'fire-door': 60,
  'access-door': 20,
  // The fire panel is not in DOMAIN.md's heartbeat list; we supervise it like a fire-door monitor.
  'fire-panel': 60,
})
export const MISSED_PERIODS_FOR_OFFLINE = 3
export const offlineTimeoutMs = (type: DeviceType): number => HEARTBEAT_PERIOD_SEC[type] * MISSED_PERIODS_FOR_OFFLINE * 1000

export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'
export const ID_REGEX = new RegExp(ID_PATTERN)
