// Who gets a work order (DOMAIN.md §5 auto-dispatch) and who hears of an escalation (§6): the
// people side of dispatch, read from the users, the open shifts and everyone's open work.
import type { Role, User } from '../core/model.js'
import type { Repos } from '../core/ports.js'
import { chooseAssignee, FIELD_ROLES, type DispatchCandidate } from '../core/work-orders/dispatch-choice.js'
import type { WorkOrder } from '../core/work-orders/work-order.js'

const covers = (u: User, siteId: string): boolean => u.siteIds.length === 0 || u.siteIds.includes(siteId)

export interface Dispatcher {
  /** The on-shift person to assign, or null when nobody eligible is on shift. */
  pick(wo: Pick<WorkOrder, 'siteId' | 'skill' | 'rejectedBy'>): Promise<string | null>
  /** Everyone of a role who covers the site (L2 supervisors, L1 managers). */
  peopleOf(role: Role, siteId: string): Promise<User[]>
  /** Throws nothing; says why a manual assignee cannot take the work order, or null when they can. */
  whyNotAssignable(username: string, siteId: string): Promise<string | null>
}

export function createDispatcher(deps: { repos: Repos }): Dispatcher {
  const { repos } = deps

  async function allUsers(): Promise<User[]> {
    const out: User[] = []
    let cursor: string | undefined
    do {
      const page = await repos.users.list({ limit: 1000, cursor })
      out.push(...page.items)
      cursor = page.next ?? undefined
    } while (cursor !== undefined)
    return out
  }

  return {
    async pick(wo) {
      const shifts = await repos.shifts.listOpen()
      if (shifts.length === 0) return null
      const users = (await Promise.all(shifts.map((s) => repos.users.get(s.username)))).filter((u): u is User => u !== undefined)
      const workload = await repos.workOrders.workload(users.map((u) => u.username))
      const started = new Map(shifts.map((s) => [s.username, Date.parse(s.startedAt)]))
      const candidates: DispatchCandidate[] = users.map((u) => ({
        username: u.username, role: u.role, skills: u.skills, siteIds: u.siteIds,
        openCount: workload.get(u.username) ?? 0, shiftStartedAt: started.get(u.username) ?? 0,
      }))
      return chooseAssignee(candidates, { siteId: wo.siteId, skill: wo.skill, rejectedBy: wo.rejectedBy })
    },
    async peopleOf(role, siteId) {
      return (await allUsers()).filter((u) => u.role === role && covers(u, siteId))
    },
    async whyNotAssignable(username, siteId) {
      const u = await repos.users.get(username)
      if (!u) return `no user ${username}`
      if (!FIELD_ROLES.includes(u.role)) return `${username} is ${u.role === 'operator' ? 'an' : 'a'} ${u.role} and cannot carry out work orders`
      if (!covers(u, siteId)) return `${username} does not cover site ${siteId}`
      return null
    },
  }
}
