// Every device on the wall: the registry (names, locations) and the live state. The live map is
// a SvelteMap so one device's change re-renders its own tile, not the hundreds around it.
import { SvelteMap } from 'svelte/reactivity'
import type { Device, DeviceLive } from '../api/types.js'
import { groupDevices } from '../wall-order.js'

export class DeviceBoard {
  meta = new SvelteMap<string, Device>()
  live = new SvelteMap<string, DeviceLive>()

  /** Buildings in natural order, then device types, then floor and name. */
  groups = $derived.by(() => groupDevices([...this.meta.values()]))

  replaceMeta(devices: readonly Device[]): void {
    const keep = new Set(devices.map((d) => d.id))
    for (const id of this.meta.keys()) if (!keep.has(id)) this.meta.delete(id)
    for (const d of devices) this.meta.set(d.id, d)
  }

  addMeta(device: Device): void {
    this.meta.set(device.id, device)
  }

  /** Later timestamps win, so a stale snapshot can never overwrite a newer event. */
  applyLive(next: DeviceLive): void {
    const prev = this.live.get(next.deviceId)
    if (prev?.ts && next.ts && next.ts < prev.ts) return
    this.live.set(next.deviceId, next)
  }
}
