// Duty (CONTRACT.md §3): the caller's own shift. Who is on shift is who auto-dispatch considers.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { WorkOrderServices } from '../../work-orders/work-orders.js'
import type { RouteOpts } from '../api-deps.js'
import { principalOf, requirePermission } from '../auth.js'
import { errorResponses } from '../schemas.js'
import { Shift } from './work-order.schemas.js'

const NoBody = Type.Object({}, { additionalProperties: false })

export const shiftRoutes: FastifyPluginAsyncTypebox<RouteOpts & { services: WorkOrderServices }> = async (app, { services }) => {
  const { shifts } = services
  app.post('/shifts/start', {
    onRequest: requirePermission('shifts.own'),
    schema: { tags: ['duty'], summary: 'Start your shift; work orders waiting for your skills are dispatched', body: NoBody, response: { 200: Shift, ...errorResponses(400, 401, 403, 409) } },
  }, async (req) => shifts.start(principalOf(req).username))

  app.post('/shifts/end', {
    onRequest: requirePermission('shifts.own'),
    schema: { tags: ['duty'], summary: 'End your shift', body: NoBody, response: { 200: Shift, ...errorResponses(400, 401, 403, 409) } },
  }, async (req) => shifts.end(principalOf(req).username))

  app.get('/shifts/current', {
    onRequest: requirePermission('shifts.own'),
    schema: { tags: ['duty'], summary: 'Your current shift (404 when you are not on shift)', response: { 200: Shift, ...errorResponses(401, 403, 404) } },
  }, async (req) => shifts.current(principalOf(req).username))
}
