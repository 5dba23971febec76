// The `subscribe {siteIds, snapshot?, batch?}` message (CONTRACT.md §4; `snapshot` and `batch` are our
// extensions: with `snapshot` the ack carries the subscribed sites' current device states; with
// `batch` the client receives the device changes of one moment as one `devices` event, an array,
// instead of one `device` event each): validated like every other boundary
// (STYLE.md), then limited to the sites the user may see (CONTRACT.md §3: a user with no
// siteIds sees every site).
import { ID_REGEX } from '../core/device-types.js'

/** A generous bound: one wall display watches a handful of sites, a monitoring center a few hundred. */
export const MAX_SUBSCRIBED_SITES = 1000

export type SubscribeResult =
  | { ok: true; siteIds: string[]; snapshot: boolean; batch: boolean }
  | { ok: false; error: { code: 'BAD_REQUEST'; message: string } }

export function parseSubscribe(payload: unknown, allowedSiteIds: readonly string[]): SubscribeResult {
  const bad = (message: string): SubscribeResult => ({ ok: false, error: { code: 'BAD_REQUEST', message } })
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return bad('subscribe expects {siteIds: string[]}')
  const siteIds = (payload as { siteIds?: unknown }).siteIds
  if (!Array.isArray(siteIds)) return bad('siteIds must be an array of site ids')
  if (siteIds.length > MAX_SUBSCRIBED_SITES) return bad(`at most ${MAX_SUBSCRIBED_SITES} sites per subscription`)
  for (const id of siteIds) {
    if (typeof id !== 'string' || !ID_REGEX.test(id)) return bad(`not a site id: ${JSON.stringify(id)}`)
  }
  const snapshot = (payload as { snapshot?: unknown }).snapshot
  if (snapshot !== undefined && typeof snapshot !== 'boolean') return bad('snapshot must be a boolean')
  const batch = (payload as { batch?: unknown }).batch
  if (batch !== undefined && typeof batch !== 'boolean') return bad('batch must be a boolean')
  const unique = [...new Set(siteIds as string[])]
  const allowed = new Set(allowedSiteIds)
  const permitted = allowedSiteIds.length === 0 ? unique : unique.filter((id) => allowed.has(id))
  return { ok: true, siteIds: permitted, snapshot: snapshot === true, batch: batch === true }
}

/** Every event of a site but its device changes: alarms, work orders, emergencies, floods, access. */
export const siteRoom = (siteId: string): string => `site:${siteId}`
/**
 * A site's device changes, apart from its other events, since clients take them in one of two
 * forms: one `device` event each (CONTRACT.md §4), or one `devices` array per moment (`batch`).
 */
export function deviceRoom(siteId: string, batch: boolean): string {
  // Asked twice for every device change: built once per site, not twice per message.
  let names = deviceRoomNames.get(siteId)
  if (names === undefined) {
    names = [`device:${siteId}`, `devices:${siteId}`]
    deviceRoomNames.set(siteId, names)
  }
  return names[batch ? 1 : 0]
}
const deviceRoomNames = new Map<string, readonly [string, string]>()

/** The rooms a subscription joins: each site's room and its device room in the client's form. */
export const subscriptionRooms = (siteIds: readonly string[], batch: boolean): string[] => siteIds.flatMap((id) => [siteRoom(id), deviceRoom(id, batch)])
