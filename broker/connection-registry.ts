// Which device each MQTT connection belongs to. The hooks learn it at authentication; the broker's
// connect/disconnect events keep the per-device connection count, so a device with two sessions
// is not marked offline when one of them ends.
import type { Client } from 'aedes'

export interface ConnectionRegistry {
  /** Authentication succeeded: this connection speaks for deviceId. */
  authenticated(client: Client, deviceId: string): void
  /** Authentication succeeded for Vigil's own service client (a worker), not a device. */
  authenticatedService(client: Client): void
  isService(client: Client | null): boolean
  deviceOf(client: Client | null): string | undefined
  /** The device whose connected client uses this client id, if any. */
  ownerOfClientId(clientId: string): string | undefined
  /** Returns the device id, or undefined for a connection that never authenticated. */
  connected(client: Client): string | undefined
  /** Returns the device id and whether that was its last connection; undefined when not registered. */
  disconnected(client: Client): { deviceId: string; last: boolean } | undefined
  size(): number
}

export function createConnectionRegistry(): ConnectionRegistry {
  const devices = new WeakMap<Client, string>()
  const byClientId = new Map<string, Client>()
  const perDevice = new Map<string, number>()
  const registered = new WeakSet<Client>()
  const services = new WeakSet<Client>()
  let count = 0

  return {
    authenticated: (client, deviceId) => void devices.set(client, deviceId),
    authenticatedService: (client) => void services.add(client),
    isService: (client) => client !== null && services.has(client),
    deviceOf: (client) => (client === null ? undefined : devices.get(client)),
    ownerOfClientId(clientId) {
      const c = byClientId.get(clientId)
      return c === undefined ? undefined : devices.get(c)
    },
    connected(client) {
      const deviceId = devices.get(client)
      if (deviceId === undefined || registered.has(client)) return deviceId
      registered.add(client)
      byClientId.set(client.id, client)
      perDevice.set(deviceId, (perDevice.get(deviceId) ?? 0) + 1)
      count++
      return deviceId
    },
    disconnected(client) {
      const deviceId = devices.get(client)
      // clientDisconnect and clientError can both report one connection; count it once.
      if (deviceId === undefined || !registered.has(client)) return undefined
      registered.delete(client)
      if (byClientId.get(client.id) === client) byClientId.delete(client.id)
      const left = (perDevice.get(deviceId) ?? 1) - 1
      if (left <= 0) perDevice.delete(deviceId)
      else perDevice.set(deviceId, left)
      count--
      return { deviceId, last: left <= 0 }
    },
    size: () => count,
  }
}
