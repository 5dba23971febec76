// Device registration (CONTRACT.md §3 devices): the database, the in-memory directory the broker
// authenticates against, and the live state are kept in step here, and nowhere else.
import type { Clock } from '../core/clock.js'
import { ID_PATTERN, ID_REGEX } from '../core/device-types.js'
import { AppError } from '../core/errors.js'
import type { EventBus } from '../core/events.js'
import type { Device } from '../core/model.js'
import type { Repos } from '../core/ports.js'
import type { DeviceService, LiveStateService } from '../contracts.js'
import type { DeviceDirectory, DirectoryEntry } from './device-directory.js'
import type { DeviceSecrets } from './device-secrets.js'
import type { BrokerProvisioner } from '../core/ports.js'

/** After a rotation the old secret keeps working this long, so a device can be re-provisioned without downtime. */
export const ROTATION_GRACE_MS = 60 * 60 * 1000

export interface DeviceServiceDeps {
  repos: Repos
  directory: DeviceDirectory
  secrets: DeviceSecrets
  liveState: Pick<LiveStateService, 'ensure' | 'remove'>
  events: EventBus
  clock: Clock
  /**
   * An external broker that authenticates devices itself (Mosquitto, README "Deployment"): it gets
   * each secret while it exists in clear, at registration and rotation, before the database does.
   */
  brokerAccounts?: BrokerProvisioner
}

/** The directory's content at start-up: every device with its current and previous secret. */
export async function loadDirectory(repos: Repos): Promise<DirectoryEntry[]> {
  const [devices, secrets] = await Promise.all([repos.devices.all(), repos.devices.allSecrets()])
  const byId = new Map(secrets.map((s) => [s.deviceId, s]))
  const entries: DirectoryEntry[] = []
  for (const device of devices) {
    const s = byId.get(device.id)
    // A device without a secret cannot authenticate; leaving it out is the safe reading.
    if (!s) continue
    entries.push({ device, secretHash: s.secretHash, previousSecretHash: s.previousSecretHash, previousValidUntil: s.previousValidUntil })
  }
  return entries
}

/** PATCH merges attributes key by key; a key set to null is removed (unknown keys are kept, CONTRACT.md §3). */
export function mergeAttributes(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current }
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = v
  }
  return out
}

export function createDeviceService({ repos, directory, secrets, liveState, events, clock, brokerAccounts }: DeviceServiceDeps): DeviceService {
  const provision = async (device: Device, secret: string): Promise<void> => {
    try {
      await brokerAccounts?.deviceSecret(device, secret)
    } catch (err) {
      throw new AppError('DEPENDENCY_DOWN', `the MQTT broker did not take the device's credentials: ${(err as Error).message}`)
    }
  }
  const iso = (): string => new Date(clock.now()).toISOString()
  const audit = (actor: string, action: string, id: string, before: unknown, after: unknown): Promise<void> =>
    repos.audit.append({ at: iso(), actor, action, target: `device:${id}`, address: null, before, after })
  const mustGet = async (id: string): Promise<Device> => {
    const device = await repos.devices.get(id)
    if (!device) throw new AppError('DEVICE_NOT_FOUND', `device ${id} not found`)
    return device
  }
  const announce = (device: Device, deleted: boolean): void =>
    events.emit('DeviceRegistryChanged', { deviceId: device.id, siteId: device.siteId, deleted })

  return {
    async register(input, actor) {
      if (!ID_REGEX.test(input.id)) throw new AppError('VALIDATION_FAILED', `device id must match ${ID_PATTERN}`, { field: 'id' })
      if (!(await repos.sites.get(input.siteId))) throw new AppError('SITE_NOT_FOUND', `site ${input.siteId} not found`)
      if (directory.get(input.id) || (await repos.devices.get(input.id))) {
        throw new AppError('DEVICE_EXISTS', `device ${input.id} already exists`)
      }
      const secret = secrets.generate()
      const secretHash = secrets.hash(secret)
      await provision({ ...input, attributes: input.attributes ?? {}, createdAt: iso(), updatedAt: iso() } as Device, secret)
      const device = await repos.devices.create(
        { id: input.id, siteId: input.siteId, type: input.type, name: input.name, location: input.location, attributes: input.attributes ?? {} },
        secretHash,
      )
      directory.upsert({ device, secretHash, previousSecretHash: null, previousValidUntil: 0 })
      liveState.ensure(device)
      await audit(actor, 'device.register', device.id, null, device)
      announce(device, false)
      return { device, secret }
    },

    async update(id, patch, actor) {
      const before = await mustGet(id)
      const next: Partial<Pick<Device, 'name' | 'location' | 'attributes'>> = {}
      if (patch.name !== undefined) next.name = patch.name
      if (patch.location !== undefined) next.location = patch.location
      if (patch.attributes !== undefined) next.attributes = mergeAttributes(before.attributes, patch.attributes)
      const device = await repos.devices.update(id, next)
      if (!device) throw new AppError('DEVICE_NOT_FOUND', `device ${id} not found`)
      const entry = directory.get(id)
      if (entry) directory.upsert({ ...entry, device })
      liveState.ensure(device)
      await audit(actor, 'device.update', id, before, device)
      announce(device, false)
      return device
    },

    async remove(id, actor) {
      const device = await mustGet(id)
      // The broker login goes first: a removed device must not keep a way in.
      try {
        await brokerAccounts?.deviceRemoved(id)
      } catch (err) {
        throw new AppError('DEPENDENCY_DOWN', `the MQTT broker did not remove the device's credentials: ${(err as Error).message}`)
      }
      if (!(await repos.devices.delete(id))) throw new AppError('DEVICE_NOT_FOUND', `device ${id} not found`)
      directory.remove(id)
      liveState.remove(id)
      await audit(actor, 'device.remove', id, device, null)
      announce(device, true)
    },

    async rotateSecret(id, actor) {
      const device = await mustGet(id)
      const current = await repos.devices.getSecrets(id)
      if (!current) throw new AppError('DEVICE_NOT_FOUND', `device ${id} not found`)
      const secret = secrets.generate()
      await provision(device, secret)
      const previousValidUntil = clock.now() + ROTATION_GRACE_MS
      // Only the secret being replaced keeps its grace period; one issued before it is dropped now.
      const record = { secretHash: secrets.hash(secret), previousSecretHash: current.secretHash, previousValidUntil }
      await repos.devices.setSecrets(id, record)
      directory.upsert({ device, ...record })
      await audit(actor, 'device.rotate-secret', id, null, { previousValidUntil: new Date(previousValidUntil).toISOString() })
      return { device, secret, previousValidUntil: new Date(previousValidUntil).toISOString() }
    },
  }
}
