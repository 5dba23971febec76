// SLA arithmetic (DOMAIN.md §2 priority table, §1 #18 distance tiers, #24/#42 complaints, #37
// appointments). Pure: minutes in, deadlines (epoch ms) out. Precedence, weakest first: the
// priority defaults, the site's overrides (`PATCH /sites/{id} {sla}`), the device's distance tier
// (P1/P2 only), then the work order's own kind (complaint clocks, appointment time).
import type { Priority } from '../model.js'
import type { WorkOrderSource } from './work-order.js'

export interface SlaMinutes {
  /** Accept (response) within, minutes; null = no clock. */
  acceptMin: number | null
  /** On site within. */
  arriveMin: number | null
  /** Completed within. */
  resolveMin: number | null
}

/** DOMAIN.md §2 "Default WO SLA (min): accept / on-site / resolve". P4 resolve: "minor" (S4 #44). */
export const DEFAULT_SLA: Readonly<Record<Priority, SlaMinutes>> = Object.freeze({
  1: { acceptMin: 5, arriveMin: 15, resolveMin: 60 },
  2: { acceptMin: 15, arriveMin: 30, resolveMin: 240 },
  3: { acceptMin: 30, arriveMin: 120, resolveMin: 1440 },
  4: { acceptMin: null, arriveMin: null, resolveMin: 4320 },
})

/** DOMAIN.md §2 P1: property staff on site 15 min, the specialist (maintenance unit) 30 min [R:TSG-T5002]. */
export const P1_SPECIALIST_ARRIVE_MIN = 30

export const DISTANCE_TIERS = ['core', 'service', 'outer'] as const
export type DistanceTier = (typeof DISTANCE_TIERS)[number]
/** DOMAIN.md §1 #18 (S2): core 0-50 m arrive 5; service 50-200 m respond 15, arrive 30; outer respond 60, arrive 60. */
export const DEFAULT_TIERS: Readonly<Record<DistanceTier, Partial<SlaMinutes>>> = Object.freeze({
  core: { arriveMin: 5 },
  service: { acceptMin: 15, arriveMin: 30 },
  outer: { acceptMin: 60, arriveMin: 60 },
})

/** Complaint work orders: intake 2 h (S4 #42), response 24 h, resolution 72 h (S3 #24). */
export const DEFAULT_COMPLAINT = Object.freeze({ intakeMin: 120, acceptMin: 1440, resolveMin: 4320 })

export interface SlaOverrides {
  priorities: Partial<Record<Priority, Partial<SlaMinutes>>>
  tiers: Partial<Record<DistanceTier, Partial<SlaMinutes>>>
  complaint: Partial<typeof DEFAULT_COMPLAINT>
}
export const NO_OVERRIDES: SlaOverrides = Object.freeze({ priorities: {}, tiers: {}, complaint: {} })

const MINUTE_KEYS = ['acceptMin', 'arriveMin', 'resolveMin'] as const
const MAX_MIN = 366 * 24 * 60

function minutesObject(raw: unknown, where: string, keys: readonly string[], errors: string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {}
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.push(`${where} must be an object of minutes`)
    return out
  }
  for (const [k, v] of Object.entries(raw)) {
    if (!keys.includes(k)) errors.push(`${where}.${k} is not one of ${keys.join(', ')}`)
    else if (v === null || (typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= MAX_MIN)) out[k] = v
    else errors.push(`${where}.${k} must be minutes (0 < n ≤ ${MAX_MIN}) or null`)
  }
  return out
}

/**
 * The site setting `sla` as stored by `PATCH /sites/{id}`:
 * `{"P1": {"acceptMin": 5, "arriveMin": 15, "resolveMin": 60}, "tiers": {"core": {"arriveMin": 5}}, "complaint": {"intakeMin": 120}}`
 * (priorities as "P1" or "1"; or flat, `{"p1ArriveMin": 10}`). Unknown keys are errors, so a typo is not silently ignored.
 */
export function parseSlaOverrides(raw: unknown): { ok: true; value: SlaOverrides } | { ok: false; errors: string[] } {
  if (raw === undefined || raw === null) return { ok: true, value: NO_OVERRIDES }
  const errors: string[] = []
  const value: SlaOverrides = { priorities: {}, tiers: {}, complaint: {} }
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, errors: ['sla must be an object'] }
  for (const [k, v] of Object.entries(raw)) {
    const p = /^P?([1-4])$/.exec(k)
    // The flat spelling (`p1ArriveMin`) is what issue #2's API accepted: kept as an alias.
    const flat = /^p([1-4])(accept|arrive|resolve)Min$/i.exec(k)
    if (p) value.priorities[Number(p[1]) as Priority] = { ...value.priorities[Number(p[1]) as Priority], ...minutesObject(v, `sla.${k}`, MINUTE_KEYS, errors) }
    else if (flat) {
      const key = `${flat[2]!.toLowerCase()}Min` as keyof SlaMinutes
      const m = minutesObject({ [key]: v }, `sla.${k}`, MINUTE_KEYS, errors)
      const priority = Number(flat[1]) as Priority
      value.priorities[priority] = { ...value.priorities[priority], ...m }
    }
    else if (k === 'tiers' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
      for (const [tier, m] of Object.entries(v)) {
        if ((DISTANCE_TIERS as readonly string[]).includes(tier)) value.tiers[tier as DistanceTier] = minutesObject(m, `sla.tiers.${tier}`, MINUTE_KEYS, errors)
        else errors.push(`sla.tiers.${tier} is not one of ${DISTANCE_TIERS.join(', ')}`)
      }
    } else if (k === 'complaint') {
      const m = minutesObject(v, 'sla.complaint', ['intakeMin', 'acceptMin', 'resolveMin'], errors)
      for (const [mk, mv] of Object.entries(m)) if (mv !== null) (value.complaint as Record<string, number>)[mk] = mv
    } else errors.push(`sla.${k} is not a priority (P1-P4), tiers or complaint`)
  }
  return errors.length ? { ok: false, errors } : { ok: true, value }
}

/** Tolerant read for computing deadlines: a broken setting falls back to the defaults, never blocks a work order. */
export const slaOverridesOf = (siteSettings: Record<string, unknown> | undefined): SlaOverrides => {
  const r = parseSlaOverrides(siteSettings?.sla)
  return r.ok ? r.value : NO_OVERRIDES
}

export const distanceTierOf = (attributes: Record<string, unknown> | undefined): DistanceTier | null => {
  const t = attributes?.distanceTier
  return typeof t === 'string' && (DISTANCE_TIERS as readonly string[]).includes(t) ? (t as DistanceTier) : null
}

export interface DueInput {
  priority: Priority
  source: WorkOrderSource
  createdAt: number
  appointmentAt: number | null
  distanceTier: DistanceTier | null
  overrides: SlaOverrides
}
export interface Dues {
  dueIntakeBy: number | null
  dueAcceptBy: number | null
  dueArriveBy: number | null
  dueSpecialistArriveBy: number | null
  dueResolveBy: number | null
}

/** The effective minutes for a priority and tier (exported for the docs and the tests). */
export function slaMinutes(priority: Priority, tier: DistanceTier | null, overrides: SlaOverrides): SlaMinutes {
  const m: SlaMinutes = { ...DEFAULT_SLA[priority], ...overrides.priorities[priority] }
  // The distance promise of S2 is about responding to faults: P1 and P2. A P3 chime does not
  // get a 5-minute arrival because the engineer happens to be close.
  if (tier !== null && priority <= 2) Object.assign(m, DEFAULT_TIERS[tier], overrides.tiers[tier])
  return m
}

export function computeDues(i: DueInput): Dues {
  const after = (min: number | null | undefined): number | null => (min === null || min === undefined ? null : i.createdAt + min * 60_000)
  const m = slaMinutes(i.priority, i.distanceTier, i.overrides)
  const dues: Dues = {
    dueIntakeBy: null,
    dueAcceptBy: after(m.acceptMin),
    dueArriveBy: after(m.arriveMin),
    dueSpecialistArriveBy: i.priority === 1 ? after(P1_SPECIALIST_ARRIVE_MIN) : null,
    dueResolveBy: after(m.resolveMin),
  }
  if (i.source === 'complaint') {
    const c = { ...DEFAULT_COMPLAINT, ...i.overrides.complaint }
    dues.dueIntakeBy = after(c.intakeMin)
    dues.dueAcceptBy = after(c.acceptMin)
    dues.dueResolveBy = after(c.resolveMin)
    // A complaint is answered, not attended: no arrival clock unless an appointment sets one.
    dues.dueArriveBy = null
    dues.dueSpecialistArriveBy = null
  }
  // S4 #37: an owner's appointment is the arrival deadline.
  if (i.appointmentAt !== null) dues.dueArriveBy = i.appointmentAt
  return dues
}
