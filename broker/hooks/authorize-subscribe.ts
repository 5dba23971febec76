// SUBSCRIBE: a device may subscribe only to its own `bldg/{site}/{type}/{id}/cmd` (CONTRACT.md §2);
// Vigil's own service client may subscribe to `bldg/...`;
// anything else gets the failure return code 0x80 (aedes answers 128 for a null subscription).
import type { AedesOptions } from 'aedes'
import type { Metrics } from '../../services/adapters/metrics.js'
import { deviceTopic } from '../../services/core/topics.js'
import type { DeviceDirectory } from '../../services/devices/device-directory.js'
import type { ConnectionRegistry } from '../connection-registry.js'

export function createAuthorizeSubscribe(deps: {
  directory: DeviceDirectory
  registry: ConnectionRegistry
  metrics: Metrics
}): NonNullable<AedesOptions['authorizeSubscribe']> {
  const { directory, registry, metrics } = deps
  return (client, sub, callback) => {
    // Vigil's workers (broker role) read every device topic of their sites.
    if (registry.isService(client) && sub.topic.startsWith('bldg/')) return callback(null, sub)
    const device = directory.device(registry.deviceOf(client) ?? '')
    if (device !== undefined && sub.topic === deviceTopic(device, 'cmd')) return callback(null, sub)
    metrics.mqttAclRefused.inc({ kind: 'subscribe' })
    callback(null, null)
  }
}
