// List paging (CONTRACT.md §3): `limit` defaults to 100 and is clamped to 1,000; `cursor` is opaque.
import type { Page, PageRequest } from '../core/ports.js'

export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 1000

export function pageRequest(q: { limit?: number | undefined; cursor?: string | undefined }): PageRequest {
  return { limit: Math.min(Math.max(1, q.limit ?? DEFAULT_LIMIT), MAX_LIMIT), cursor: q.cursor }
}

/** Pages an in-memory list sorted by key; the cursor is the last key returned. */
export function pageInMemory<T>(sorted: readonly T[], key: (t: T) => string, page: PageRequest): Page<T> {
  const after = page.cursor === undefined ? null : Buffer.from(page.cursor, 'base64url').toString('utf8')
  const start = after === null ? 0 : sorted.findIndex((t) => key(t) > after)
  const from = start === -1 ? sorted.length : start
  const items = sorted.slice(from, from + page.limit)
  const last = items.at(-1)
  const hasMore = from + items.length < sorted.length
  return { items, next: hasMore && last !== undefined ? Buffer.from(key(last), 'utf8').toString('base64url') : null }
}

export const emptyPage = <T>(): Page<T> => ({ items: [], next: null })
