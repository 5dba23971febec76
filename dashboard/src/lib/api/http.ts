// Every REST call the dashboard makes (CONTRACT.md §3). Components never fetch (STYLE.md).
import type { Alarm, Device, DeviceLive, FloodStatus, HistoryPoint, Page, Site, User } from './types.js'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

const BASE = '/api/v1'
/** CONTRACT.md §3: list limits clamp at no less than 1,000. */
const PAGE = 1000

/** A Blob body (an uploaded image) is sent as it is, with its own type; anything else as JSON. */
async function send(method: string, path: string, token: string | null, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const isBlob = typeof Blob !== 'undefined' && body instanceof Blob
  if (isBlob) headers['content-type'] = body.type || 'application/octet-stream'
  else if (body !== undefined) headers['content-type'] = 'application/json'
  try {
    return await fetch(BASE + path, { method, headers, ...(body !== undefined ? { body: isBlob ? body : JSON.stringify(body) } : {}) })
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach Vigil. Check the network connection.')
  }
}

function failure(res: Response, json: unknown, method: string, path: string): ApiError {
  const err = (json as { error?: { code?: string; message?: string } } | null)?.error
  return new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? `${method} ${path} failed (${res.status})`)
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null
  } catch {
    // A proxy error page, say: the caller goes on with the status.
    return null
  }
}

export async function request<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await send(method, path, token, body)
  const json = parse(await res.text())
  if (!res.ok) throw failure(res, json, method, path)
  return json as T
}

/** A binary resource (a floor plan image) fetched with the token. */
export async function fetchBlob(path: string, token: string): Promise<Blob> {
  const res = await send('GET', path, token)
  if (!res.ok) throw failure(res, parse(await res.text()), 'GET', path)
  return res.blob()
}

export async function all<T>(path: string, token: string): Promise<T[]> {
  const items: T[] = []
  let cursor: string | null = null
  do {
    const sep = path.includes('?') ? '&' : '?'
    const page: Page<T> = await request('GET', `${path}${sep}limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token)
    items.push(...page.items)
    cursor = page.next
  } while (cursor)
  return items
}

/** GET /state is "one document"; accept the shapes it may take: a list, `{items}`, or a map by id. */
function liveList(doc: unknown): DeviceLive[] {
  const pick = (v: unknown): unknown => (v && typeof v === 'object' && !Array.isArray(v) ? ((v as Record<string, unknown>).items ?? (v as Record<string, unknown>).devices ?? v) : v)
  const body = pick(doc)
  const values = Array.isArray(body) ? body : body && typeof body === 'object' ? Object.values(body) : []
  return values.filter((v): v is DeviceLive => !!v && typeof v === 'object' && typeof (v as DeviceLive).deviceId === 'string')
}

/** POST /auth/login and /auth/refresh (issue #7): a 15-minute access token and a single-use refresh token. */
export interface Session {
  token: string
  user: User
  refreshToken?: string
  expiresAt?: string
}

const q = (siteId: string | null): string => (siteId ? `siteId=${encodeURIComponent(siteId)}` : '')

/** GET /readyz (outside /api/v1, no token): each dependency's check, or null when Vigil does not answer. */
async function readiness(): Promise<Record<string, { ok: boolean; detail?: string }> | null> {
  try {
    const res = await fetch('/readyz', { headers: { accept: 'application/json' } })
    const body = (await res.json()) as { checks?: Record<string, { ok: boolean; detail?: string }> }
    return body.checks ?? null
  } catch {
    return null
  }
}

export const api = {
  readiness,
  login: (username: string, password: string) => request<Session>('POST', '/auth/login', null, { username, password }),
  refresh: (refreshToken: string) => request<Session>('POST', '/auth/refresh', null, { refreshToken }),
  logout: (token: string, refreshToken: string | null) => request<null>('POST', '/auth/logout', token, refreshToken ? { refreshToken } : {}),
  sites: (token: string) => all<Site>('/sites', token),
  devices: (token: string, siteId: string | null) => all<Device>(`/devices?${q(siteId)}`, token),
  device: (token: string, id: string) => request<Device>('GET', `/devices/${encodeURIComponent(id)}`, token),
  state: async (token: string, siteId: string | null) => liveList(await request<unknown>('GET', `/state?${q(siteId)}`, token)),
  activeAlarms: (token: string, siteId: string | null) => all<Alarm>(`/alarms?state=active&${q(siteId)}`, token),
  ack: (token: string, id: string) => request<Alarm>('POST', `/alarms/${encodeURIComponent(id)}/ack`, token, {}),
  /** Shelved, suppressed and out-of-service alarms: hidden from the active list, shown on their own tabs. */
  alarmsInState: (token: string, state: HiddenListState, siteId: string | null) => all<Alarm>(`/alarms?state=${state}&${q(siteId)}`, token),
  /** One alarm with its `history`. */
  alarm: (token: string, id: string) => request<Alarm>('GET', `/alarms/${encodeURIComponent(id)}`, token),
  alarmAction: (token: string, id: string, action: AlarmAction, body: object) =>
    request<Alarm>('POST', `/alarms/${encodeURIComponent(id)}/${action}`, token, body),
  flood: async (token: string, siteId: string | null) => (await request<{ items: FloodStatus[] }>('GET', `/alarms/flood?${q(siteId)}`, token)).items,
  history: async (token: string, deviceId: string, field: string, range: { from: number; to: number; every?: string; agg?: 'mean' | 'min' | 'max' | 'last' }) => {
    const params = new URLSearchParams({ field, from: String(range.from), to: String(range.to) })
    if (range.every) params.set('every', range.every)
    if (range.agg) params.set('agg', range.agg)
    return (await request<{ field: string; points: HistoryPoint[] }>('GET', `/devices/${encodeURIComponent(deviceId)}/telemetry?${params}`, token)).points
  },
}

export type HiddenListState = 'shelved' | 'suppressed' | 'out-of-service'
/** CONTRACT.md §3 alarm actions other than ack. */
export type AlarmAction = 'reset' | 'shelve' | 'unshelve' | 'out-of-service' | 'return-to-service'
