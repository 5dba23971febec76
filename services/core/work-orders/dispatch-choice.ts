// Auto-dispatch (DOMAIN.md §5 CREATED → ASSIGNED): among people on shift with the skill and the
// site, the one with the least open work, never one who rejected this work order. Pure.
import type { Role, Skill } from '../model.js'

/** Roles that can accept and carry out a work order (CONTRACT.md §3 permission table). */
export const FIELD_ROLES: readonly Role[] = ['engineer', 'supervisor', 'manager', 'admin']

export interface DispatchCandidate {
  username: string
  role: Role
  skills: readonly Skill[]
  /** Empty = every site (CONTRACT.md §3). */
  siteIds: readonly string[]
  /** Work orders assigned to them and not yet completed. */
  openCount: number
  /** When their shift started (epoch ms): the tie-break after workload, longest on duty first. */
  shiftStartedAt: number
}

export interface DispatchNeed {
  siteId: string
  skill: Skill
  rejectedBy: readonly string[]
}

export function isEligible(c: DispatchCandidate, need: DispatchNeed): boolean {
  return FIELD_ROLES.includes(c.role)
    && c.skills.includes(need.skill)
    && (c.siteIds.length === 0 || c.siteIds.includes(need.siteId))
    && !need.rejectedBy.includes(c.username)
}

/** The chosen username, or null when nobody eligible is on shift (the caller escalates to L2 at once). */
export function chooseAssignee(candidates: readonly DispatchCandidate[], need: DispatchNeed): string | null {
  const eligible = candidates.filter((c) => isEligible(c, need))
  eligible.sort((a, b) => a.openCount - b.openCount || a.shiftStartedAt - b.shiftStartedAt || a.username.localeCompare(b.username))
  return eligible[0]?.username ?? null
}
