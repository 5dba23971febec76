// The dead-letter copy of a rejected payload (CONTRACT.md §2: "with personal data such as card ids
// redacted"; DOMAIN.md §7.3: a raw cardUid/faceImage is never persisted). Credential tokens are
// pseudonymous but still per-person, so they go too.
export const DEAD_LETTER_PAYLOAD_MAX = 2048
export const REDACTED = '[redacted]'

const SECRET_KEYS: ReadonlySet<string> = new Set(['carduid', 'faceimage', 'token'])

// For payloads that did not parse: the key, then a string value (possibly cut off) or a bare value.
const SECRET_IN_TEXT = /("(?:cardUid|faceImage|token)"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s]*)/gi

function redactValue(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return v
  if (depth > 32) return REDACTED
  if (Array.isArray(v)) return v.map((x) => redactValue(x, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) out[k] = SECRET_KEYS.has(k.toLowerCase()) ? REDACTED : redactValue(x, depth + 1)
  return out
}

/** `parsed` is the JSON value when the payload parsed, else undefined (bad JSON, too large). */
export function redactPayload(payload: Buffer, parsed?: unknown): string {
  if (parsed !== undefined) return JSON.stringify(redactValue(parsed, 0)).slice(0, DEAD_LETTER_PAYLOAD_MAX)
  // Twice the kept length, so a value straddling the cut is still recognised by its key.
  const text = payload.subarray(0, DEAD_LETTER_PAYLOAD_MAX * 2).toString('utf8')
  return text.replace(SECRET_IN_TEXT, `$1"${REDACTED}"`).slice(0, DEAD_LETTER_PAYLOAD_MAX)
}
