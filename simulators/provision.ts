// Makes sure the site and its devices exist in Vigil and that we hold a valid secret for each:
// register what is missing; for a device registered earlier whose secret we no longer have,
// rotate it (the only way to learn a secret again, CONTRACT.md §3 devices).
import type { ApiClient } from './api-client.js'
import type { DeviceSpec } from './fleet-plan.js'
import type { SecretStore } from './secret-store.js'

export interface ProvisionResult {
  secrets: Map<string, string>
  siteCreated: boolean
  registered: number
  rotated: number
  reused: number
}

export async function provisionSite(opts: {
  api: ApiClient
  secrets: SecretStore
  site: { id: string; name: string; timezone?: string }
  devices: readonly DeviceSpec[]
}): Promise<ProvisionResult> {
  const { api, secrets, site } = opts
  const siteCreated = await api.ensureSite(site)
  const existing = await api.listDeviceIds(site.id)
  const out = new Map<string, string>()
  let registered = 0
  let rotated = 0
  let reused = 0
  for (const spec of opts.devices) {
    const known = secrets.get(api.baseUrl, spec.id)
    let secret: string
    if (!existing.has(spec.id)) {
      secret = await api.registerDevice(site.id, spec)
      registered += 1
    } else if (known) {
      out.set(spec.id, known)
      reused += 1
      continue
    } else {
      secret = await api.rotateSecret(spec.id)
      rotated += 1
    }
    secrets.set(api.baseUrl, spec.id, secret)
    out.set(spec.id, secret)
  }
  return { secrets: out, siteCreated, registered, rotated, reused }
}
