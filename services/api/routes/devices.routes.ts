// Devices (CONTRACT.md §3 devices): registration returns the MQTT secret once; reads merge the
// live state (online, lastSeen, state) into the registry object.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { DEVICE_TYPES } from '../../core/device-types.js'
import { AppError } from '../../core/errors.js'
import type { Device, User } from '../../core/model.js'
import type { ApiDeps, RouteOpts } from '../api-deps.js'
import { assertVisible, canSeeSite, principalOf, requirePermission, siteScope } from '../auth.js'
import { emptyPage, pageInMemory, pageRequest } from '../paging.js'
import { DevicePatch, DeviceView, DeviceWithSecret, errorResponses, IdParams, NewDevice, Page, PageQuery, StringEnum } from '../schemas.js'

export function deviceView(deps: Pick<ApiDeps, 'liveState'>, device: Device) {
  const live = deps.liveState.get(device.id)
  return { ...device, online: live?.online ?? false, stale: live?.stale ?? false, lastSeen: live?.lastSeen ?? null, state: live?.state ?? {} }
}

export async function visibleDevice(deps: Pick<ApiDeps, 'repos'>, user: User, id: string): Promise<Device> {
  return assertVisible(user, await deps.repos.devices.get(id), 'DEVICE_NOT_FOUND', `device ${id}`)
}

export const deviceRoutes: FastifyPluginAsyncTypebox<RouteOpts> = async (app, { deps }) => {
  app.post('/devices', {
    onRequest: requirePermission('devices.manage'),
    schema: { tags: ['devices'], summary: 'Register a device; the response carries its MQTT secret, shown once', body: NewDevice, response: { 201: DeviceWithSecret, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (req, reply) => {
    const user = principalOf(req)
    if (!canSeeSite(user, req.body.siteId)) throw new AppError('SITE_NOT_FOUND', `site ${req.body.siteId} not found`)
    const { device, secret } = await deps.deviceService.register(req.body, user.username)
    return reply.code(201).send({ ...device, secret })
  })

  app.get('/devices', {
    onRequest: requirePermission('devices.read'),
    schema: {
      tags: ['devices'], summary: 'List devices of your sites, with their live state',
      querystring: Type.Object({ siteId: Type.Optional(Type.String()), type: Type.Optional(StringEnum(DEVICE_TYPES)), online: Type.Optional(Type.Boolean()), ...PageQuery }),
      response: { 200: Page(DeviceView), ...errorResponses(400, 401) },
    },
  }, async (req) => {
    const scope = siteScope(principalOf(req), req.query.siteId)
    if (!scope) return emptyPage()
    // The directory is the in-memory mirror of the registry (kept in step by the device
    // service) and `online` lives in memory too, so filter and page there in one pass.
    const { type, online } = req.query
    const views = deps.directory.all()
      .filter((d) => (scope.siteIds === undefined || scope.siteIds.includes(d.siteId)) && (scope.siteId === undefined || d.siteId === scope.siteId))
      .filter((d) => type === undefined || d.type === type)
      .map((d) => deviceView(deps, d))
      .filter((v) => online === undefined || v.online === online)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    return pageInMemory(views, (v) => v.id, pageRequest(req.query))
  })

  app.get('/devices/:id', {
    onRequest: requirePermission('devices.read'),
    schema: { tags: ['devices'], summary: 'One device with online, lastSeen and state (never its secret)', params: IdParams, response: { 200: DeviceView, ...errorResponses(401, 404) } },
  }, async (req) => deviceView(deps, await visibleDevice(deps, principalOf(req), req.params.id)))

  app.patch('/devices/:id', {
    onRequest: requirePermission('devices.manage'),
    schema: { tags: ['devices'], summary: 'Change name, location or attributes', params: IdParams, body: DevicePatch, response: { 200: DeviceView, ...errorResponses(400, 401, 403, 404) } },
  }, async (req) => {
    const user = principalOf(req)
    await visibleDevice(deps, user, req.params.id)
    return deviceView(deps, await deps.deviceService.update(req.params.id, req.body, user.username))
  })

  app.delete('/devices/:id', {
    onRequest: requirePermission('devices.manage'),
    schema: { tags: ['devices'], summary: 'Delete a device', params: IdParams, response: { 204: Type.Null(), ...errorResponses(401, 403, 404) } },
  }, async (req, reply) => {
    const user = principalOf(req)
    await visibleDevice(deps, user, req.params.id)
    await deps.deviceService.remove(req.params.id, user.username)
    return reply.code(204).send(null)
  })

  app.post('/devices/:id/rotate-secret', {
    onRequest: requirePermission('devices.manage'),
    schema: {
      tags: ['devices'], summary: 'Issue a new secret; the previous one stays valid for an hour', params: IdParams,
      response: { 200: Type.Object({ ...DeviceWithSecret.properties, previousValidUntil: Type.String({ format: 'date-time' }) }), ...errorResponses(401, 403, 404) },
    },
  }, async (req) => {
    const user = principalOf(req)
    await visibleDevice(deps, user, req.params.id)
    const { device, secret, previousValidUntil } = await deps.deviceService.rotateSecret(req.params.id, user.username)
    return { ...device, secret, previousValidUntil }
  })
}
