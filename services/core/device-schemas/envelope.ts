// The envelope every payload may carry (CONTRACT.md §2: `ts`, `seq`, `drill`) and the personal-data
// screen (DOMAIN.md §7.3: a raw `cardUid` or `faceImage` is rejected at ingest, never persisted).
export const ENVELOPE_FIELDS = ['ts', 'seq', 'drill'] as const

/** Keys that carry raw personal data, compared case-insensitively anywhere in a payload. */
export const PERSONAL_DATA_KEYS: ReadonlySet<string> = new Set(['carduid', 'faceimage'])

// A device clock this far off is broken, not skewed: 2000-01-01 .. 2100-01-01 (OUR).
export const TS_MIN = Date.UTC(2000, 0, 1)
export const TS_MAX = Date.UTC(2100, 0, 1)

// ISO 8601 date-time with a zone designator: without one the instant is ambiguous.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/

/** Epoch ms of a `ts` value, or null when it is neither epoch ms nor ISO 8601, or absurd. */
export function parseTimestamp(v: unknown): number | null {
  let ms: number
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null
    ms = Math.round(v)
  } else if (typeof v === 'string') {
    if (!ISO_8601.test(v)) return null
    ms = Date.parse(v)
    if (Number.isNaN(ms)) return null
  } else {
    return null
  }
  return ms >= TS_MIN && ms < TS_MAX ? ms : null
}

/** The first personal-data key found anywhere in a parsed payload, or null. Iterative: no recursion limit to trip. */
export function findPersonalData(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null
  const stack: object[] = [raw]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === 'object' && item !== null) stack.push(item)
      continue
    }
    for (const key in node) {
      if (PERSONAL_DATA_KEYS.has(key.toLowerCase())) return key
      const child = (node as Record<string, unknown>)[key]
      if (typeof child === 'object' && child !== null) stack.push(child)
    }
  }
  return null
}
