// The simulator's own secrets, kept in its state folder: the device secrets Vigil issued (shown
// only once, CONTRACT.md §3 devices) so a restarted simulator reconnects with them, and each
// site's credential key (access-door tokens are HMAC(siteKey, cardUID), DOMAIN.md §3.4).
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export interface SecretStore {
  readonly file: string
  get(apiUrl: string, deviceId: string): string | undefined
  set(apiUrl: string, deviceId: string, secret: string): void
  /** The site's credential key, created on first use. */
  siteKey(siteId: string): string
}

interface Stored {
  // Keyed by API URL too: the same device id on another Vigil has another secret.
  devices: Record<string, Record<string, string>>
  siteKeys: Record<string, string>
}

export function createSecretStore(stateDir: string): SecretStore {
  const file = path.join(stateDir, 'simulator-secrets.json')
  let data: Stored = { devices: {}, siteKeys: {} }
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Stored>
    data = { devices: parsed.devices ?? {}, siteKeys: parsed.siteKeys ?? {} }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err })
  }
  const save = (): void => {
    mkdirSync(stateDir, { recursive: true })
    // Write then rename: a crash mid-write never leaves a half file that loses every secret.
    const tmp = `${file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 })
    renameSync(tmp, file)
  }
  return {
    file,
    get: (apiUrl, deviceId) => data.devices[apiUrl]?.[deviceId],
    set(apiUrl, deviceId, secret) {
      data.devices[apiUrl] = { ...data.devices[apiUrl], [deviceId]: secret }
      save()
    },
    siteKey(siteId) {
      const existing = data.siteKeys[siteId]
      if (existing) return existing
      const key = randomBytes(32).toString('hex')
      data.siteKeys[siteId] = key
      save()
      return key
    },
  }
}
