// The registered devices in memory: the broker authenticates and the ingest path resolves every
// message against it without a database round trip (a reconnect storm of thousands of devices
// must not queue behind SQL). The device service keeps it in step with the database.
import type { Device } from '../core/model.js'

export interface DirectoryEntry {
  device: Device
  secretHash: string
  /** The previous secret stays valid until this epoch ms after a rotation (0 = none). */
  previousSecretHash: string | null
  previousValidUntil: number
}

export interface DeviceDirectory {
  get(id: string): DirectoryEntry | undefined
  device(id: string): Device | undefined
  all(): Device[]
  bySite(siteId: string): Device[]
  upsert(entry: DirectoryEntry): void
  remove(id: string): void
  size(): number
}

export function createDeviceDirectory(initial: readonly DirectoryEntry[] = []): DeviceDirectory {
  const byId = new Map<string, DirectoryEntry>()
  for (const e of initial) byId.set(e.device.id, e)
  return {
    get: (id) => byId.get(id),
    device: (id) => byId.get(id)?.device,
    all: () => [...byId.values()].map((e) => e.device),
    bySite: (siteId) => [...byId.values()].filter((e) => e.device.siteId === siteId).map((e) => e.device),
    upsert: (e) => void byId.set(e.device.id, e),
    remove: (id) => void byId.delete(id),
    size: () => byId.size,
  }
}
