// One mapping from anything thrown to the CONTRACT.md §3 error shape
// `{error: {code, message, details}}` (STYLE.md "Errors and bad input"): AppError as catalogued,
// schema failures as 400 BAD_REQUEST with the validation details, fastify's own 4xx by status,
// and everything else as 500 INTERNAL naming only the request id (details go to the log).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, ERRORS, isAppError, type ErrorCode } from '../core/errors.js'

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown }
}

const BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 413: 'PAYLOAD_TOO_LARGE', 415: 'BAD_REQUEST', 429: 'RATE_LIMITED',
}

export function toErrorReply(err: unknown, requestId: string): { status: number; body: ErrorBody; internal: boolean } {
  if (isAppError(err)) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } }
    if (err.details !== undefined) body.error.details = err.details
    return { status: err.status, body, internal: false }
  }
  const fe = err as Partial<FastifyError> | null
  if (fe && Array.isArray(fe.validation)) {
    const details = {
      in: fe.validationContext ?? null,
      errors: fe.validation.map((v) => ({ path: v.instancePath, message: v.message ?? null, keyword: v.keyword, params: v.params })),
    }
    return { status: 400, body: { error: { code: 'BAD_REQUEST', message: fe.message ?? 'invalid request', details } }, internal: false }
  }
  const status = typeof fe?.statusCode === 'number' ? fe.statusCode : 500
  const code = BY_STATUS[status]
  if (code && status < 500) {
    return { status: ERRORS[code].status, body: { error: { code, message: fe?.message ?? code } }, internal: false }
  }
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: `internal error; see the log for request ${requestId}`, details: { requestId } } },
    internal: true,
  }
}

export function errorHandler(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body, internal } = toErrorReply(err, req.id)
  if (internal) req.log.error({ err }, 'request failed')
  else if (status >= 500) req.log.warn({ code: body.error.code }, body.error.message)
  return reply.code(status).send(body)
}

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `no route ${what}`)
