// Registering devices through the API and connecting them as real MQTT clients.
import mqtt, { type MqttClient } from 'mqtt'
import type { TestVigil } from './start-test-vigil.js'

export interface TestDevice {
  id: string
  siteId: string
  type: string
  secret: string
  client: MqttClient
  topic(suffix: 'telemetry' | 'event' | 'status' | 'cmd'): string
  /** QoS 1 publish; resolves after the PUBACK (that is, after Vigil stored it). */
  send(suffix: 'telemetry' | 'event' | 'status', payload: object): Promise<void>
}

export async function ensureSite(v: TestVigil, token: string, id: string): Promise<void> {
  const r = await v.api('POST', '/api/v1/sites', { token, body: { id, name: `Site ${id}` } })
  if (r.status !== 201 && r.status !== 409) throw new Error(`site ${id} → ${r.status} ${r.text}`)
}

export async function registerDevice(
  v: TestVigil, token: string,
  d: { id: string; siteId: string; type: string; location?: { building: string; floor: number; zone?: string }; attributes?: Record<string, unknown> },
): Promise<string> {
  const r = await v.api('POST', '/api/v1/devices', {
    token,
    body: { id: d.id, siteId: d.siteId, type: d.type, name: `Test ${d.id}`, location: d.location ?? { building: 'B1', floor: 1, zone: 'Z1' }, ...(d.attributes ? { attributes: d.attributes } : {}) },
  })
  if (r.status !== 201) throw new Error(`device ${d.id} → ${r.status} ${r.text}`)
  return (r.json as { secret: string }).secret
}

export async function connectDevice(v: TestVigil, token: string, d: Parameters<typeof registerDevice>[2]): Promise<TestDevice> {
  const secret = await registerDevice(v, token, d)
  const client = await mqtt.connectAsync(v.mqttUrl, { username: d.id, password: secret, reconnectPeriod: 0, connectTimeout: 5000 })
  const base = `bldg/${d.siteId}/${d.type}/${d.id}`
  return {
    id: d.id, siteId: d.siteId, type: d.type, secret, client,
    topic: (suffix) => `${base}/${suffix}`,
    async send(suffix, payload) {
      await client.publishAsync(`${base}/${suffix}`, JSON.stringify(payload), { qos: 1 })
    },
  }
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs
  let last: unknown
  while (Date.now() < end) {
    try {
      const v = await fn()
      if (v) return v
    } catch (e) {
      last = e
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`)
}
