// The OpenAPI document (CONTRACT.md §3: at /api/v1/openapi.json, docs UI at /docs). It carries the
// whole error catalog (`x-error-codes`, STYLE.md: "a test checks that every code is documented")
// and the permission table, so the docs and the code cannot drift apart.
import type { SwaggerOptions } from '@fastify/swagger'
import { ERRORS } from '../core/errors.js'
import { ErrorResponse } from './schemas.js'
import { permissionTableMarkdown } from './permissions.js'

export const API_PREFIX = '/api/v1'

const DESCRIPTION = `Vigil's REST API (CONTRACT.md §3). JSON in and out; log in with POST /api/v1/auth/login and send
\`Authorization: Bearer <token>\`. Every error is \`{"error": {"code", "message", "details"}}\`; the codes are listed
in \`x-error-codes\` and in the ErrorResponse schema. Lists return \`{items, next}\` and accept \`limit\` (default 100,
at most 1000) and \`cursor\`. A resource of a site you are not assigned to answers 404.

## Who may do what

`

export function openapiOptions(version: string): SwaggerOptions {
  // `x-` extensions are passed through by @fastify/swagger but are not in its document type.
  const openapi = {
    openapi: '3.0.3',
    info: { title: 'Vigil API', version, description: DESCRIPTION + permissionTableMarkdown() },
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { ErrorResponse },
    },
    security: [{ bearerAuth: [] }],
    'x-error-codes': Object.fromEntries(Object.entries(ERRORS).map(([code, e]) => [code, { status: e.status, description: e.doc }])),
  }
  return { openapi } as unknown as SwaggerOptions
}
