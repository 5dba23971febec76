// The few Vigil REST calls the simulators need (CONTRACT.md §3): login, sites, devices, users.
// Errors come back as one-line messages a person can act on.
import type { DeviceSpec } from './fleet-plan.js'

export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export interface NewUser {
  username: string
  password: string
  role: string
  displayName: string
  skills?: string[]
}

export interface ApiClient {
  readonly baseUrl: string
  login(): Promise<void>
  /** True when the site was created, false when it existed. */
  ensureSite(site: { id: string; name: string; timezone?: string }): Promise<boolean>
  listDeviceIds(siteId: string): Promise<Set<string>>
  /** Registers the device and returns its MQTT secret (shown once). */
  registerDevice(siteId: string, spec: DeviceSpec): Promise<string>
  rotateSecret(deviceId: string): Promise<string>
  /** True when the user was created, false when one of that name existed. */
  ensureUser(user: NewUser): Promise<boolean>
  /** The floors of the site that have a plan (issue #6 item 8), as `building/floor`. */
  floorsWithPlans(siteId: string): Promise<Set<string>>
  /** Uploads a PNG plan for the floor and places devices on it (fractions of the image). */
  putFloorPlan(at: { siteId: string; building: string; floor: number }, png: Uint8Array, positions: { deviceId: string; x: number; y: number }[]): Promise<void>
}

interface Creds {
  user: string
  password: string
}

export function createApiClient(apiUrl: string, creds: Creds): ApiClient {
  const base = apiUrl.replace(/\/+$/, '')
  let token: string | null = null

  async function raw(method: string, path: string, body?: unknown, auth = true): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = {}
    // An image travels as itself (floor plans); everything else as JSON.
    const isImage = body instanceof Uint8Array
    if (body !== undefined) headers['content-type'] = isImage ? 'image/png' : 'application/json'
    if (auth && token) headers.authorization = `Bearer ${token}`
    let res: Response
    try {
      res = await fetch(`${base}/api/v1${path}`, { method, headers, body: body === undefined ? null : isImage ? body : JSON.stringify(body), signal: AbortSignal.timeout(15_000) })
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause
      throw new ApiError(`cannot reach the Vigil API at ${base}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, 0, 'UNREACHABLE', { cause: err })
    }
    const text = await res.text()
    let json: unknown
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = null
    }
    return { status: res.status, json }
  }

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let r = await raw(method, path, body)
    // Tokens expire; log in again once and retry.
    if (r.status === 401 && token !== null) {
      await login()
      r = await raw(method, path, body)
    }
    if (r.status >= 400) throw toError(method, path, r.status, r.json)
    return r.json as T
  }

  function toError(method: string, path: string, status: number, json: unknown): ApiError {
    const e = (json as { error?: { code?: string; message?: string } } | null)?.error
    return new ApiError(`${method} ${path}: ${status} ${e?.code ?? ''} ${e?.message ?? ''}`.trim(), status, e?.code ?? 'HTTP_' + status)
  }

  async function login(): Promise<void> {
    const r = await raw('POST', '/auth/login', { username: creds.user, password: creds.password }, false)
    if (r.status === 401) throw new ApiError(`login as '${creds.user}' refused by ${base}: wrong username or password`, 401, 'INVALID_CREDENTIALS')
    if (r.status >= 400) throw toError('POST', '/auth/login', r.status, r.json)
    token = (r.json as { token: string }).token
  }

  return {
    baseUrl: base,
    login,
    async ensureSite(site) {
      try {
        await call('POST', '/sites', site)
        return true
      } catch (err) {
        if (err instanceof ApiError && err.code === 'SITE_EXISTS') return false
        throw err
      }
    },
    async listDeviceIds(siteId) {
      const ids = new Set<string>()
      let cursor: string | null = null
      do {
        const q = new URLSearchParams({ siteId, limit: '1000', ...(cursor ? { cursor } : {}) })
        const page: { items: Array<{ id: string }>; next: string | null } = await call('GET', `/devices?${q.toString()}`)
        for (const d of page.items) ids.add(d.id)
        cursor = page.next
      } while (cursor)
      return ids
    },
    async registerDevice(siteId, spec) {
      const body = { id: spec.id, siteId, type: spec.type, name: spec.name, location: spec.location, attributes: spec.attributes }
      return (await call<{ secret: string }>('POST', '/devices', body)).secret
    },
    async rotateSecret(deviceId) {
      return (await call<{ secret: string }>('POST', `/devices/${encodeURIComponent(deviceId)}/rotate-secret`, {})).secret
    },
    async ensureUser(user) {
      try {
        await call('POST', '/users', user)
        return true
      } catch (err) {
        if (err instanceof ApiError && err.code === 'USER_EXISTS') return false
        throw err
      }
    },
    async floorsWithPlans(siteId) {
      const page = await call<{ items: Array<{ building: string; floor: number }> }>('GET', `/sites/${encodeURIComponent(siteId)}/floor-plans`)
      return new Set(page.items.map((p) => `${p.building}/${p.floor}`))
    },
    async putFloorPlan(at, png, positions) {
      const path = `/sites/${encodeURIComponent(at.siteId)}/buildings/${encodeURIComponent(at.building)}/floors/${at.floor}/plan`
      await call('PUT', path, png)
      await call('PUT', `${path}/positions`, { positions })
    },
  }
}
