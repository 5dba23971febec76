// The access doors' event ticker (DOMAIN.md §3.4): state changes and access events as short lines,
// with credentials reduced to a token suffix (§7.3) whatever the source sent.
import type { DeviceLive, StateValue } from './api/types.js'

/**
 * DOMAIN.md §7.3: the wall shows a credential as its token's last 4 hex digits and nothing else.
 * Anything that is not hex (a name, a raw id by mistake) is never echoed.
 */
export function maskToken(token: string | null | undefined): string | null {
  if (!token) return null
  const hex = token.toLowerCase().replace(/[^0-9a-f]/g, '')
  return hex.length >= 4 ? `…${hex.slice(-4)}` : null
}

export type TickerTone = 'info' | 'warn' | 'alarm'

export interface TickerEntry {
  id: string
  at: number
  deviceId: string
  text: string
  tone: TickerTone
  /** Masked credential ("…a41b") or null. */
  credential: string | null
}

const ACCESS_CHANGES: { key: string; describe: (v: StateValue | undefined) => { text: string; tone: TickerTone } | null }[] = [
  { key: 'doorState', describe: (v) => (v === 'open' ? { text: 'Door opened', tone: 'info' } : v === 'closed' ? { text: 'Door closed', tone: 'info' } : null) },
  { key: 'lockState', describe: (v) => (v === 'unlocked' ? { text: 'Unlocked', tone: 'info' } : v === 'locked' ? { text: 'Locked', tone: 'info' } : null) },
  { key: 'tamper', describe: (v) => (v === true ? { text: 'Tamper', tone: 'alarm' } : v === false ? { text: 'Tamper cleared', tone: 'info' } : null) },
  { key: 'mains', describe: (v) => (v === false ? { text: 'Mains power lost', tone: 'warn' } : v === true ? { text: 'Mains restored', tone: 'info' } : null) },
]

/** What changed on an access door between two live states, as ticker lines. */
export function accessChanges(prev: DeviceLive | undefined, next: DeviceLive, at: number): TickerEntry[] {
  if (!prev) return []
  const out: TickerEntry[] = []
  for (const c of ACCESS_CHANGES) {
    const before = prev.state[c.key]
    const after = next.state[c.key]
    if (after === undefined || before === after) continue
    const d = c.describe(after)
    if (d) out.push({ id: `${next.deviceId}:${c.key}:${at}`, at, deviceId: next.deviceId, ...d, credential: null })
  }
  if (prev.online !== next.online) out.push({ id: `${next.deviceId}:online:${at}`, at, deviceId: next.deviceId, text: next.online ? 'Controller online' : 'Controller offline', tone: next.online ? 'info' : 'warn', credential: null })
  return out
}

const ACCESS_EVENT_TEXT: Record<string, { text: string; tone: TickerTone }> = {
  granted: { text: 'Access granted', tone: 'info' },
  denied: { text: 'Access denied', tone: 'warn' },
  forced_open: { text: 'Forced open', tone: 'alarm' },
  held_open: { text: 'Held open', tone: 'warn' },
  door_closed: { text: 'Door closed', tone: 'info' },
  rex: { text: 'Exit button', tone: 'info' },
  tamper: { text: 'Tamper', tone: 'alarm' },
  power_fail: { text: 'Power failure', tone: 'warn' },
  fire_unlock: { text: 'Fire unlock', tone: 'warn' },
  antipassback: { text: 'Anti-passback', tone: 'warn' },
}

/** An access event from the feed, with its credential masked whatever the feed sent. */
export function accessEventEntry(e: { deviceId: string; event: string; at: string; credential?: { type?: string; tokenSuffix?: string }; reason?: string }): TickerEntry {
  const base = ACCESS_EVENT_TEXT[e.event] ?? { text: e.event, tone: 'info' as const }
  const reason = e.reason ? ` · ${e.reason.replace(/_/g, ' ')}` : ''
  const masked = maskToken(e.credential?.tokenSuffix)
  const at = Date.parse(e.at)
  return {
    id: `${e.deviceId}:${e.event}:${e.at}`,
    at: Number.isFinite(at) ? at : Date.now(),
    deviceId: e.deviceId,
    text: base.text + reason,
    tone: base.tone,
    credential: masked ? `${e.credential?.type ?? 'card'} ${masked}` : null,
  }
}
