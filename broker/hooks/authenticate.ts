// CONNECT: username = device id, password = the secret issued at registration (CONTRACT.md §2).
// Wrong or missing credentials get 3.1.1 return code 4; a client id that another device is using
// gets 5. Literal codes: aedes' AuthErrorCode is an ambient const enum (STACK.md).
import type { AedesOptions, AuthenticateError } from 'aedes'
import type { Logger } from 'pino'
import type { Metrics } from '../../services/adapters/metrics.js'
import type { Clock } from '../../services/core/clock.js'
import type { DeviceDirectory } from '../../services/devices/device-directory.js'
import type { DeviceSecrets } from '../../services/devices/device-secrets.js'
import type { ConnectionRegistry } from '../connection-registry.js'
import { createAuthThrottle, type AuthThrottle } from '../../services/security/auth-throttle.js'
import { SERVICE_USERNAME } from '../service-identity.js'

export const BAD_USERNAME_OR_PASSWORD = 4
export const NOT_AUTHORIZED = 5

export type AuthRefusal = 'missing-credentials' | 'unknown-device' | 'bad-secret' | 'client-id-in-use' | 'throttled'

export interface AuthenticateDeps {
  directory: DeviceDirectory
  secrets: DeviceSecrets
  registry: ConnectionRegistry
  metrics: Metrics
  clock: Clock
  logger: Logger
  /**
   * Vigil's own workers (broker role): user SERVICE_USERNAME with the password derived from the
   * secret key. Absent for the embedded broker, where no worker connects over MQTT.
   */
  serviceCheck?: (password: Buffer) => boolean
  /** Re-reads the directory (broker role: a device registered or rotated through another process). */
  refreshDirectory?: () => Promise<void>
  /** Refuses, unchecked, device ids and addresses that keep failing (issue #7); one per broker by default. */
  throttle?: AuthThrottle
}

function refusal(returnCode: number, message: string): AuthenticateError {
  const err = new Error(message) as AuthenticateError
  ;(err as { returnCode: number }).returnCode = returnCode
  return err
}

export function createAuthenticate(deps: AuthenticateDeps): NonNullable<AedesOptions['authenticate']> {
  const { directory, secrets, registry, metrics, clock, logger } = deps
  const throttle = deps.throttle ?? createAuthThrottle(clock)

  function secretMatches(deviceId: string, password: string): boolean {
    const entry = directory.get(deviceId)
    if (entry === undefined) return false
    if (secrets.verify(password, entry.secretHash)) return true
    // After a rotation the previous secret works until its grace period ends (contracts.ts DeviceService.rotateSecret).
    return entry.previousSecretHash !== null && entry.previousValidUntil > clock.now() && secrets.verify(password, entry.previousSecretHash)
  }

  return (client, username, password, done) => {
    const refuse = (reason: AuthRefusal, code: number): void => {
      metrics.mqttAuthRefused.inc({ reason })
      // A throttled brute force would otherwise write a log line per guess; the counter keeps the count.
      logger[reason === 'throttled' ? 'debug' : 'info']({ clientId: client.id, deviceId: username, reason }, 'MQTT connection refused')
      done(refusal(code, reason), null)
    }
    if (username === undefined || username === '' || password === undefined || password.length === 0) {
      return refuse('missing-credentials', BAD_USERNAME_OR_PASSWORD)
    }
    const address = (client.conn as { remoteAddress?: string } | undefined)?.remoteAddress
    const verdict = throttle.check(username, address)
    if (verdict.throttled) {
      // Refused before the secret is looked at: a brute force gets no answer about its guesses.
      metrics.mqttAuthThrottled.inc({ key: verdict.key })
      return refuse('throttled', BAD_USERNAME_OR_PASSWORD)
    }
    const accept = (): void => {
      throttle.succeeded(username, address)
      // MQTT-3.1.4-2 lets a new connection take over a client id; only the same device may do that,
      // or one device could knock another off the broker.
      const owner = registry.ownerOfClientId(client.id)
      if (owner !== undefined && owner !== username) return refuse('client-id-in-use', NOT_AUTHORIZED)
      registry.authenticated(client, username)
      done(null, true)
    }
    const checkDevice = (): void => {
      if (directory.get(username) === undefined) {
        throttle.failed(username, address)
        return refuse('unknown-device', BAD_USERNAME_OR_PASSWORD)
      }
      if (!secretMatches(username, password.toString('utf8'))) {
        throttle.failed(username, address)
        return refuse('bad-secret', BAD_USERNAME_OR_PASSWORD)
      }
      accept()
    }
    if (username === SERVICE_USERNAME && deps.serviceCheck) {
      if (!deps.serviceCheck(password)) {
        throttle.failed(username, address)
        return refuse('bad-secret', BAD_USERNAME_OR_PASSWORD)
      }
      throttle.succeeded(username, address)
      registry.authenticatedService(client)
      return done(null, true)
    }
    // Another process may have registered the device or rotated its secret since this broker last
    // read the directory: read it again once before refusing.
    if (deps.refreshDirectory && !secretMatches(username, password.toString('utf8'))) {
      deps.refreshDirectory().then(checkDevice, (err: unknown) => {
        logger.warn({ err }, 'device directory refresh failed')
        checkDevice()
      })
      return
    }
    checkDevice()
  }
}
