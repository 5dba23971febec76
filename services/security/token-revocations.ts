// Access tokens revoked before they expire (logout). Keyed by the token's `jti`; an entry lives only
// as long as the token it revokes could, so the list stays as small as the set of live sessions.
// In memory: a restart forgets it, which lets a logged-out access token live at most its 15 min.
export interface TokenRevocations {
  revoke(jti: string, expiresAtMs: number): void
  isRevoked(jti: string | undefined): boolean
  size(): number
}

/** `onRevoke` lets live connections that used the token end at once (socket-sessions.ts). */
export function createTokenRevocations(now: () => number = Date.now, onRevoke?: (jti: string) => void): TokenRevocations {
  const revoked = new Map<string, number>()
  const prune = (): void => {
    const t = now()
    for (const [jti, exp] of revoked) if (exp <= t) revoked.delete(jti)
  }
  return {
    revoke(jti, expiresAtMs) {
      prune()
      if (expiresAtMs > now()) revoked.set(jti, expiresAtMs)
      onRevoke?.(jti)
    },
    isRevoked(jti) {
      if (jti === undefined) return false
      const exp = revoked.get(jti)
      if (exp === undefined) return false
      if (exp <= now()) {
        revoked.delete(jti)
        return false
      }
      return true
    },
    size: () => revoked.size,
  }
}
