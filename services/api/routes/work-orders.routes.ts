// Work orders (CONTRACT.md §3 work orders; DOMAIN.md §5). The work-order service owns the state
// machine and its guards; these routes add the site scoping, the permission check and the upload.
import fastifyMultipart from '@fastify/multipart'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type TSchema } from 'typebox'
import { AppError } from '../../core/errors.js'
import type { Priority, User } from '../../core/model.js'
import type { Actor, WorkOrderInput } from '../../core/work-orders/work-order-machine.js'
import { OPEN_STATUSES, WORK_ORDER_STATUSES, type WorkOrder as WorkOrderT, type WorkOrderStatus } from '../../core/work-orders/work-order.js'
import { MAX_ATTACHMENT_BYTES } from '../../work-orders/attachment.service.js'
import type { WorkOrderServices } from '../../work-orders/work-orders.js'
import type { RouteOpts } from '../api-deps.js'
import { assertVisible, principalOf, requirePermission, siteScope } from '../auth.js'
import { emptyPage, pageRequest } from '../paging.js'
import type { Action } from '../permissions.js'
import { errorResponses, IdParams, Page } from '../schemas.js'
import { parseInstant } from '../time-query.js'
import { Assign, Attachment, Complete, NewWorkOrder, OptionalNote, Reason, WorkOrder, WorkOrderQuery } from './work-order.schemas.js'

export const actorOf = (u: User): Actor => ({ username: u.username, role: u.role })

export function parseStatuses(raw: string | undefined): readonly WorkOrderStatus[] | undefined {
  if (raw === undefined || raw === 'all') return undefined
  if (raw === 'open') return OPEN_STATUSES
  const list = raw.split(',').map((s) => s.trim()).filter(Boolean)
  const bad = list.filter((s) => !(WORK_ORDER_STATUSES as readonly string[]).includes(s))
  if (bad.length) throw new AppError('VALIDATION_FAILED', `unknown status ${bad.join(', ')} (one of ${WORK_ORDER_STATUSES.join(', ')}, open, all)`, { status: raw })
  return list as WorkOrderStatus[]
}

type ActionBody = { reason?: string; note?: string; assignee?: string; result?: string }
const ACTIONS: ReadonlyArray<{ name: WorkOrderInput['action']; permission: Action; body: TSchema; summary: string; input: (b: ActionBody) => WorkOrderInput }> = [
  { name: 'assign', permission: 'work-orders.create', body: Assign, summary: 'Assign (created or assigned → assigned); notifies the assignee', input: (b) => ({ action: 'assign', assignee: b.assignee ?? '', note: b.note ?? null }) },
  { name: 'accept', permission: 'work-orders.own', body: OptionalNote, summary: 'Accept (assigned → accepted); the response time', input: (b) => ({ action: 'accept', note: b.note ?? null }) },
  { name: 'reject', permission: 'work-orders.own', body: Reason, summary: 'Reject with a reason (assigned → created); re-dispatched to someone else', input: (b) => ({ action: 'reject', reason: b.reason ?? '' }) },
  { name: 'arrive', permission: 'work-orders.own', body: OptionalNote, summary: 'Check in on site (accepted → on-site); the arrival time', input: (b) => ({ action: 'arrive', note: b.note ?? null }) },
  { name: 'start', permission: 'work-orders.own', body: OptionalNote, summary: 'Survey done, repair starts (on-site → in-progress)', input: (b) => ({ action: 'start', note: b.note ?? null }) },
  { name: 'hold', permission: 'work-orders.own', body: Reason, summary: 'Hold with a reason (in-progress → on-hold); never priority 1', input: (b) => ({ action: 'hold', reason: b.reason ?? '' }) },
  { name: 'resume', permission: 'work-orders.own', body: OptionalNote, summary: 'Resume (on-hold → in-progress)', input: (b) => ({ action: 'resume', note: b.note ?? null }) },
  { name: 'complete', permission: 'work-orders.own', body: Complete, summary: 'Complete with a result (in-progress → completed); needs a photo attachment (422 without)', input: (b) => ({ action: 'complete', result: b.result ?? '', photos: 0 }) },
  { name: 'verify', permission: 'work-orders.supervise', body: OptionalNote, summary: 'Sign off (completed → verified) by a supervisor, manager or admin', input: (b) => ({ action: 'verify', note: b.note ?? null }) },
  { name: 'reopen', permission: 'work-orders.supervise', body: Reason, summary: 'Sign-off rejected (completed → in-progress), with a reason', input: (b) => ({ action: 'reopen', reason: b.reason ?? '' }) },
  { name: 'cancel', permission: 'work-orders.supervise', body: Reason, summary: 'Cancel with a reason (created … on-hold → cancelled)', input: (b) => ({ action: 'cancel', reason: b.reason ?? '' }) },
]

export const workOrderRoutes: FastifyPluginAsyncTypebox<RouteOpts & { services: WorkOrderServices }> = async (app, { services }) => {
  const { workOrders, attachments } = services
  await app.register(fastifyMultipart, { limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 5, parts: 6 } })
  const visible = async (user: User, id: string): Promise<WorkOrderT> => assertVisible(user, await workOrders.get(id), 'WORK_ORDER_NOT_FOUND', `work order ${id}`)

  app.get('/work-orders', {
    onRequest: requirePermission('work-orders.read'),
    schema: { tags: ['work-orders'], summary: 'List work orders, newest first', querystring: WorkOrderQuery, response: { 200: Page(WorkOrder), ...errorResponses(400, 401) } },
  }, async (req) => {
    const scope = siteScope(principalOf(req), req.query.siteId)
    if (!scope) return emptyPage()
    return workOrders.list({ ...scope, statuses: parseStatuses(req.query.status), assignee: req.query.assignee, alarmId: req.query.alarmId }, pageRequest(req.query))
  })

  app.post('/work-orders', {
    onRequest: requirePermission('work-orders.create'),
    schema: { tags: ['work-orders'], summary: 'Create a work order (resident call, complaint, appointment); dispatched at once', body: NewWorkOrder, response: { 201: WorkOrder, ...errorResponses(400, 401, 403, 404) } },
  }, async (req, reply) => {
    const user = principalOf(req)
    const b = req.body
    if (siteScope(user, b.siteId) === null) throw new AppError('SITE_NOT_FOUND', `site ${b.siteId} not found`)
    if (b.source === 'appointment' && b.appointmentAt === undefined) throw new AppError('VALIDATION_FAILED', 'an appointment needs appointmentAt', { field: 'appointmentAt' })
    const appointmentAt = b.appointmentAt === undefined ? null : parseInstant(String(b.appointmentAt), 'appointmentAt')
    const { workOrder } = await workOrders.create({
      siteId: b.siteId, deviceId: b.deviceId ?? null, title: b.title, description: b.description ?? null, priority: b.priority as Priority,
      skill: b.skill, source: b.source, appointmentAt, ...(b.drill ? { drill: true } : {}),
    }, actorOf(user))
    return reply.code(201).send((await workOrders.get(workOrder.id)) ?? workOrder)
  })

  app.get('/work-orders/:id', {
    onRequest: requirePermission('work-orders.read'),
    schema: { tags: ['work-orders'], summary: 'One work order with its history', params: IdParams, response: { 200: WorkOrder, ...errorResponses(401, 404) } },
  }, async (req) => visible(principalOf(req), req.params.id))

  for (const a of ACTIONS) {
    app.post(`/work-orders/:id/${a.name}`, {
      onRequest: requirePermission(a.permission),
      schema: {
        tags: ['work-orders'], summary: a.summary, params: IdParams, body: a.body,
        response: { 200: WorkOrder, ...errorResponses(400, 401, 403, 404, 409, ...(a.name === 'complete' ? [422] : [])) },
      },
    }, async (req) => {
      const user = principalOf(req)
      await visible(user, req.params.id)
      return workOrders.act(req.params.id, a.input(req.body as ActionBody), actorOf(user))
    })
  }

  app.post('/work-orders/:id/attachments', {
    onRequest: requirePermission('work-orders.attach'),
    schema: {
      tags: ['work-orders'], summary: `Upload a photo (multipart/form-data, one file, JPEG/PNG/WebP/GIF, at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MiB)`,
      consumes: ['multipart/form-data'], params: IdParams, response: { 201: Attachment, ...errorResponses(400, 401, 403, 404, 413, 415) },
    },
  }, async (req, reply) => {
    const user = principalOf(req)
    // The assignee's field team and the control room attach photos; viewers do not.
    if (user.role === 'viewer') throw new AppError('FORBIDDEN', 'a viewer may not upload attachments')
    await visible(user, req.params.id)
    if (!req.isMultipart()) throw new AppError('BAD_REQUEST', 'send the photo as multipart/form-data')
    const file = await req.file()
    if (!file) throw new AppError('BAD_REQUEST', 'no file in the upload')
    const data = await file.toBuffer()
    const saved = await attachments.add(req.params.id, { filename: file.filename, contentType: file.mimetype, data }, actorOf(user))
    return reply.code(201).send(saved)
  })

  app.get('/work-orders/:id/attachments/:attachmentId', {
    onRequest: requirePermission('work-orders.read'),
    schema: {
      tags: ['work-orders'], summary: 'Download an attachment',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }), attachmentId: Type.String({ minLength: 1, maxLength: 128 }) }),
      response: errorResponses(401, 404),
    },
  }, async (req, reply) => {
    await visible(principalOf(req), req.params.id)
    const { attachment, stream } = await attachments.open(req.params.id, req.params.attachmentId)
    return reply.type(attachment.contentType).header('content-length', attachment.size).send(stream)
  })
}
