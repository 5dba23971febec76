// Small readers over a device's flat live state, shared by the rule catalog.
import type { FlatState } from '../model.js'
import type { RuleContext } from './rule-definition.js'

export const num = (s: FlatState, k: string): number | undefined => (typeof s[k] === 'number' ? (s[k] as number) : undefined)

/** DOMAIN.md §3.1: occupied ≡ occupied OR loadPct ≥ 5 (OUR). */
export const isOccupied = (s: FlatState): boolean => s.occupied === true || (num(s, 'loadPct') ?? 0) >= 5

/** Fire doors are NC unless the registry or the door itself says NO. */
export const doorType = (ctx: RuleContext): unknown => ctx.device.attributes.doorType ?? ctx.state.doorType

export const attrNumber = (ctx: RuleContext, name: string, dflt: number): number => {
  const v = ctx.device.attributes[name]
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt
}

/** The ids of the pumps a station reports (`pumps.{id}.{field}` keys). */
export function pumpIds(s: FlatState): string[] {
  const ids = new Set<string>()
  for (const key in s) {
    if (!key.startsWith('pumps.')) continue
    const end = key.indexOf('.', 6)
    if (end > 6) ids.add(key.slice(6, end))
  }
  return [...ids]
}
export const pumpValue = (s: FlatState, id: string, field: string): FlatState[string] | undefined => s[`pumps.${id}.${field}`]
export const anyPump = (s: FlatState, test: (id: string) => boolean): boolean => pumpIds(s).some(test)
export const isRunning = (s: FlatState, id: string): boolean => pumpValue(s, id, 'running') === true
export const isFaulted = (s: FlatState, id: string): boolean => {
  const f = pumpValue(s, id, 'fault')
  return typeof f === 'string' && f !== 'none'
}
/** Main fire pumps, without the jockey pump that only holds pressure. */
export const mainPumps = (s: FlatState): string[] => pumpIds(s).filter((id) => pumpValue(s, id, 'role') !== 'jockey')

/** Rated current of one pump: `ratedA` as a number, or a map by pump id (CONTRACT.md §3 "per pump"). */
export function ratedAmps(ctx: RuleContext, pumpId: string): number | undefined {
  const r = ctx.device.attributes.ratedA
  if (typeof r === 'number') return r
  if (r && typeof r === 'object') {
    const v = (r as Record<string, unknown>)[pumpId]
    if (typeof v === 'number') return v
  }
  return undefined
}

export const phases = (s: FlatState): number[] => ['vL1', 'vL2', 'vL3'].map((k) => num(s, k)).filter((v): v is number => v !== undefined)

/** Days until an ISO date attribute (negative once past), or undefined when absent or unreadable. */
export function daysUntil(ctx: RuleContext, attribute: string): number | undefined {
  const raw = ctx.device.attributes[attribute]
  if (typeof raw !== 'string') return undefined
  const t = Date.parse(raw)
  return Number.isNaN(t) ? undefined : (t - ctx.now) / 86_400_000
}

/** True when `key` was stamped within `ms` (or, never stamped, the device was registered within it). */
export const happenedWithin = (ctx: RuleContext, key: string, ms: number): boolean => ctx.now - (ctx.lastAt(key) ?? ctx.registeredAt) <= ms
