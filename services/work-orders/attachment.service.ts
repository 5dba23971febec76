// Photo attachments of a work order (DOMAIN.md §5 COMPLETED needs ≥1 photo, S2 #19). Only real
// images are kept: the declared type must be an image type and the bytes must start like one.
import { randomUUID } from 'node:crypto'
import type { ReadStream } from 'node:fs'
import type { Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import type { EventBus } from '../core/events.js'
import type { Repos, StoredAttachment } from '../core/ports.js'
import type { Actor } from '../core/work-orders/work-order-machine.js'
import type { WorkOrderAttachment } from '../core/work-orders/work-order.js'
import type { AttachmentFiles } from '../adapters/files/attachment-files.js'

/** 10 MiB: a phone photo, not a video. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

const IMAGE_TYPES: ReadonlyArray<{ type: string; ext: string; magic: (b: Buffer) => boolean }> = [
  { type: 'image/jpeg', ext: '.jpg', magic: (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/png', ext: '.png', magic: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { type: 'image/webp', ext: '.webp', magic: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP' },
  { type: 'image/gif', ext: '.gif', magic: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
]

export interface AttachmentService {
  add(workOrderId: string, file: { filename: string; contentType: string; data: Buffer }, actor: Actor): Promise<WorkOrderAttachment>
  open(workOrderId: string, attachmentId: string): Promise<{ attachment: StoredAttachment; stream: ReadStream }>
}

export function createAttachmentService(deps: { repos: Repos; files: AttachmentFiles; clock: Clock; events: EventBus }): AttachmentService {
  const { repos, files, clock, events } = deps
  return {
    async add(workOrderId, file, actor) {
      const wo = await repos.workOrders.get(workOrderId)
      if (!wo) throw new AppError('WORK_ORDER_NOT_FOUND', `work order ${workOrderId} not found`)
      if (actor.role === 'engineer' && wo.assignee !== actor.username) throw new AppError('WORK_ORDER_NOT_YOURS', `work order ${wo.id} is not assigned to ${actor.username}`)
      const kind = IMAGE_TYPES.find((t) => t.type === file.contentType.toLowerCase())
      if (!kind || !kind.magic(file.data)) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', `not an accepted image (${IMAGE_TYPES.map((t) => t.type).join(', ')})`, { contentType: file.contentType })
      }
      if (file.data.length > MAX_ATTACHMENT_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', `a photo may be at most ${MAX_ATTACHMENT_BYTES} bytes`)
      const id = randomUUID()
      const stored: StoredAttachment = {
        id, workOrderId, filename: file.filename.slice(0, 200) || `photo${kind.ext}`, contentType: kind.type, size: file.data.length,
        uploadedBy: actor.username, uploadedAt: new Date(clock.now()).toISOString(), path: `${workOrderId}/${id}${kind.ext}`,
      }
      // The file first: a row never points at a missing file.
      await files.write(stored.path, file.data)
      const attachment = await repos.workOrders.addAttachment(stored)
      const updated = await repos.workOrders.get(workOrderId)
      if (updated) events.emit('WorkOrderChanged', updated)
      return attachment
    },
    async open(workOrderId, attachmentId) {
      const a = await repos.workOrders.getAttachment(attachmentId)
      if (!a || a.workOrderId !== workOrderId) throw new AppError('ATTACHMENT_NOT_FOUND', `attachment ${attachmentId} not found`)
      return { attachment: a, stream: files.read(a.path) }
    },
  }
}
