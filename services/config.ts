// Configuration: read from the environment once, validated, frozen (CONTRACT.md §1). The only
// module that reads process.env.
import path from 'node:path'

export interface Config {
  host: string
  mqttPort: number
  httpPort: number
  dataDir: string
  clockScale: number
  adminPassword: string | null
  /** Secret for JWTs and the device-secret HMAC key; generated and kept in the data dir when unset. */
  secretKey: string | null
  databaseUrl: string | null
  influxUrl: string | null
  /** InfluxDB settings (CONTRACT.md §1); null when VIGIL_INFLUX_URL is unset (telemetry in SQLite). */
  influx: InfluxConfig | null
  /** Bound of the on-disk telemetry spool in bytes (VIGIL_SPOOL_MAX_MB). */
  spoolMaxBytes: number
  redisUrl: string | null
  /** Prefix of Vigil's Redis keys and pub/sub channels (VIGIL_REDIS_PREFIX), so deployments can share one Redis. */
  redisPrefix: string
  /** `vigil worker`: the brokers it reads from (VIGIL_BROKER_URL, comma-separated; the next one when one fails). */
  brokerUrls: string[]
  /** `vigil worker`: how long a dead worker's site lease lasts before a standby takes the site (VIGIL_SITE_LEASE_MS). */
  siteLeaseMs: number
  /** `vigil api` with an external Mosquitto: its dynamic-security admin (VIGIL_MOSQUITTO_DYNSEC_URL), where device logins are provisioned. */
  mosquittoDynsecUrl: string | null
  tlsCert: string | null
  tlsKey: string | null
  mqttsPort: number
  logLevel: string
  /** Per-device MQTT message rate (issue #7 "Limits"): token bucket; perSecond 0 turns it off. */
  deviceRate: { perSecond: number; burst: number }
  /** Webhook notifier (issue #4 part 2): POST each notification here, signed with the secret; null = off. */
  webhook: { url: string; secret: string } | null
}

/**
 * 2.x/3.x take the v2 write API (token, org, bucket); 1.x the v1 one (database, retention policy,
 * user, password). A token selects v2; otherwise it is v1 with `db` (default `vigil`).
 */
export type InfluxConfig =
  | { version: 2; url: string; token: string; org: string; bucket: string }
  | { version: 1; url: string; db: string; rp: string; user: string | null; password: string | null }

export const INFLUX_DEFAULTS = Object.freeze({
  db: 'vigil',
  rp: 'raw', // Vigil creates it with the raw retention (DOMAIN.md §7.2: 90 d) when missing
  spoolMaxMb: 1024,
})

export class ConfigError extends Error {
  override name = 'ConfigError'
}

function port(env: NodeJS.ProcessEnv, name: string, dflt: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return dflt
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${name}=${raw} is not a port number (0-65535)`)
  return n
}

function optional(env: NodeJS.ProcessEnv, name: string): string | null {
  const v = env[name]
  return v === undefined || v === '' ? null : v
}

// InfluxDB names go into InfluxQL identifiers and URLs: keep them to plain names.
const INFLUX_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

/** VIGIL_WEBHOOK_URL turns the webhook notifier on; it needs VIGIL_WEBHOOK_SECRET to sign with. */
function webhookConfig(env: NodeJS.ProcessEnv): { url: string; secret: string } | null {
  const url = optional(env, 'VIGIL_WEBHOOK_URL')
  if (url === null) return null
  if (!/^https?:\/\//.test(url)) throw new ConfigError(`VIGIL_WEBHOOK_URL must be an http(s) URL, got ${url}`)
  const secret = optional(env, 'VIGIL_WEBHOOK_SECRET')
  if (secret === null) throw new ConfigError('VIGIL_WEBHOOK_URL needs VIGIL_WEBHOOK_SECRET to sign the requests')
  return { url, secret }
}

function influxConfig(env: NodeJS.ProcessEnv): InfluxConfig | null {
  const url = optional(env, 'VIGIL_INFLUX_URL')
  const named = ['VIGIL_INFLUX_TOKEN', 'VIGIL_INFLUX_ORG', 'VIGIL_INFLUX_BUCKET', 'VIGIL_INFLUX_DB', 'VIGIL_INFLUX_RP', 'VIGIL_INFLUX_USER', 'VIGIL_INFLUX_PASSWORD']
  if (url === null) {
    const stray = named.filter((n) => optional(env, n) !== null)
    if (stray.length > 0) throw new ConfigError(`${stray.join(', ')} set without VIGIL_INFLUX_URL`)
    return null
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ConfigError(`VIGIL_INFLUX_URL=${url} is not a URL`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError('VIGIL_INFLUX_URL must be an http:// or https:// URL')
  const base = url.replace(/\/+$/, '')
  const token = optional(env, 'VIGIL_INFLUX_TOKEN')
  if (token !== null) {
    const org = optional(env, 'VIGIL_INFLUX_ORG')
    const bucket = optional(env, 'VIGIL_INFLUX_BUCKET')
    if (org === null || bucket === null) throw new ConfigError('VIGIL_INFLUX_TOKEN (InfluxDB 2.x/3.x) needs VIGIL_INFLUX_ORG and VIGIL_INFLUX_BUCKET')
    const v1Only = ['VIGIL_INFLUX_DB', 'VIGIL_INFLUX_RP', 'VIGIL_INFLUX_USER', 'VIGIL_INFLUX_PASSWORD'].filter((n) => optional(env, n) !== null)
    if (v1Only.length > 0) throw new ConfigError(`${v1Only.join(', ')} are for InfluxDB 1.x and cannot be combined with VIGIL_INFLUX_TOKEN`)
    return { version: 2, url: base, token, org, bucket }
  }
  const v2Only = ['VIGIL_INFLUX_ORG', 'VIGIL_INFLUX_BUCKET'].filter((n) => optional(env, n) !== null)
  if (v2Only.length > 0) throw new ConfigError(`${v2Only.join(', ')} need VIGIL_INFLUX_TOKEN (InfluxDB 2.x/3.x)`)
  const db = optional(env, 'VIGIL_INFLUX_DB') ?? INFLUX_DEFAULTS.db
  const rp = optional(env, 'VIGIL_INFLUX_RP') ?? INFLUX_DEFAULTS.rp
  for (const [name, v] of [['VIGIL_INFLUX_DB', db], ['VIGIL_INFLUX_RP', rp]] as const) {
    if (!INFLUX_NAME.test(v)) throw new ConfigError(`${name}=${v} must be letters, digits, _ . - (at most 128)`)
  }
  const user = optional(env, 'VIGIL_INFLUX_USER')
  const password = optional(env, 'VIGIL_INFLUX_PASSWORD')
  if ((user === null) !== (password === null)) throw new ConfigError('VIGIL_INFLUX_USER and VIGIL_INFLUX_PASSWORD must be set together')
  return { version: 1, url: base, db, rp, user, password }
}

function spoolMaxBytes(env: NodeJS.ProcessEnv): number {
  const raw = env.VIGIL_SPOOL_MAX_MB ?? String(INFLUX_DEFAULTS.spoolMaxMb)
  const mb = Number(raw)
  // Fractions are allowed so a drill (or a test) can fill the spool quickly.
  if (!Number.isFinite(mb) || mb <= 0 || mb > 1_048_576) throw new ConfigError(`VIGIL_SPOOL_MAX_MB=${raw} must be a number of megabytes above 0`)
  return Math.max(4096, Math.round(mb * 1024 * 1024))
}

/**
 * VIGIL_DEVICE_RATE (messages/s sustained per device, default 50, 0 = off) and VIGIL_DEVICE_BURST
 * (default 5000: a device replaying its buffer after an outage fits in it).
 */
function deviceRate(env: NodeJS.ProcessEnv): { perSecond: number; burst: number } {
  const num = (name: string, dflt: number): number => {
    const raw = env[name]
    if (raw === undefined || raw === '') return dflt
    const n = Number(raw)
    if (!Number.isFinite(n) || n < 0 || n > 1_000_000) throw new ConfigError(`${name}=${raw} must be a number from 0 to 1000000`)
    return n
  }
  const perSecond = num('VIGIL_DEVICE_RATE', 50)
  const burst = num('VIGIL_DEVICE_BURST', 5000)
  if (perSecond > 0 && burst < 1) throw new ConfigError('VIGIL_DEVICE_BURST must be at least 1')
  return { perSecond, burst }
}

/** `defaults` fill variables the environment leaves unset (the demo logs less, for instance). */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env, defaults: Record<string, string> = {}): Readonly<Config> {
  const env: NodeJS.ProcessEnv = { ...defaults }
  for (const [k, v] of Object.entries(environment)) if (v !== undefined && v !== '') env[k] = v
  const scaleRaw = env.VIGIL_CLOCK_SCALE ?? '1'
  const clockScale = Number(scaleRaw)
  if (!Number.isFinite(clockScale) || clockScale <= 0 || clockScale > 3600) {
    throw new ConfigError(`VIGIL_CLOCK_SCALE=${scaleRaw} must be a number above 0 and at most 3600`)
  }
  const databaseUrl = optional(env, 'VIGIL_DATABASE_URL')
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(`VIGIL_DATABASE_URL must be a postgres:// URL`)
  }
  const redisUrl = optional(env, 'VIGIL_REDIS_URL')
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError('VIGIL_REDIS_URL must be a redis:// URL')
  const redisPrefix = env.VIGIL_REDIS_PREFIX || 'vigil'
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(redisPrefix)) throw new ConfigError(`VIGIL_REDIS_PREFIX=${redisPrefix} must be 1-64 letters, digits, _ . -`)
  const brokerUrls = (env.VIGIL_BROKER_URL || 'mqtt://127.0.0.1:1883').split(',').map((u) => u.trim()).filter((u) => u !== '')
  for (const u of brokerUrls) if (!/^mqtts?:\/\/[^/]+$/.test(u)) throw new ConfigError(`VIGIL_BROKER_URL: ${u} must be mqtt://host:port or mqtts://host:port`)
  const leaseRaw = env.VIGIL_SITE_LEASE_MS || '15000'
  const siteLeaseMs = Number(leaseRaw)
  if (!Number.isInteger(siteLeaseMs) || siteLeaseMs < 1000 || siteLeaseMs > 600_000) throw new ConfigError(`VIGIL_SITE_LEASE_MS=${leaseRaw} must be whole milliseconds from 1000 to 600000`)
  const mosquittoDynsecUrl = optional(env, 'VIGIL_MOSQUITTO_DYNSEC_URL')
  if (mosquittoDynsecUrl && !/^mqtts?:\/\/[^@/]+@[^/]+$/.test(mosquittoDynsecUrl)) {
    throw new ConfigError('VIGIL_MOSQUITTO_DYNSEC_URL must be mqtt://admin-user:password@host:port')
  }
  const tlsCert = optional(env, 'VIGIL_TLS_CERT')
  const tlsKey = optional(env, 'VIGIL_TLS_KEY')
  if ((tlsCert === null) !== (tlsKey === null)) throw new ConfigError('VIGIL_TLS_CERT and VIGIL_TLS_KEY must be set together')
  return Object.freeze({
    host: env.VIGIL_HOST || '127.0.0.1',
    mqttPort: port(env, 'VIGIL_MQTT_PORT', 1883),
    httpPort: port(env, 'VIGIL_HTTP_PORT', 8080),
    mqttsPort: port(env, 'VIGIL_MQTTS_PORT', 8883),
    dataDir: path.resolve(env.VIGIL_DATA_DIR || './data'),
    clockScale,
    adminPassword: optional(env, 'VIGIL_ADMIN_PASSWORD'),
    secretKey: optional(env, 'VIGIL_SECRET_KEY'),
    databaseUrl,
    influxUrl: optional(env, 'VIGIL_INFLUX_URL'),
    influx: influxConfig(env),
    webhook: webhookConfig(env),
    deviceRate: deviceRate(env),
    spoolMaxBytes: spoolMaxBytes(env),
    redisUrl,
    redisPrefix,
    brokerUrls,
    siteLeaseMs,
    mosquittoDynsecUrl,
    tlsCert,
    tlsKey,
    logLevel: env.VIGIL_LOG_LEVEL || 'info',
  })
}
