// Access tokens last 15 minutes and Vigil ends a live connection whose token has expired (like a
// wall display signed out), so a bench client that runs longer, the soak's above all, signs in
// again whenever it reconnects; the first connection uses the bench's own token.
export interface Credentials {
  username: string
  password: string
}

export function tokenSource(url: string, token: string, login?: Credentials): () => Promise<string> {
  let first = true
  return async () => {
    if (first || login === undefined) {
      first = false
      return token
    }
    const res = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(login), signal: AbortSignal.timeout(60_000),
    })
    if (!res.ok) throw new Error(`sign-in for a reconnection → ${res.status}`)
    return ((await res.json()) as { token: string }).token
  }
}
