// TLS material for HTTPS and MQTT over TLS (CONTRACT.md §1: VIGIL_TLS_CERT, VIGIL_TLS_KEY). Each
// variable holds a PEM file path, or the PEM text itself (for secret stores that inject values).
import { readFileSync } from 'node:fs'
import tls from 'node:tls'

export interface TlsMaterial {
  cert: string
  key: string
}

function pem(value: string, name: string): string {
  if (value.trimStart().startsWith('-----BEGIN')) return value
  try {
    return readFileSync(value, 'utf8')
  } catch (err) {
    throw new Error(`${name}=${value} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err })
  }
}

/** Null when TLS is not configured; throws a one-line error for unreadable or mismatched files. */
export function loadTls(config: { tlsCert: string | null; tlsKey: string | null }): TlsMaterial | null {
  if (config.tlsCert === null || config.tlsKey === null) return null
  const material = { cert: pem(config.tlsCert, 'VIGIL_TLS_CERT'), key: pem(config.tlsKey, 'VIGIL_TLS_KEY') }
  try {
    // Fails now, at start, on a key that does not match the certificate or a file that is not PEM.
    tls.createSecureContext(material)
  } catch (err) {
    throw new Error(`VIGIL_TLS_CERT / VIGIL_TLS_KEY are not a matching PEM certificate and key: ${(err as Error).message}`, { cause: err })
  }
  return material
}
