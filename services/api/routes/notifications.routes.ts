// Notifications (CONTRACT.md §4 `notification`): the caller's own, and their acknowledgement,
// which stops the re-notification (DOMAIN.md §6 "re-notify until ack").
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { WorkOrderServices } from '../../work-orders/work-orders.js'
import type { RouteOpts } from '../api-deps.js'
import { principalOf, requirePermission } from '../auth.js'
import { pageRequest } from '../paging.js'
import { errorResponses, IdParams, Page, PageQuery } from '../schemas.js'
import { Notification } from './work-order.schemas.js'

export const notificationRoutes: FastifyPluginAsyncTypebox<RouteOpts & { services: WorkOrderServices }> = async (app, { services }) => {
  const { notifications } = services
  app.get('/notifications', {
    onRequest: requirePermission('notifications.own'),
    schema: {
      tags: ['duty'], summary: 'Your notifications, newest first', querystring: Type.Object({ workOrderId: Type.Optional(Type.String({ maxLength: 128 })), ...PageQuery }),
      response: { 200: Page(Notification), ...errorResponses(400, 401, 403) },
    },
  }, async (req) => notifications.list({ to: principalOf(req).username, workOrderId: req.query.workOrderId }, pageRequest(req.query)))

  app.post('/notifications/:id/ack', {
    onRequest: requirePermission('notifications.own'),
    schema: {
      tags: ['duty'], summary: 'Acknowledge a notification addressed to you (stops its re-notification)', params: IdParams,
      body: Type.Object({}, { additionalProperties: false }), response: { 200: Notification, ...errorResponses(400, 401, 403, 404) },
    },
  }, async (req) => notifications.ack(req.params.id, principalOf(req)))
}
