// What the board, the drawer and the phone show of a work order: its next SLA deadline and how
// close it is (DOMAIN.md §2 SLA; CONTRACT.md §3 dueAcceptBy / dueArriveBy / dueResolveBy), and the
// actions the user's role may take in its status (CONTRACT.md §3 "Who may do what").
import type { Emergency, Role, WorkOrder, WorkOrderStatus } from './api/types.js'
import type { WorkOrderAction } from './api/duty-api.js'
import { t } from './i18n/catalog.js'
import { formatSpan } from './i18n/format.js'
import { alarmTitle } from './alarm-view.js'

/** The board's columns, in the order of the state machine (DOMAIN.md §5). */
export const BOARD_STATUSES: readonly WorkOrderStatus[] = ['created', 'assigned', 'accepted', 'on-site', 'in-progress', 'on-hold', 'completed', 'verified']

/** A rule's work order is titled after its alarm: show the rule's title in the user's language. */
export function workOrderTitle(wo: Pick<WorkOrder, 'source' | 'ruleId' | 'title'>): string {
  return wo.source === 'rule' && wo.ruleId ? alarmTitle({ ruleId: wo.ruleId, title: wo.title }) : wo.title
}

export const statusLabel = (s: WorkOrderStatus): string => t(`woStatus.${s}`)

/** Escalation level 0 (front line) … 2 (manager). */
export const escalationLabel = (level: number): string => t(`escalation.${Math.max(0, Math.min(2, level)) as 0 | 1 | 2}`)

/** Amber this long before a deadline (OUR: a quarter of the shortest P1 window, 5 min). */
export const NEAR_MS = 5 * 60_000

export type SlaTone = 'ok' | 'near' | 'breached'
export interface SlaClock {
  label: 'accept' | 'arrive' | 'resolve'
  dueAt: string
  /** ms left; negative once breached. */
  left: number
  tone: SlaTone
  text: string
}

/** The one deadline the work order is racing now: accept until accepted, arrive until on site, then resolve. */
export function nextDue(wo: Pick<WorkOrder, 'status' | 'dueAcceptBy' | 'dueArriveBy' | 'dueResolveBy'>, now: number): SlaClock | null {
  const s = wo.status
  if (s === 'completed' || s === 'verified' || s === 'closed' || s === 'cancelled') return null
  const pick: [SlaClock['label'], string | null][] = s === 'created' || s === 'assigned'
    ? [['accept', wo.dueAcceptBy], ['arrive', wo.dueArriveBy], ['resolve', wo.dueResolveBy]]
    : s === 'accepted' ? [['arrive', wo.dueArriveBy], ['resolve', wo.dueResolveBy]] : [['resolve', wo.dueResolveBy]]
  const found = pick.find(([, at]) => at !== null)
  if (!found || !found[1]) return null
  const [label, dueAt] = found
  const left = Date.parse(dueAt) - now
  const tone: SlaTone = left < 0 ? 'breached' : left <= NEAR_MS ? 'near' : 'ok'
  return { label, dueAt, left, tone, text: left < 0 ? t('sla.overdue', { label: t(`sla.${label}`), span: formatSpan(-left) }) : t('sla.in', { label: t(`sla.${label}`), span: formatSpan(left) }) }
}

const CONTROL: readonly Role[] = ['admin', 'manager', 'supervisor', 'operator']
const SUPERVISE: readonly Role[] = ['admin', 'manager', 'supervisor']
const FIELD: readonly Role[] = ['admin', 'manager', 'supervisor', 'engineer']

/** The field actions the state machine allows from each status (DOMAIN.md §5). */
const FIELD_NEXT: Partial<Record<WorkOrderStatus, WorkOrderAction[]>> = {
  assigned: ['accept', 'reject'],
  accepted: ['arrive'],
  'on-site': ['start'],
  'in-progress': ['hold', 'complete'],
  'on-hold': ['resume'],
}

/** Actions a user may take on a work order; field actions only on their own (CONTRACT.md §3). */
export function workOrderActions(wo: Pick<WorkOrder, 'status' | 'assignee' | 'priority'>, role: Role | null, username: string | null): WorkOrderAction[] {
  if (!role) return []
  const out: WorkOrderAction[] = []
  const s = wo.status
  if (CONTROL.includes(role) && (s === 'created' || s === 'assigned')) out.push('assign')
  if (FIELD.includes(role) && wo.assignee !== null && wo.assignee === username) {
    // DOMAIN.md §5: a priority-1 work order is never put on hold.
    out.push(...(FIELD_NEXT[s] ?? []).filter((a) => !(a === 'hold' && wo.priority === 1)))
  }
  if (SUPERVISE.includes(role)) {
    if (s === 'completed') out.push('verify', 'reopen')
    if (['created', 'assigned', 'accepted', 'on-site', 'in-progress', 'on-hold'].includes(s)) out.push('cancel')
  }
  return out
}

export const actionLabel = (a: WorkOrderAction): string => t(`woAction.${a}`)

/** Actions that need words from the user before they are sent. */
export const REASON_ACTIONS: readonly WorkOrderAction[] = ['reject', 'hold', 'reopen', 'cancel']

export interface ChecklistItem {
  key: 'contained' | 'residents' | 'engineer'
  label: string
  done: boolean
}

/** DOMAIN.md §6 (先控制後處置): contained, residents told, someone on site from its work orders. */
export function emergencyChecklist(em: Pick<Emergency, 'contained' | 'residentsNotified' | 'workOrderIds'>, workOrders: (id: string) => Pick<WorkOrder, 'status'> | undefined): ChecklistItem[] {
  const onSite = em.workOrderIds.some((id) => {
    const s = workOrders(id)?.status
    return s === 'on-site' || s === 'in-progress' || s === 'on-hold' || s === 'completed' || s === 'verified' || s === 'closed'
  })
  return [
    { key: 'contained', label: t('em.check.contained'), done: em.contained },
    { key: 'residents', label: t('em.check.residents'), done: em.residentsNotified },
    { key: 'engineer', label: t('em.check.engineer'), done: onSite },
  ]
}

export const stageLabel = (stage: Emergency['stage']): string => t(`em.stage.${stage}`)
