// The dashboard's deep links (issue #6 items 6 and 8), in the URL's hash so a link survives a
// reload and can be sent to a colleague: `#/devices/<id>` opens a device's detail,
// `#/plans/<site>/<building>/<floor>[/<device>]` a floor plan (with a device picked out).
export type Route =
  | { kind: 'wall' }
  | { kind: 'phone' }
  | { kind: 'device'; id: string }
  | { kind: 'plan'; siteId: string | null; building: string | null; floor: number | null; deviceId: string | null }

function decode(part: string | undefined): string | null {
  if (part === undefined || part === '') return null
  try {
    return decodeURIComponent(part)
  } catch {
    return null
  }
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/')
  const [head, ...rest] = parts
  if (head === 'me') return { kind: 'phone' }
  if (head === 'devices') {
    const id = decode(rest[0])
    return id ? { kind: 'device', id } : { kind: 'wall' }
  }
  if (head === 'plans') {
    const floor = decode(rest[2])
    const n = floor !== null && /^-?\d+$/.test(floor) ? Number(floor) : null
    return { kind: 'plan', siteId: decode(rest[0]), building: decode(rest[1]), floor: n, deviceId: n === null ? null : decode(rest[3]) }
  }
  return { kind: 'wall' }
}

export const deviceHref = (id: string): string => `#/devices/${encodeURIComponent(id)}`

export function planHref(at: { siteId: string; building: string; floor: number }, deviceId?: string | null): string {
  const base = `#/plans/${encodeURIComponent(at.siteId)}/${encodeURIComponent(at.building)}/${at.floor}`
  return deviceId ? `${base}/${encodeURIComponent(deviceId)}` : base
}
