// The REST calls the bench makes (CONTRACT.md §3): log in, create sites, register devices (the
// secrets come back once), change a rule, read history.
import type { DeviceSpec } from '../../simulators/fleet-plan.js'

export interface VigilApi {
  readonly token: string
  call<T>(method: string, path: string, body?: unknown): Promise<T>
  ensureSite(id: string): Promise<void>
  /** Registers every device (a few requests in flight) and returns id → MQTT secret. */
  registerAll(siteId: string, specs: readonly DeviceSpec[], concurrency?: number): Promise<Map<string, string>>
}

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message)
  }
}

export async function loginVigil(baseUrl: string, username: string, password: string): Promise<VigilApi> {
  const raw = async (method: string, path: string, body: unknown, token: string | null): Promise<unknown> => {
    const headers: Record<string, string> = {}
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (token) headers.authorization = `Bearer ${token}`
    const res = await fetch(`${baseUrl}/api/v1${path}`, { method, headers, body: body === undefined ? null : JSON.stringify(body), signal: AbortSignal.timeout(60_000) })
    const text = await res.text()
    if (res.status >= 400) throw new HttpError(res.status, `${method} ${path} → ${res.status} ${text.slice(0, 300)}`)
    return text ? JSON.parse(text) : null
  }
  const { token } = (await raw('POST', '/auth/login', { username, password }, null)) as { token: string }
  const api: VigilApi = {
    token,
    call: (method, path, body) => raw(method, path, body, token) as Promise<never>,
    async ensureSite(id) {
      try {
        await api.call('POST', '/sites', { id, name: `Bench ${id}`, timezone: 'UTC' })
      } catch (err) {
        if (!(err instanceof HttpError && err.status === 409)) throw err
      }
    },
    async registerAll(siteId, specs, concurrency = 8) {
      const secrets = new Map<string, string>()
      let next = 0
      const one = async (): Promise<void> => {
        while (next < specs.length) {
          const s = specs[next++]!
          const body = { id: s.id, siteId, type: s.type, name: s.name, location: s.location, attributes: s.attributes }
          const r = await api.call<{ secret: string }>('POST', '/devices', body)
          secrets.set(s.id, r.secret)
        }
      }
      await Promise.all(Array.from({ length: concurrency }, one))
      return secrets
    },
  }
  return api
}
