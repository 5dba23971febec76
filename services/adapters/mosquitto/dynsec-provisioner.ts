// Device credentials and the topic ACL of CONTRACT.md §2 in an external Mosquitto (2.0+), through
// its dynamic-security plugin: commands published to $CONTROL/dynamic-security/v1 by an admin
// client. Vigil keeps device secrets only as HMACs, so a secret can be given to the broker only
// when it exists in clear: at registration and at rotation (README "External Mosquitto").
// Each device gets a role allowing exactly its three topics to publish and its cmd topic to
// subscribe; Vigil's workers get the `vigil.service` client (service-identity.ts).
import { randomUUID } from 'node:crypto'
import mqtt, { type MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import type { Device } from '../../core/model.js'
import type { BrokerProvisioner } from '../../core/ports.js'
import { deviceTopic } from '../../core/topics.js'

const COMMAND_TOPIC = '$CONTROL/dynamic-security/v1'
const RESPONSE_TOPIC = '$CONTROL/dynamic-security/v1/response'
const TIMEOUT_MS = 10_000


type Command = Record<string, unknown> & { command: string }
interface Response { command: string; error?: string; correlationData?: string }

export const deviceRole = (deviceId: string): string => `vigil-device-${deviceId}`
export const SERVICE_ROLE = 'vigil-service'

/** The ACL of one device (CONTRACT.md §2): publish its telemetry, event and status; subscribe to its cmd. */
export function deviceAcls(device: Pick<Device, 'id' | 'siteId' | 'type'>): object[] {
  return [
    ...(['telemetry', 'event', 'status'] as const).map((s) => ({ acltype: 'publishClientSend', topic: deviceTopic(device as Device, s), allow: true })),
    { acltype: 'subscribePattern', topic: deviceTopic(device as Device, 'cmd'), allow: true },
  ]
}

export async function createDynsecProvisioner(opts: {
  /** mqtt://admin:password@host:port of a dynamic-security admin. */
  url: string
  servicePassword: string
  serviceUsername: string
  logger: Logger
}): Promise<BrokerProvisioner> {
  const pending = new Map<string, (r: Response) => void>()
  let client: MqttClient
  try {
    client = await mqtt.connectAsync(opts.url, { clientId: `vigil-dynsec-${randomUUID().slice(0, 8)}`, reconnectPeriod: 1000, connectTimeout: 10_000 })
  } catch (err) {
    throw new Error(`cannot reach the Mosquitto dynamic-security admin at VIGIL_MOSQUITTO_DYNSEC_URL: ${(err as Error).message}`, { cause: err })
  }
  client.on('message', (_topic, payload) => {
    try {
      for (const r of (JSON.parse(payload.toString('utf8')) as { responses?: Response[] }).responses ?? []) {
        if (r.correlationData) pending.get(r.correlationData)?.(r)
      }
    } catch (err) {
      opts.logger.warn({ err }, 'unreadable dynamic-security response')
    }
  })
  await client.subscribeAsync(RESPONSE_TOPIC, { qos: 1 })

  /** Runs commands one by one; errors listed in `tolerated` (e.g. "already exists") are not failures. */
  async function run(commands: Command[], tolerated: RegExp | null = null): Promise<Response[]> {
    const out: Response[] = []
    for (const c of commands) {
      const correlationData = randomUUID()
      const answered = new Promise<Response>((resolve, reject) => {
        const timer = setTimeout(() => { pending.delete(correlationData); reject(new Error(`Mosquitto did not answer ${c.command} within ${TIMEOUT_MS / 1000} s`)) }, TIMEOUT_MS)
        pending.set(correlationData, (r) => { clearTimeout(timer); pending.delete(correlationData); resolve(r) })
      })
      await client.publishAsync(COMMAND_TOPIC, JSON.stringify({ commands: [{ ...c, correlationData }] }), { qos: 1 })
      const r = await answered
      if (r.error && !(tolerated?.test(r.error))) throw new Error(`Mosquitto refused ${c.command}: ${r.error}`)
      out.push(r)
    }
    return out
  }

  const exists = /already exists/i
  // Vigil's workers read every device topic and may send commands to devices.
  await run([{ command: 'createRole', rolename: SERVICE_ROLE, acls: [
    { acltype: 'subscribePattern', topic: 'bldg/#', allow: true },
    { acltype: 'publishClientSend', topic: 'bldg/+/+/+/cmd', allow: true },
  ] }], exists)
  const [service] = await run([{ command: 'createClient', username: opts.serviceUsername, password: opts.servicePassword, roles: [{ rolename: SERVICE_ROLE }] }], exists)
  if (service?.error) await run([{ command: 'setClientPassword', username: opts.serviceUsername, password: opts.servicePassword }])

  return {
    async deviceSecret(device, secret) {
      const rolename = deviceRole(device.id)
      await run([{ command: 'createRole', rolename, acls: deviceAcls(device) }], exists)
      const [created] = await run([{ command: 'createClient', username: device.id, password: secret, roles: [{ rolename }] }], exists)
      // Rotation: Mosquitto keeps one password per client, so the previous secret stops at once.
      if (created?.error) await run([{ command: 'setClientPassword', username: device.id, password: secret }])
    },
    async deviceRemoved(deviceId) {
      await run([{ command: 'deleteClient', username: deviceId }, { command: 'deleteRole', rolename: deviceRole(deviceId) }], /not found/i)
    },
    close: () => client.endAsync(),
  }
}
