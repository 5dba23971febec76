// The MQTT identity of Vigil's own workers when the broker runs apart from them (`vigil broker`,
// or an external Mosquitto). The user name has a dot, which device ids cannot have (CONTRACT.md §2),
// so no device can be registered under it. The password is derived from the shared secret key, so
// every process of one deployment knows it without another secret to distribute.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SERVICE_USERNAME = 'vigil.service'

export function servicePassword(key: Buffer): string {
  return createHmac('sha256', key).update('vigil mqtt service v1', 'utf8').digest('base64url')
}

export function createServiceCheck(key: Buffer): (password: Buffer) => boolean {
  const expected = Buffer.from(servicePassword(key))
  return (password) => password.length === expected.length && timingSafeEqual(password, expected)
}
