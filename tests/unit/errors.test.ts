// The error catalog (STYLE.md "a test checks that every code is documented") and the one mapping
// from thrown errors to the CONTRACT.md §3 error shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError, ERRORS, type ErrorCode } from '../../services/core/errors.js'
import { toErrorReply } from '../../services/api/error-handler.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

const CODES = Object.keys(ERRORS) as ErrorCode[]

describe('error catalog in the OpenAPI document', () => {
  let v: TestVigil
  let doc: { 'x-error-codes': Record<string, { status: number }>; components: { schemas: Record<string, unknown> }; paths: Record<string, unknown> }
  beforeAll(async () => {
    v = await startTestVigil()
    const r = await v.api('GET', '/api/v1/openapi.json')
    expect(r.status).toBe(200)
    doc = r.json
  })
  afterAll(() => v?.stop())

  it.each(CODES)('documents %s with its status in x-error-codes', (code) => {
    expect(doc['x-error-codes'][code]).toMatchObject({ status: ERRORS[code].status })
  })

  it.each(CODES)('lists %s in the ErrorResponse schema', (code) => {
    const schema = JSON.stringify(doc.components.schemas.ErrorResponse)
    expect(schema).toContain(`"${code}"`)
  })

  it('documents no code that the catalog lacks', () => {
    expect(Object.keys(doc['x-error-codes']).sort()).toEqual([...CODES].sort())
  })
})

describe('toErrorReply', () => {
  it.each(CODES)('maps AppError %s to its catalog status and code', (code) => {
    const { status, body } = toErrorReply(new AppError(code, 'why', { a: 1 }), 'req-1')
    expect(status).toBe(ERRORS[code].status)
    expect(body).toEqual({ error: { code, message: 'why', details: { a: 1 } } })
  })

  it('maps a schema failure to 400 BAD_REQUEST with the validation details', () => {
    const err = Object.assign(new Error('body/name must be string'), {
      validation: [{ instancePath: '/name', message: 'must be string', keyword: 'type', params: { type: 'string' }, schemaPath: '#/properties/name/type' }],
      validationContext: 'body',
      statusCode: 400,
    })
    const { status, body } = toErrorReply(err, 'req-1')
    expect(status).toBe(400)
    expect(body.error.code).toBe('BAD_REQUEST')
    expect(body.error.details).toEqual({ in: 'body', errors: [{ path: '/name', message: 'must be string', keyword: 'type', params: { type: 'string' } }] })
  })

  it.each([
    [413, 'PAYLOAD_TOO_LARGE'],
    [415, 'BAD_REQUEST'],
    [429, 'RATE_LIMITED'],
    [404, 'NOT_FOUND'],
    [401, 'UNAUTHORIZED'],
  ] as const)("maps fastify's own %i to %s", (statusCode, code) => {
    const { body } = toErrorReply(Object.assign(new Error('x'), { statusCode }), 'req-1')
    expect(body.error.code).toBe(code)
  })

  it('hides an unexpected failure behind 500 INTERNAL naming only the request id', () => {
    const { status, body, internal } = toErrorReply(new Error('SQLITE_BUSY at /var/lib/secret.db'), 'req-42')
    expect(status).toBe(500)
    expect(internal).toBe(true)
    expect(body.error.code).toBe('INTERNAL')
    expect(JSON.stringify(body)).not.toContain('SQLITE_BUSY')
    expect(body.error.details).toEqual({ requestId: 'req-42' })
  })
})
