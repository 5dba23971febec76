// The emergency's transitions (DOMAIN.md §6), pure: people contain, notify residents, escalate and
// close; the system opens, joins alarms and raises the level on its clocks. Each returns the new
// emergency and the history entries to append (append-only), or the refusal the API answers with.
import type { ErrorCode } from '../errors.js'
import {
  CONTAIN_LIMIT_MS, FIRE_PUMP_E1_MS, higher, isAbove, nextLevel, RESOLVE_LIMIT_MS,
  type Emergency, type EmergencyHistoryEntry, type EmergencyLevel, type EmergencyStage,
} from './emergency.js'

export const ESCALATE_REASONS = ['injury', 'fire-confirmed', 'other'] as const
export type EscalateReason = (typeof ESCALATE_REASONS)[number]

export type EmergencyInput =
  | { kind: 'contain'; at: number; actor: string; note: string | null }
  | { kind: 'notify-residents'; at: number; actor: string; note: string | null }
  | { kind: 'escalate'; at: number; actor: string; reason: EscalateReason; note: string | null }
  | { kind: 'close'; at: number; actor: string; review: string }
  /** The system raises the level (a clock ran out, a second P1, an E2 rule joined). */
  | { kind: 'raise'; at: number; level: EmergencyLevel; why: string }
  | { kind: 'join'; at: number; alarmId: string; ruleId: string; level: EmergencyLevel }
  | { kind: 'link-work-orders'; at: number; workOrderIds: readonly string[] }

export type EmergencyResult =
  | { ok: true; emergency: Emergency; entries: EmergencyHistoryEntry[]; escalated: boolean }
  | { ok: false; code: ErrorCode; message: string }

const SYSTEM = 'system'
const iso = (ms: number): string => new Date(ms).toISOString()
const refuse = (code: ErrorCode, message: string): EmergencyResult => ({ ok: false, code, message })

/** activate until contained; execute until residents are notified too; then close-out awaits the review. */
function stageOf(em: Emergency): EmergencyStage {
  if (em.stage === 'closed') return 'closed'
  if (!em.contained) return 'activate'
  return em.residentsNotified ? 'close-out' : 'execute'
}

function result(before: Emergency, next: Emergency, at: number, actor: string, action: string, note: string | null): EmergencyResult {
  const staged = { ...next, stage: stageOf(next), updatedAt: iso(at) }
  const entries: EmergencyHistoryEntry[] = [{ at: iso(at), actor, action, level: staged.level, stage: staged.stage, note }]
  return { ok: true, emergency: staged, entries, escalated: isAbove(staged.level, before.level) }
}

export function transitionEmergency(em: Emergency, input: EmergencyInput): EmergencyResult {
  if (em.stage === 'closed' && input.kind !== 'link-work-orders') return refuse('EMERGENCY_TRANSITION_NOT_ALLOWED', 'the emergency is closed')
  switch (input.kind) {
    case 'contain':
      if (em.contained) return refuse('EMERGENCY_TRANSITION_NOT_ALLOWED', 'the emergency is already contained')
      return result(em, { ...em, contained: true, containedAt: iso(input.at) }, input.at, input.actor, 'contain', input.note)
    case 'notify-residents':
      if (em.residentsNotified) return refuse('EMERGENCY_TRANSITION_NOT_ALLOWED', 'residents were already notified')
      return result(em, { ...em, residentsNotified: true, residentsNotifiedAt: iso(input.at) }, input.at, input.actor, 'notify-residents', input.note)
    case 'escalate': {
      // Injury and a fire confirmed by the FACP go straight to E1; anything else one level up.
      const to: EmergencyLevel = input.reason === 'other' ? nextLevel(em.level) : 'E1'
      if (!isAbove(to, em.level)) return refuse('EMERGENCY_TRANSITION_NOT_ALLOWED', `the emergency is already at ${em.level}`)
      const note = `${em.level} → ${to}: ${input.reason}${input.note ? ` (${input.note})` : ''}`
      return result(em, { ...em, level: to, injury: em.injury || input.reason === 'injury' }, input.at, input.actor, 'escalate', note)
    }
    case 'close':
      // Close-out only after "contained" and "residents notified", with an L2 review note.
      if (!em.contained || !em.residentsNotified) {
        return refuse('EMERGENCY_TRANSITION_NOT_ALLOWED', 'an emergency closes only once it is contained and residents were notified')
      }
      if (input.review.trim() === '') return refuse('VALIDATION_FAILED', 'closing needs a review note')
      return result(em, { ...em, stage: 'closed', closedAt: iso(input.at), closedBy: input.actor, review: input.review }, input.at, input.actor, 'close', input.review)
    case 'raise':
      if (!isAbove(input.level, em.level)) return { ok: true, emergency: em, entries: [], escalated: false }
      return result(em, { ...em, level: input.level }, input.at, SYSTEM, 'escalate', `${em.level} → ${input.level}: ${input.why}`)
    case 'join': {
      if (em.alarmIds.includes(input.alarmId)) return { ok: true, emergency: em, entries: [], escalated: false }
      const firePumpFailedAt = input.ruleId === 'FP-02' && em.firePumpFailedAt === null ? iso(input.at) : em.firePumpFailedAt
      const next = { ...em, alarmIds: [...em.alarmIds, input.alarmId], level: higher(em.level, input.level), firePumpFailedAt }
      return result(em, next, input.at, SYSTEM, 'alarm-joined', `alarm ${input.alarmId} (${input.ruleId})`)
    }
    case 'link-work-orders': {
      const add = input.workOrderIds.filter((id) => !em.workOrderIds.includes(id))
      if (add.length === 0) return { ok: true, emergency: em, entries: [], escalated: false }
      const next = { ...em, workOrderIds: [...em.workOrderIds, ...add] }
      const entries: EmergencyHistoryEntry[] = [{ at: iso(input.at), actor: SYSTEM, action: 'work-orders-linked', level: em.level, stage: em.stage, note: add.join(', ') }]
      return { ok: true, emergency: { ...next, updatedAt: iso(input.at) }, entries, escalated: false }
    }
  }
}

/** The next clock-driven level change of an open emergency: when, to what, and why (DOMAIN.md §6). */
export function nextDeadline(em: Emergency): { at: number; level: EmergencyLevel; why: string } | null {
  if (em.stage === 'closed' || em.level === 'E1') return null
  const opened = Date.parse(em.openedAt)
  const candidates: Array<{ at: number; level: EmergencyLevel; why: string }> = []
  if (em.firePumpFailedAt !== null) candidates.push({ at: Date.parse(em.firePumpFailedAt) + FIRE_PUMP_E1_MS, level: 'E1', why: 'fire pump failed to start 5 min ago' })
  if (em.stage !== 'close-out') candidates.push({ at: opened + RESOLVE_LIMIT_MS, level: 'E1', why: 'unresolved after 60 min' })
  if (!em.contained && em.level === 'E3') candidates.push({ at: opened + CONTAIN_LIMIT_MS, level: 'E2', why: 'not contained within 30 min' })
  candidates.sort((a, b) => a.at - b.at)
  return candidates[0] ?? null
}

export function newEmergency(i: { id: string; siteId: string; building: string | null; level: EmergencyLevel; alarmId: string; ruleId: string; drill: boolean; at: number }): { emergency: Emergency; entries: EmergencyHistoryEntry[] } {
  const at = iso(i.at)
  const emergency: Emergency = {
    id: i.id, siteId: i.siteId, building: i.building, level: i.level, stage: 'activate', alarmIds: [i.alarmId], workOrderIds: [],
    contained: false, containedAt: null, residentsNotified: false, residentsNotifiedAt: null, injury: false,
    firePumpFailedAt: i.ruleId === 'FP-02' ? at : null, drill: i.drill, openedAt: at, closedAt: null, closedBy: null, review: null, updatedAt: at,
  }
  return { emergency, entries: [{ at, actor: SYSTEM, action: 'open', level: i.level, stage: 'activate', note: `alarm ${i.alarmId} (${i.ruleId})` }] }
}
