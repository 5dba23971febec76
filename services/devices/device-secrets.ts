// Device secrets: 160-bit random tokens, stored only as HMAC-SHA-256 under a server key. A keyed
// fast hash, not scrypt: the secret already has full entropy, and a reconnect storm of thousands
// of devices must not cost seconds of CPU (issue "Vigil end to end", item 2).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export interface DeviceSecrets {
  generate(): string
  hash(secret: string): string
  verify(secret: string, hash: string): boolean
}

export function createDeviceSecrets(key: Buffer): DeviceSecrets {
  const hash = (secret: string): string => createHmac('sha256', key).update(secret, 'utf8').digest('hex')
  return {
    generate: () => randomBytes(20).toString('base64url'),
    hash,
    verify(secret, expected) {
      const a = Buffer.from(hash(secret), 'hex')
      const b = Buffer.from(expected, 'hex')
      return a.length === b.length && timingSafeEqual(a, b)
    },
  }
}
