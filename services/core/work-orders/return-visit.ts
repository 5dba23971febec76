// Return visits 回訪 (DOMAIN.md §5 VERIFIED → CLOSED, §1 #40, #43) and preventive-maintenance plans
// 六級保養 (DOMAIN.md §1 #6). Pure types and arithmetic.
export interface ReturnVisit {
  workOrderId: string
  siteId: string
  drill: boolean
  /** completedAt + 24 h. */
  dueAt: string
  doneAt: string | null
  score: number | null
  note: string | null
  by: string | null
  /** Score under 6 (DOMAIN.md §5): the work order is closed unsatisfied and a complaint opened. */
  unsatisfied: boolean
  complaintWorkOrderId: string | null
  /** When the overdue P3 notice went to the supervisors (once). */
  overdueNotifiedAt: string | null
}

export const RETURN_VISIT_DUE_MS = 24 * 3_600_000
/** DOMAIN.md §5: a score under 6 opens a linked complaint. */
export const UNSATISFIED_BELOW = 6

/** DOMAIN.md §1 #6: daily patrol, weekly, half-monthly (TSG 15 days), quarterly, half-yearly, yearly. */
export const PM_TIERS = ['daily', 'weekly', 'half-monthly', 'quarterly', 'half-yearly', 'yearly'] as const
export type PmTier = (typeof PM_TIERS)[number]
const DAY = 86_400_000
export const PM_INTERVAL_MS: Record<PmTier, number> = {
  daily: DAY, weekly: 7 * DAY, 'half-monthly': 15 * DAY, quarterly: 90 * DAY, 'half-yearly': 182 * DAY, yearly: 365 * DAY,
}

export interface PmPlan {
  id: string
  deviceId: string
  siteId: string
  tier: PmTier
  startAt: string
  /** The next work order is created at this instant. */
  nextDueAt: string
  lastWorkOrderId: string | null
  createdAt: string
  createdBy: string
}

/** The first due instant not before `now` (a plan whose start passed while Vigil was down creates one now, not a backlog). */
export function nextDue(plan: Pick<PmPlan, 'tier' | 'nextDueAt'>, now: number): number {
  const step = PM_INTERVAL_MS[plan.tier]
  let at = Date.parse(plan.nextDueAt)
  while (at + step <= now) at += step
  return at
}
