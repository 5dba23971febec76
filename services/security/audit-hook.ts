// The audit trail of changes made through the API (issue #7 "Audit"): every successful POST, PATCH,
// PUT or DELETE by a person is appended with actor, time, address and the object before and after.
// Routes whose service already writes a richer row (users, sites, devices, rule overrides) and the
// auth routes (no change to any object) are skipped, so nothing is recorded twice.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Clock } from '../core/clock.js'
import type { Repos } from '../core/ports.js'

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE'])
/** Audited by their service (services/users, api/routes/sites, services/devices, services/rules) or explicitly. */
const AUDITED_ELSEWHERE = new Set([
  'POST /users', 'POST /sites', 'PATCH /sites/:id', 'POST /devices', 'PATCH /devices/:id', 'DELETE /devices/:id',
  'POST /devices/:id/rotate-secret', 'PATCH /sites/:id/rules/:ruleId', 'PATCH /devices/:id/rules/:ruleId',
  'POST /auth/login', 'POST /auth/refresh', 'POST /auth/logout', 'POST /access-events/:id/reveal',
  // services/floor-plans: the upload's body is an image, so the service records the plan, not the bytes.
  ...['PUT', 'DELETE'].map((m) => `${m} /sites/:siteId/buildings/:building/floors/:floor/plan`), 'PUT /sites/:siteId/buildings/:building/floors/:floor/plan/positions',
])
/** Never copied into the audit log. */
const SECRET_KEYS = new Set(['password', 'secret', 'token', 'refreshToken', 'passwordHash', 'subjectRef', 'credentialToken'])
const MAX_AUDIT_JSON = 32 * 1024

type Loader = (repos: Repos, id: string) => Promise<unknown>
/** The object a route changes, read before the change. */
const LOADERS: Record<string, Loader> = {
  alarms: (r, id) => r.alarms.get(id),
  'work-orders': (r, id) => r.workOrders.get(id),
  emergencies: (r, id) => r.emergencies.get(id),
  handovers: (r, id) => r.handovers.get(id),
}

interface Pending {
  before: unknown
  after: unknown
}
declare module 'fastify' {
  interface FastifyRequest {
    auditPending?: Pending
  }
}

function scrub(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k) ? '[redacted]' : scrub(v, depth + 1)
  return out
}

function bounded(value: unknown): unknown {
  const clean = scrub(value)
  const text = JSON.stringify(clean ?? null)
  return text.length > MAX_AUDIT_JSON ? { truncated: true, json: text.slice(0, MAX_AUDIT_JSON) } : clean
}

/** `POST /api/v1/work-orders/:id/accept` → action `work-orders.accept`, route key `POST /work-orders/:id/accept`. */
function describe(req: FastifyRequest, prefix: string): { key: string; action: string; resource: string } | null {
  const url = req.routeOptions.url
  if (url === undefined || !url.startsWith(prefix)) return null
  const path = url.slice(prefix.length)
  const parts = path.split('/').filter((p) => p !== '')
  const resource = parts[0] ?? ''
  const verbs = parts.slice(1).filter((p) => !p.startsWith(':'))
  const verb = verbs.length > 0 ? verbs.join('.') : { POST: 'create', PATCH: 'update', PUT: 'replace', DELETE: 'delete' }[req.method] ?? req.method
  return { key: `${req.method} ${path}`, action: `${resource}.${verb}`, resource }
}

export function registerAuditHook(api: FastifyInstance, deps: { repos: Repos; clock: Clock; prefix: string }): void {
  const { repos, clock, prefix } = deps
  const wanted = (req: FastifyRequest): ReturnType<typeof describe> => {
    if (!MUTATING.has(req.method) || req.principal === null) return null
    const d = describe(req, prefix)
    return d === null || AUDITED_ELSEWHERE.has(d.key) ? null : d
  }

  api.addHook('preHandler', async (req) => {
    const d = wanted(req)
    if (d === null) return
    const id = (req.params as { id?: unknown } | undefined)?.id
    const load = LOADERS[d.resource]
    let before: unknown = null
    if (load !== undefined && typeof id === 'string') before = (await load(repos, id).catch(() => undefined)) ?? null
    req.auditPending = { before, after: undefined }
  })
  // Appended before the answer leaves: whoever hears that the change succeeded (the caller, or a
  // reader of /audit right after) finds it in the audit trail, on a database with real I/O too.
  api.addHook('onSend', async (req, reply, payload) => {
    const pending = req.auditPending
    const d = wanted(req)
    if (pending === undefined || d === null || reply.statusCode >= 300) return payload
    if (typeof payload === 'string') {
      try {
        pending.after = JSON.parse(payload)
      } catch {
        pending.after = null
      }
    }
    const id = (req.params as { id?: unknown } | undefined)?.id
    try {
      await repos.audit.append({
        at: new Date(clock.now()).toISOString(),
        actor: req.principal!.username,
        action: d.action,
        target: typeof id === 'string' ? `${d.resource}:${id}` : d.resource,
        address: req.ip,
        before: bounded(pending.before),
        // The answer is the changed object; an action without one (204) keeps what was asked.
        after: bounded(pending.after ?? { request: req.body ?? null }),
      })
    } catch (err) {
      req.log.error({ err, action: d.action }, 'audit append failed')
    }
    return payload
  })
}
