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
  redisUrl: string | null
  tlsCert: string | null
  tlsKey: string | null
  mqttsPort: number
  logLevel: string
}

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
    redisUrl: optional(env, 'VIGIL_REDIS_URL'),
    tlsCert,
    tlsKey,
    logLevel: env.VIGIL_LOG_LEVEL || 'info',
  })
}
