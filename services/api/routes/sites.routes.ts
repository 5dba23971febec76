// Sites (CONTRACT.md §3 sites). A site the user is not assigned to does not exist for them (404).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../core/errors.js'
import { parseSlaOverrides } from '../../core/work-orders/sla.js'
import type { Site, User } from '../../core/model.js'
import type { RouteOpts } from '../api-deps.js'
import { canSeeSite, principalOf, requirePermission, visibleSites } from '../auth.js'
import { pageRequest } from '../paging.js'
import { errorResponses, IdParams, NewSite, Page, PageQuery, Site as SiteSchema, SitePatch } from '../schemas.js'

export const DEFAULT_TIMEZONE = 'UTC'

export function assertTimezone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
  } catch {
    throw new AppError('VALIDATION_FAILED', `unknown time zone ${tz} (use an IANA name such as Asia/Shanghai)`, { field: 'timezone' })
  }
}

export const siteRoutes: FastifyPluginAsyncTypebox<RouteOpts> = async (app, { deps }) => {
  const sites = deps.repos.sites
  const getVisible = async (user: User, id: string): Promise<Site> => {
    const site = await sites.get(id)
    if (!site || !canSeeSite(user, site.id)) throw new AppError('SITE_NOT_FOUND', `site ${id} not found`)
    return site
  }

  app.post('/sites', {
    onRequest: requirePermission('sites.manage'),
    schema: { tags: ['sites'], summary: 'Create a site', body: NewSite, response: { 201: SiteSchema, ...errorResponses(400, 401, 403, 409) } },
  }, async (req, reply) => {
    const timezone = req.body.timezone ?? DEFAULT_TIMEZONE
    assertTimezone(timezone)
    if (await sites.get(req.body.id)) throw new AppError('SITE_EXISTS', `site ${req.body.id} already exists`)
    const site = await sites.create({ id: req.body.id, name: req.body.name, timezone })
    await deps.repos.audit.append({
      at: new Date(deps.clock.now()).toISOString(), actor: principalOf(req).username, action: 'site.create', target: `site:${site.id}`,
      address: req.ip, before: null, after: site,
    })
    return reply.code(201).send(site)
  })

  app.get('/sites', {
    onRequest: requirePermission('sites.read'),
    schema: { tags: ['sites'], summary: 'List your sites', querystring: Type.Object(PageQuery), response: { 200: Page(SiteSchema), ...errorResponses(400, 401) } },
  }, async (req) => sites.list({ siteIds: visibleSites(principalOf(req)) }, pageRequest(req.query)))

  app.get('/sites/:id', {
    onRequest: requirePermission('sites.read'),
    schema: { tags: ['sites'], summary: 'One site', params: IdParams, response: { 200: SiteSchema, ...errorResponses(401, 404) } },
  }, async (req) => getVisible(principalOf(req), req.params.id))

  app.patch('/sites/:id', {
    onRequest: requirePermission('sites.manage'),
    schema: { tags: ['sites'], summary: 'Change a site (name, timezone, SLA overrides)', params: IdParams, body: SitePatch, response: { 200: SiteSchema, ...errorResponses(400, 401, 403, 404) } },
  }, async (req) => {
    const user = principalOf(req)
    const before = await getVisible(user, req.params.id)
    if (req.body.timezone !== undefined) assertTimezone(req.body.timezone)
    // A typo in an SLA override would silently leave the default clocks running (DOMAIN.md §2).
    const sla = req.body.sla === undefined ? null : parseSlaOverrides(req.body.sla)
    if (sla && !sla.ok) throw new AppError('VALIDATION_FAILED', 'invalid SLA overrides', { field: 'sla', errors: sla.errors })
    const site = await sites.update(req.params.id, {
      name: req.body.name, timezone: req.body.timezone, settings: req.body.sla === undefined ? undefined : { sla: req.body.sla },
    })
    if (!site) throw new AppError('SITE_NOT_FOUND', `site ${req.params.id} not found`)
    await deps.repos.audit.append({
      at: new Date(deps.clock.now()).toISOString(), actor: user.username, action: 'site.update', target: `site:${site.id}`,
      address: req.ip, before, after: site,
    })
    return site
  })
}
