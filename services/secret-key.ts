// The server key behind JWT signatures and device-secret HMACs. Generated on first start and kept
// in the data folder (mode 0600), so tokens and device secrets survive restarts; VIGIL_SECRET_KEY
// overrides it for deployments that keep secrets elsewhere.
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export function loadOrCreateSecretKey(dataDir: string, configured: string | null): Buffer {
  if (configured) return Buffer.from(configured, 'utf8')
  const file = path.join(dataDir, 'secret.key')
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
  const key = randomBytes(32)
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 })
  return key
}
