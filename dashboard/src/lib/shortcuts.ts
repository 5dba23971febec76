// The wall's keyboard (issue #6 item 9): move through the alarm list, acknowledge, switch panes
// and alarm tabs without a mouse. Pure: a key press in, a command out, so the mapping is tested
// without a browser. Nothing fires while the operator types in a field or holds a modifier
// (the browser's own Ctrl/Cmd shortcuts stay untouched).
import type { AlarmTab } from './alarm-view.js'
import { WALL_PANES, type WallPane } from './overview.js'

export type ShortcutCommand =
  | { kind: 'select'; delta: 1 | -1 }
  | { kind: 'ack' }
  | { kind: 'open' }
  | { kind: 'locate' }
  | { kind: 'pane'; pane: WallPane }
  | { kind: 'tab'; tab: AlarmTab }
  | { kind: 'help' }
  | { kind: 'escape' }

export interface KeyPress {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  /** The key went to an input, a textarea, a select or editable text. */
  inField: boolean
}

/** After `g`: the pane or alarm tab to go to. */
const GO_TO: Readonly<Record<string, ShortcutCommand>> = {
  o: { kind: 'pane', pane: 'overview' },
  e: { kind: 'pane', pane: 'elevators' },
  p: { kind: 'pane', pane: 'pumps' },
  f: { kind: 'pane', pane: 'fire-doors' },
  d: { kind: 'pane', pane: 'access-doors' },
  m: { kind: 'pane', pane: 'floor-plans' },
  w: { kind: 'pane', pane: 'work-orders' },
  h: { kind: 'pane', pane: 'handover' },
  a: { kind: 'tab', tab: 'active' },
  s: { kind: 'tab', tab: 'shelved' },
  u: { kind: 'tab', tab: 'suppressed' },
  x: { kind: 'tab', tab: 'out-of-service' },
}

const SINGLE: Readonly<Record<string, ShortcutCommand>> = {
  j: { kind: 'select', delta: 1 },
  ArrowDown: { kind: 'select', delta: 1 },
  k: { kind: 'select', delta: -1 },
  ArrowUp: { kind: 'select', delta: -1 },
  a: { kind: 'ack' },
  Enter: { kind: 'open' },
  o: { kind: 'open' },
  l: { kind: 'locate' },
  '?': { kind: 'help' },
  Escape: { kind: 'escape' },
}

export interface ShortcutResult {
  command: ShortcutCommand | null
  /** `g` was pressed: the next key picks where to go. */
  awaitingGo: boolean
}

export function shortcutFor(press: KeyPress, awaitingGo: boolean): ShortcutResult {
  if (press.ctrlKey || press.metaKey || press.altKey) return { command: null, awaitingGo: false }
  // Escape still closes the help while a field has focus; nothing else fires there.
  if (press.inField) return { command: press.key === 'Escape' ? SINGLE.Escape! : null, awaitingGo: false }
  if (awaitingGo) return { command: GO_TO[press.key.toLowerCase()] ?? null, awaitingGo: false }
  if (press.key === 'g') return { command: null, awaitingGo: true }
  const digit = /^[1-9]$/.test(press.key) ? WALL_PANES[Number(press.key) - 1] : undefined
  if (digit) return { command: { kind: 'pane', pane: digit }, awaitingGo: false }
  return { command: SINGLE[press.key] ?? null, awaitingGo: false }
}

/** Whether an event target is somewhere the user types. */
export function isField(target: unknown): boolean {
  const el = target as { tagName?: unknown; isContentEditable?: unknown } | null
  if (!el || typeof el.tagName !== 'string') return false
  return el.isContentEditable === true || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)
}

/** The next selection in a list of keys: wraps neither way, starts at the top (or bottom going up). */
export function moveSelection(keys: readonly string[], current: string | null, delta: 1 | -1): string | null {
  if (keys.length === 0) return null
  const at = current === null ? -1 : keys.indexOf(current)
  if (at === -1) return delta === 1 ? keys[0]! : keys[keys.length - 1]!
  return keys[Math.max(0, Math.min(keys.length - 1, at + delta))]!
}
