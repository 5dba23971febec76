// Floor plans (issue #6 item 8): an admin uploads one image per building floor and places the
// floor's devices on it; everyone who sees the site reads them. The image is checked by its bytes,
// not by what the upload claims, and stored as a file; the row points at it.
import { randomUUID } from 'node:crypto'
import type { ReadStream } from 'node:fs'
import type { AttachmentFiles } from '../adapters/files/attachment-files.js'
import type { Clock } from '../core/clock.js'
import type { EventBus } from '../core/events.js'
import { AppError } from '../core/errors.js'
import {
  floorKeyText, MAX_PLAN_BYTES, PLAN_IMAGE_TYPES, positionProblems, sniffPlanImage,
  type DevicePosition, type FloorKey, type FloorPlan, type StoredFloorPlan,
} from '../core/floor-plans/floor-plan.js'
import type { Repos } from '../core/ports.js'

export interface FloorPlanService {
  list(siteId: string): Promise<FloorPlan[]>
  get(key: FloorKey): Promise<FloorPlan>
  putImage(key: FloorKey, upload: { contentType: string; data: Buffer }, actor: string): Promise<FloorPlan>
  openImage(key: FloorKey): Promise<{ plan: FloorPlan; stream: ReadStream }>
  setPositions(key: FloorKey, positions: DevicePosition[], actor: string): Promise<FloorPlan>
  delete(key: FloorKey, actor: string): Promise<void>
  /** A deleted device leaves every plan of its site. */
  forgetDevice(siteId: string, deviceId: string): Promise<void>
}

/** The public object: where the file lies is Vigil's business. */
const publicPlan = ({ path: _path, ...plan }: StoredFloorPlan): FloorPlan => plan

export function createFloorPlanService(deps: { repos: Repos; files: AttachmentFiles; clock: Pick<Clock, 'now'>; events: EventBus }): FloorPlanService {
  const { repos, files, clock, events } = deps
  // Announced after the commit, so every wall showing the site redraws the floor (socket.io `floorplan`).
  const announce = (key: FloorKey, plan: FloorPlan | null): void => events.emit('FloorPlanChanged', { siteId: key.siteId, building: key.building, floor: key.floor, plan })
  const iso = (): string => new Date(clock.now()).toISOString()
  const audit = (actor: string, action: string, key: FloorKey, before: unknown, after: unknown): Promise<void> =>
    repos.audit.append({ at: iso(), actor, action, target: `floor-plan:${floorKeyText(key)}`, address: null, before, after })
  const mustGet = async (key: FloorKey): Promise<StoredFloorPlan> => {
    const plan = await repos.floorPlans.get(key)
    if (!plan) throw new AppError('FLOOR_PLAN_NOT_FOUND', `no floor plan for building ${key.building} floor ${key.floor} of site ${key.siteId}`)
    return plan
  }

  return {
    list: async (siteId) => (await repos.floorPlans.list(siteId)).map(publicPlan),
    get: async (key) => publicPlan(await mustGet(key)),

    async putImage(key, upload, actor) {
      if (upload.data.length === 0) throw new AppError('BAD_REQUEST', 'the upload is empty: send the image bytes as the request body')
      if (upload.data.length > MAX_PLAN_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `a floor plan may be at most ${MAX_PLAN_BYTES / 1024 / 1024} MiB`)
      if (/svg/i.test(upload.contentType)) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'SVG floor plans are refused (an SVG can carry scripts); export the plan as PNG, JPEG or WebP', { contentType: upload.contentType })
      }
      const image = sniffPlanImage(upload.data)
      if (!image) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', `not an accepted floor plan image (${PLAN_IMAGE_TYPES.join(', ')})`, { contentType: upload.contentType })
      }
      const before = await repos.floorPlans.get(key)
      const stored = {
        ...key, contentType: image.type, width: image.width, height: image.height, size: upload.data.length,
        // Named by a fresh id, never by the building's name: an upload cannot choose where it lands.
        path: `${key.siteId}/${randomUUID()}${image.ext}`, uploadedBy: actor, uploadedAt: iso(),
      }
      // The file first: a row never points at a missing file.
      await files.write(stored.path, upload.data)
      const plan = await repos.floorPlans.putImage(stored)
      if (before && before.path !== plan.path) await files.remove(before.path)
      await audit(actor, 'floor-plan.upload', key, before ? publicPlan(before) : null, publicPlan(plan))
      announce(key, publicPlan(plan))
      return publicPlan(plan)
    },

    async openImage(key) {
      const plan = await mustGet(key)
      return { plan: publicPlan(plan), stream: files.read(plan.path) }
    },

    async setPositions(key, positions, actor) {
      const before = await mustGet(key)
      const problems: { index: number; problem: string }[] = positionProblems(positions)
      const devices = await Promise.all(positions.map((p) => repos.devices.get(p.deviceId)))
      devices.forEach((d, index) => {
        const id = positions[index]?.deviceId ?? ''
        if (!d || d.siteId !== key.siteId) problems.push({ index, problem: `device ${id} is not a device of site ${key.siteId}` })
        // Any device of the building may be placed: an elevator or a riser serves every floor.
        else if (d.location.building !== key.building) problems.push({ index, problem: `device ${id} is in building ${d.location.building}, not ${key.building}` })
      })
      if (problems.length > 0) throw new AppError('VALIDATION_FAILED', problems[0]!.problem, { field: 'positions', problems })
      const plan = await repos.floorPlans.setPositions(key, positions.map(({ deviceId, x, y }) => ({ deviceId, x, y })), iso())
      if (!plan) throw new AppError('FLOOR_PLAN_NOT_FOUND', `no floor plan for building ${key.building} floor ${key.floor} of site ${key.siteId}`)
      await audit(actor, 'floor-plan.positions', key, before.positions, plan.positions)
      announce(key, publicPlan(plan))
      return publicPlan(plan)
    },

    async delete(key, actor) {
      const plan = await mustGet(key)
      await repos.floorPlans.delete(key)
      await files.remove(plan.path)
      await audit(actor, 'floor-plan.delete', key, publicPlan(plan), null)
      announce(key, null)
    },

    async forgetDevice(siteId, deviceId) {
      for (const plan of await repos.floorPlans.list(siteId)) {
        if (!plan.positions.some((p) => p.deviceId === deviceId)) continue
        const updated = await repos.floorPlans.setPositions(plan, plan.positions.filter((p) => p.deviceId !== deviceId), iso())
        if (updated) announce(plan, publicPlan(updated))
      }
    },
  }
}
