// Where the two dialects differ in what they hand back (pg returns BIGINT and count(*) as strings,
// SQLite has no boolean or JSON type), and the opaque cursors of every list method.
import { AppError } from '../../core/errors.js'
import type { Page, PageRequest } from '../../core/ports.js'

/** Upper bound of one page; CONTRACT.md §3 asks for a clamp of at least 1,000. */
export const MAX_PAGE = 10_000

export const toBool = (b: boolean): number => (b ? 1 : 0)
export const fromBool = (v: unknown): boolean => v === 1 || v === true || v === '1'

export function toNum(v: number | string | bigint): number
export function toNum(v: number | string | bigint | null): number | null
export function toNum(v: number | string | bigint | null): number | null {
  return v === null ? null : Number(v)
}

export const toJson = (v: unknown): string => JSON.stringify(v ?? null)
export function fromJson<T>(text: string | null, fallback: T): T {
  if (text === null || text === '') return fallback
  return JSON.parse(text) as T
}

/** Canonical ISO 8601 UTC (24 characters), so TEXT columns order the same as the instants. */
export function iso(v: string | number): string {
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) throw new AppError('VALIDATION_FAILED', `not a timestamp: ${String(v)}`)
  return d.toISOString()
}
export const isoOrNull = (v: string | null): string | null => (v === null ? null : iso(v))

export function pageLimit(page: PageRequest): number {
  const n = Math.floor(page.limit)
  if (!Number.isFinite(n) || n < 1) throw new AppError('VALIDATION_FAILED', 'limit must be a positive integer')
  return Math.min(n, MAX_PAGE)
}

type CursorKey = ReadonlyArray<string | number>

export const encodeCursor = (key: CursorKey): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url')

/** The sort key the cursor points after, or undefined for the first page. */
export function decodeCursor<K extends CursorKey>(cursor: string | undefined, shape: { [I in keyof K]: 'string' | 'number' }): K | undefined {
  if (cursor === undefined || cursor === '') return undefined
  let key: unknown
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    key = null
  }
  const ok = Array.isArray(key) && key.length === shape.length && key.every((v, i) => typeof v === shape[i])
  if (!ok) throw new AppError('VALIDATION_FAILED', 'invalid cursor', { cursor })
  return key as unknown as K
}

/** Builds a page from `limit + 1` fetched rows: the extra row only says whether there is a next page. */
export function toPage<R, T>(rows: readonly R[], limit: number, map: (r: R) => T, keyOf: (r: R) => CursorKey): Page<T> {
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return { items: items.map(map), next: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null }
}

/** An empty or absent site list means every site (core/model.ts User.siteIds). */
export const siteScope = (siteIds: readonly string[] | undefined): readonly string[] | undefined =>
  siteIds !== undefined && siteIds.length > 0 ? siteIds : undefined
