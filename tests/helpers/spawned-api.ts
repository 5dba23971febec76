// JSON calls against a Vigil started as a child process (spawn-vigil.ts): throws on any status
// from 300 up, with the body, so a failing fault test says what the server answered.
export async function call(base: string, method: string, url: string, token?: string, body?: unknown): Promise<any> {
  const res = await fetch(base + url, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${text}`)
  return text ? JSON.parse(text) : undefined
}

export async function login(base: string, password: string, username = 'admin'): Promise<string> {
  return (await call(base, 'POST', '/api/v1/auth/login', undefined, { username, password })).token as string
}

/** Every item of a paged list endpoint (CONTRACT.md §3: `{items, next}`). */
export async function listAll(base: string, token: string, url: string): Promise<any[]> {
  const items: any[] = []
  let cursor: string | null = null
  do {
    const sep = url.includes('?') ? '&' : '?'
    const page: { items: any[]; next: string | null } = await call(base, 'GET', `${url}${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token)
    items.push(...page.items)
    cursor = page.next
  } while (cursor !== null)
  return items
}

/** Every stored value of one field (the history endpoint returns at most 10,000 points a call). */
export async function allValues(base: string, token: string, deviceId: string, field: string): Promise<Set<unknown>> {
  const values = new Set<unknown>()
  let from = 0
  for (;;) {
    const page: { points: Array<{ t: number; v: unknown }> } = await call(base, 'GET', `/api/v1/devices/${deviceId}/telemetry?field=${field}&from=${from}&to=${Date.now() + 86_400_000}&limit=10000`, token)
    for (const p of page.points) values.add(p.v)
    const last = page.points.at(-1)
    // Points sharing the last page's final millisecond are read again from there (a Set dedupes them).
    if (page.points.length < 10_000 || last === undefined || last.t === page.points[0]!.t) return values
    from = last.t
  }
}
