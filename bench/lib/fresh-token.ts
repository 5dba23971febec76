// Access tokens last 15 minutes and Vigil ends a live connection whose token has expired (like a
// wall display signed out), so the bench's long-lived clients, the soak's above all, sign in again
// for a reconnection once their token is 10 minutes old. One source serves every socket of a
// process: ten screens signing in at once would meet the sign-in limit per address.
export interface Credentials {
  username: string
  password: string
}

const FRESH_FOR_MS = 10 * 60_000

export function tokenSource(url: string, token: string, login?: Credentials): () => Promise<string> {
  let current = { token, at: Date.now() }
  let signingIn: Promise<string> | null = null
  return () => {
    if (login === undefined || Date.now() - current.at < FRESH_FOR_MS) return Promise.resolve(current.token)
    signingIn ??= (async () => {
      try {
        const res = await fetch(`${url}/api/v1/auth/login`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(login), signal: AbortSignal.timeout(60_000),
        })
        if (!res.ok) throw new Error(`sign-in for a reconnection → ${res.status}`)
        current = { token: ((await res.json()) as { token: string }).token, at: Date.now() }
        return current.token
      } finally {
        signingIn = null
      }
    })()
    return signingIn
  }
}

/**
 * socket.io does not reconnect by itself after the server ended the connection (Vigil does when
 * a token expires) nor after its handshake was refused (a sign-in that failed): try again a second
 * later, as the wall display does. `started`: the first connection was made (before, a failure is
 * the caller's to report).
 */
export function reconnectLikeAWall(
  socket: { connect(): unknown; on(event: 'connect_error', fn: (err: Error) => void): unknown; on(event: 'disconnect', fn: (reason: string) => void): unknown; active: boolean },
  started: () => boolean,
): void {
  const later = (): void => void setTimeout(() => socket.connect(), 1000).unref()
  socket.on('disconnect', (reason) => { if (reason === 'io server disconnect') later() })
  socket.on('connect_error', () => { if (started() && !socket.active) later() })
}
