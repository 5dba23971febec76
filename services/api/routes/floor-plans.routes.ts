// Floor plans (issue #6 item 8): one image per building floor of a site, and where its devices sit
// on it. Reads follow the site (everyone who sees the site); writes are the admin's.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { AppError } from '../../core/errors.js'
import { MAX_PLAN_BYTES, MAX_POSITIONS, PLAN_IMAGE_TYPES, type FloorKey } from '../../core/floor-plans/floor-plan.js'
import type { User } from '../../core/model.js'
import type { FloorPlanService } from '../../floor-plans/floor-plan.service.js'
import type { RouteOpts } from '../api-deps.js'
import { canSeeSite, principalOf, requirePermission } from '../auth.js'
import { errorResponses, Id, Nullable, StringEnum, Timestamp } from '../schemas.js'

export const FLOOR_PLAN_PATH = '/sites/:siteId/buildings/:building/floors/:floor/plan'

const FloorParams = Type.Object({
  siteId: Id,
  building: Type.String({ minLength: 1, maxLength: 100, description: "the devices' `location.building`" }),
  floor: Type.Integer({ minimum: -9, maximum: 200, description: "the devices' `location.floor`" }),
})
const Position = Type.Object(
  {
    deviceId: Type.String({ minLength: 1, maxLength: 128 }),
    x: Type.Number({ minimum: 0, maximum: 1, description: 'fraction of the image width from the left' }),
    y: Type.Number({ minimum: 0, maximum: 1, description: 'fraction of the image height from the top' }),
  },
  { additionalProperties: false },
)
const FloorPlan = Type.Object({
  siteId: Type.String(), building: Type.String(), floor: Type.Integer(),
  contentType: StringEnum(PLAN_IMAGE_TYPES), width: Type.Integer({ description: 'pixels' }), height: Type.Integer({ description: 'pixels' }),
  size: Type.Integer({ description: 'bytes' }), positions: Type.Array(Position),
  uploadedBy: Type.String(), uploadedAt: Timestamp, updatedAt: Timestamp,
}, { title: 'FloorPlan' })

export const floorPlanRoutes: FastifyPluginAsyncTypebox<RouteOpts & { floorPlans: FloorPlanService }> = async (app, { deps, floorPlans }) => {
  // The plan arrives as the raw request body. Every type is taken in as bytes so that a wrong one
  // gets the catalogued 415 with the accepted list, not a bare parser error.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_PLAN_BYTES }, (_req, body, done) => done(null, body))

  const visibleKey = async (user: User, p: FloorKey): Promise<FloorKey> => {
    const site = await deps.repos.sites.get(p.siteId)
    if (!site || !canSeeSite(user, site.id)) throw new AppError('SITE_NOT_FOUND', `site ${p.siteId} not found`)
    return { siteId: p.siteId, building: p.building, floor: p.floor }
  }

  app.get('/sites/:siteId/floor-plans', {
    onRequest: requirePermission('sites.read'),
    schema: {
      tags: ['floor plans'], summary: "Every floor plan of a site with its device positions (one document, never paged)",
      params: Type.Object({ siteId: Id }),
      response: { 200: Type.Object({ items: Type.Array(FloorPlan), next: Nullable(Type.String()) }), ...errorResponses(400, 401, 404) },
    },
  }, async (req) => {
    const { siteId } = await visibleKey(principalOf(req), { siteId: req.params.siteId, building: '', floor: 0 })
    return { items: await floorPlans.list(siteId), next: null }
  })

  app.get(FLOOR_PLAN_PATH, {
    onRequest: requirePermission('sites.read'),
    schema: { tags: ['floor plans'], summary: 'One floor plan: image size and device positions', params: FloorParams, response: { 200: FloorPlan, ...errorResponses(400, 401, 404) } },
  }, async (req) => floorPlans.get(await visibleKey(principalOf(req), req.params)))

  app.put(FLOOR_PLAN_PATH, {
    onRequest: requirePermission('floor-plans.manage'),
    bodyLimit: MAX_PLAN_BYTES,
    schema: {
      tags: ['floor plans'],
      summary: `Upload or replace the plan image: the raw bytes as the body, Content-Type ${PLAN_IMAGE_TYPES.join(', ')}, at most ${MAX_PLAN_BYTES / 1024 / 1024} MiB; SVG is refused. Placed devices stay where they are.`,
      // Documented per media type; no `type` (nor `format`, which needs one), so the parsed bytes (a Buffer) pass validation.
      body: { content: Object.fromEntries(PLAN_IMAGE_TYPES.map((t) => [t, { schema: { description: 'the image bytes' } }])) },
      params: FloorParams, response: { 200: FloorPlan, ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
  }, async (req) => {
    const user = principalOf(req)
    const key = await visibleKey(user, req.params)
    if (!Buffer.isBuffer(req.body)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', `send the image bytes as the body with Content-Type ${PLAN_IMAGE_TYPES.join(', ')}`)
    return floorPlans.putImage(key, { contentType: req.headers['content-type'] ?? '', data: req.body }, user.username)
  })

  app.get(`${FLOOR_PLAN_PATH}/image`, {
    onRequest: requirePermission('sites.read'),
    schema: { tags: ['floor plans'], summary: 'The plan image itself', params: FloorParams, response: errorResponses(400, 401, 404) },
  }, async (req, reply) => {
    const { plan, stream } = await floorPlans.openImage(await visibleKey(principalOf(req), req.params))
    return reply
      .type(plan.contentType)
      .header('content-length', plan.size)
      // Never interpreted as anything but the image it was checked to be, even if opened on its own.
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-cache')
      .header('etag', `"${plan.size}-${Date.parse(plan.uploadedAt)}"`)
      .send(stream)
  })

  app.put(`${FLOOR_PLAN_PATH}/positions`, {
    onRequest: requirePermission('floor-plans.manage'),
    schema: {
      tags: ['floor plans'], summary: 'Place devices on the plan (replaces every position of the floor); devices of the same site and building',
      params: FloorParams,
      body: Type.Object({ positions: Type.Array(Position, { maxItems: MAX_POSITIONS }) }, { additionalProperties: false }),
      response: { 200: FloorPlan, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (req) => {
    const user = principalOf(req)
    return floorPlans.setPositions(await visibleKey(user, req.params), req.body.positions, user.username)
  })

  app.delete(FLOOR_PLAN_PATH, {
    onRequest: requirePermission('floor-plans.manage'),
    schema: { tags: ['floor plans'], summary: 'Remove the plan and its positions', params: FloorParams, response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const user = principalOf(req)
    await floorPlans.delete(await visibleKey(user, req.params), user.username)
    return reply.code(204).send(null)
  })
}
