// People's passwords: scrypt from node:crypto with a random salt per password (issue #2 item 2:
// "people's passwords use scrypt or argon2"), stored self-describing as `scrypt$N$r$p$salt$hash`
// so the cost can be raised later without invalidating stored hashes.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))))

/**
 * 32 MiB and about 100 ms per login here. Why not 16 MiB (N=2^14): glibc serves a freed block
 * under 32 MiB from then on out of the thread's arena and keeps it resident, so every thread-pool
 * thread that once ran a login held 16 MiB for good (+66 MB over 16 sign-ins, measured; #10's
 * soak saw resident memory step up at each round of sign-ins). A block over 32 MiB is always
 * mapped and unmapped, so a login's memory goes back to the system (+2 MB over the same 16).
 */
export const SCRYPT_DEFAULTS = Object.freeze({ N: 32768, r: 8, p: 1, keylen: 32, saltBytes: 16 })

export interface PasswordHasher {
  hash(password: string): Promise<string>
  /** False for a malformed stored hash as well as for a wrong password. */
  verify(password: string, stored: string): Promise<boolean>
  /** Does the same work as verify() against a throw-away hash, for unknown users. */
  burn(password: string): Promise<void>
  /** A stored hash made with other parameters than this hasher's, to be replaced at the next login. */
  needsRehash(stored: string): boolean
}

/** `scrypt$N$r$p$salt$hash`, or null when malformed. */
function parseStored(stored: string): { N: number; r: number; p: number; salt: Buffer; expected: Buffer } | null {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])]
  if (![N, r, p].every((v) => Number.isInteger(v) && v > 0)) return null
  const expected = Buffer.from(parts[5] ?? '', 'base64')
  if (expected.length === 0) return null
  return { N, r, p, salt: Buffer.from(parts[4] ?? '', 'base64'), expected }
}

export function createPasswordHasher(params: Partial<Record<keyof typeof SCRYPT_DEFAULTS, number>> = {}): PasswordHasher {
  const { N, r, p, keylen, saltBytes } = { ...SCRYPT_DEFAULTS, ...params }
  const maxmem = 256 * N * r
  const hash = async (password: string): Promise<string> => {
    const salt = randomBytes(saltBytes)
    const key = await scrypt(password, salt, keylen, { N, r, p, maxmem })
    return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$')
  }
  const verify = async (password: string, stored: string): Promise<boolean> => {
    const h = parseStored(stored)
    if (h === null) return false
    const key = await scrypt(password, h.salt, h.expected.length, { N: h.N, r: h.r, p: h.p, maxmem: 256 * h.N * h.r })
    return timingSafeEqual(key, h.expected)
  }
  let dummy: Promise<string> | null = null
  return {
    hash,
    verify,
    async burn(password) {
      dummy ??= hash(randomBytes(16).toString('hex'))
      await verify(password, await dummy)
    },
    needsRehash(stored) {
      const h = parseStored(stored)
      return h === null || h.N !== N || h.r !== r || h.p !== p
    },
  }
}
