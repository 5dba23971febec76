// Service probes outside /api/v1 (CONTRACT.md §3): liveness, readiness naming what is down, metrics.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ERRORS } from '../../core/errors.js'
import type { RouteOpts } from '../api-deps.js'

export const probeRoutes: FastifyPluginAsyncTypebox<RouteOpts> = async (app, { deps }) => {
  app.get('/healthz', {
    config: { isPublic: true },
    schema: { tags: ['probes'], summary: 'The process is alive', security: [], response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
  }, async () => ({ status: 'ok' as const }))

  app.get('/readyz', {
    config: { isPublic: true },
    schema: { tags: ['probes'], summary: 'Ready: 200, or 503 naming each dependency that is down (DEPENDENCY_DOWN)', security: [] },
  }, async (_req, reply) => {
    const checks = deps.readiness()
    const down = Object.entries(checks).filter(([, h]) => !h.ok).map(([name]) => name)
    if (down.length === 0) return { status: 'ok', checks }
    // Both a probe-friendly body and the API's error shape, so either kind of client reads it.
    return reply.code(ERRORS.DEPENDENCY_DOWN.status).send({
      status: 'degraded',
      down,
      checks,
      error: { code: 'DEPENDENCY_DOWN', message: `not ready: ${down.map((n) => `${n}${checks[n]?.detail ? ` (${checks[n].detail})` : ''}`).join(', ')} down`, details: { down } },
    })
  })

  app.get('/metrics', {
    config: { isPublic: true },
    schema: { tags: ['probes'], summary: 'Prometheus metrics (text exposition format)', security: [] },
  }, async (_req, reply) => {
    const body = await deps.metrics.registry.metrics()
    return reply.type(deps.metrics.registry.contentType).send(body)
  })
}
