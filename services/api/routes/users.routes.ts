// Users (CONTRACT.md §3 users): create (admin), list.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { RouteOpts } from '../api-deps.js'
import { principalOf, requirePermission } from '../auth.js'
import { pageRequest } from '../paging.js'
import { errorResponses, NewUser, Page, PageQuery, User } from '../schemas.js'

export const userRoutes: FastifyPluginAsyncTypebox<RouteOpts> = async (app, { deps }) => {
  app.post('/users', {
    onRequest: requirePermission('users.manage'),
    schema: { tags: ['users'], summary: 'Create a user', body: NewUser, response: { 201: User, ...errorResponses(400, 401, 403, 409) } },
  }, async (req, reply) => {
    const user = await deps.userService.create(req.body, principalOf(req).username)
    return reply.code(201).send(user)
  })

  app.get('/users', {
    onRequest: requirePermission('users.read'),
    schema: { tags: ['users'], summary: 'List users', querystring: Type.Object(PageQuery), response: { 200: Page(User), ...errorResponses(400, 401, 403) } },
  }, async (req) => deps.repos.users.list(pageRequest(req.query)))
}
