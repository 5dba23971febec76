// The access doors' event ticker (DOMAIN.md §3.4): state changes and access events as short lines,
// with credentials reduced to a token suffix (§7.3) whatever the source sent.
import type { DeviceLive, StateValue } from './api/types.js'
import { hasMessage, t } from './i18n/catalog.js'

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
  { key: 'doorState', describe: (v) => (v === 'open' ? { text: t('ac.doorOpened'), tone: 'info' } : v === 'closed' ? { text: t('ac.doorClosed'), tone: 'info' } : null) },
  { key: 'lockState', describe: (v) => (v === 'unlocked' ? { text: t('ac.unlocked'), tone: 'info' } : v === 'locked' ? { text: t('ac.locked'), tone: 'info' } : null) },
  { key: 'tamper', describe: (v) => (v === true ? { text: t('ac.tamper'), tone: 'alarm' } : v === false ? { text: t('ac.tamperCleared'), tone: 'info' } : null) },
  { key: 'mains', describe: (v) => (v === false ? { text: t('ac.mainsLost'), tone: 'warn' } : v === true ? { text: t('ac.mainsRestored'), tone: 'info' } : null) },
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
  if (prev.online !== next.online) out.push({ id: `${next.deviceId}:online:${at}`, at, deviceId: next.deviceId, text: next.online ? t('ac.online') : t('ac.offline'), tone: next.online ? 'info' : 'warn', credential: null })
  return out
}

const ACCESS_EVENT_TONE: Record<string, TickerTone> = {
  granted: 'info',
  denied: 'warn',
  forced_open: 'alarm',
  held_open: 'warn',
  door_closed: 'info',
  rex: 'info',
  tamper: 'alarm',
  power_fail: 'warn',
  fire_unlock: 'warn',
  antipassback: 'warn',
}

/** An access event from the feed, with its credential masked whatever the feed sent. */
export function accessEventEntry(e: { deviceId: string; event: string; at: string; credential?: { type?: string; tokenSuffix?: string }; reason?: string }): TickerEntry {
  const key = `ac.${e.event}`
  const base = { text: e.event in ACCESS_EVENT_TONE && hasMessage(key) ? t(key) : e.event, tone: ACCESS_EVENT_TONE[e.event] ?? 'info' }
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
