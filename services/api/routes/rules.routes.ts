// Rules (CONTRACT.md §3 rules): the catalog, and overrides per site and per device.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../core/errors.js'
import type { RouteOpts } from '../api-deps.js'
import { canSeeSite, principalOf, requirePermission } from '../auth.js'
import { EffectiveRule, errorResponses, IdParams, RuleInfo, RulePatch } from '../schemas.js'
import { visibleDevice } from './devices.routes.js'

const RuleParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }), ruleId: Type.String({ minLength: 1, maxLength: 32 }) })

export const ruleRoutes: FastifyPluginAsyncTypebox<RouteOpts> = async (app, { deps }) => {
  const visibleSite = async (siteId: string, user: Parameters<typeof canSeeSite>[0]): Promise<void> => {
    if (!canSeeSite(user, siteId) || !(await deps.repos.sites.get(siteId))) throw new AppError('SITE_NOT_FOUND', `site ${siteId} not found`)
  }

  app.get('/rules', {
    onRequest: requirePermission('rules.read'),
    schema: { tags: ['rules'], summary: "The rule catalog with each rule's parameters and defaults", response: { 200: Type.Object({ items: Type.Array(RuleInfo), next: Type.Null() }), ...errorResponses(401) } },
  }, async () => ({
    items: deps.rules.catalog().map(({ id, title, deviceType, priority, params }) => ({ id, title, deviceType, priority, params })),
    next: null,
  }))

  app.get('/sites/:id/rules', {
    onRequest: requirePermission('rules.read'),
    schema: { tags: ['rules'], summary: 'The rules as they apply to a site', params: IdParams, response: { 200: Type.Object({ items: Type.Array(EffectiveRule), next: Type.Null() }), ...errorResponses(401, 404) } },
  }, async (req) => {
    await visibleSite(req.params.id, principalOf(req))
    return { items: await deps.rules.effective('site', req.params.id), next: null }
  })

  app.patch('/sites/:id/rules/:ruleId', {
    onRequest: requirePermission('rules.manage'),
    schema: { tags: ['rules'], summary: 'Enable, disable or tune a rule for a site', params: RuleParams, body: RulePatch, response: { 200: EffectiveRule, ...errorResponses(400, 401, 403, 404) } },
  }, async (req) => {
    const user = principalOf(req)
    await visibleSite(req.params.id, user)
    return deps.rules.setOverride('site', req.params.id, req.params.ruleId, req.body, user.username)
  })

  app.get('/devices/:id/rules', {
    onRequest: requirePermission('rules.read'),
    schema: { tags: ['rules'], summary: 'The rules as they apply to one device', params: IdParams, response: { 200: Type.Object({ items: Type.Array(EffectiveRule), next: Type.Null() }), ...errorResponses(401, 404) } },
  }, async (req) => {
    await visibleDevice(deps, principalOf(req), req.params.id)
    return { items: await deps.rules.effective('device', req.params.id), next: null }
  })

  app.patch('/devices/:id/rules/:ruleId', {
    onRequest: requirePermission('rules.manage'),
    schema: { tags: ['rules'], summary: "Override a rule for one device (over its site's setting)", params: RuleParams, body: RulePatch, response: { 200: EffectiveRule, ...errorResponses(400, 401, 403, 404) } },
  }, async (req) => {
    const user = principalOf(req)
    await visibleDevice(deps, user, req.params.id)
    return deps.rules.setOverride('device', req.params.id, req.params.ruleId, req.body, user.username)
  })
}
