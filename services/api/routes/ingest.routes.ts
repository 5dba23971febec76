// Ingest health (CONTRACT.md §2, §3): the bounded dead-letter list, newest first, payloads redacted at ingest.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteOpts } from '../api-deps.js'
import { principalOf, requirePermission, visibleSites } from '../auth.js'
import { pageRequest } from '../paging.js'
import { errorResponses, Page, PageQuery, Rejection } from '../schemas.js'

export const ingestRoutes: FastifyPluginAsyncTypebox<RouteOpts> = async (app, { deps }) => {
  app.get('/ingest/rejections', {
    onRequest: requirePermission('ingest.read'),
    schema: {
      tags: ['ingest'], summary: 'Rejected device messages (the dead-letter list), newest first',
      querystring: Type.Object({ deviceId: Type.Optional(Type.String()), ...PageQuery }),
      response: { 200: Page(Rejection), ...errorResponses(400, 401) },
    },
  }, async (req) => deps.repos.rejections.list({ deviceId: req.query.deviceId, siteIds: visibleSites(principalOf(req)) }, pageRequest(req.query)))
}
