// Emergencies 應急事件 (DOMAIN.md §6 "Emergency alerts"; CONTRACT.md §3 "Emergency object"): one
// per incident, three levels of response (E3 front line, E2 supervisor, E1 top management), the
// stages 啟動 activate → 實施 execute → 收尾 close-out → closed. Pure types and the opening rules.
import type { EmergencyLevel } from '../rules/rule-definition.js'
import type { Alarm } from '../model.js'

export type { EmergencyLevel }
export const EMERGENCY_LEVELS = ['E3', 'E2', 'E1'] as const
export const EMERGENCY_STAGES = ['activate', 'execute', 'close-out', 'closed'] as const
export type EmergencyStage = (typeof EMERGENCY_STAGES)[number]

export interface EmergencyHistoryEntry {
  at: string
  actor: string
  action: string
  level: EmergencyLevel
  stage: EmergencyStage
  note: string | null
}

export interface Emergency {
  id: string
  siteId: string
  /** The building of the first alarm: alarms of the same incident share it (DOMAIN.md §6). */
  building: string | null
  level: EmergencyLevel
  stage: EmergencyStage
  alarmIds: string[]
  workOrderIds: string[]
  /** "contained" checkpoint, first in the execute stage (先控制後處置). */
  contained: boolean
  containedAt: string | null
  residentsNotified: boolean
  residentsNotifiedAt: string | null
  /** Reported by a person (`escalate {reason: 'injury'}`): E1. */
  injury: boolean
  /** When an FP-02 (fire pump failed to start) joined: E1 five minutes later. */
  firePumpFailedAt: string | null
  drill: boolean
  openedAt: string
  closedAt: string | null
  closedBy: string | null
  /** The L2 review note (what/where/cause/measures/result), required to close. */
  review: string | null
  updatedAt: string
  history?: EmergencyHistoryEntry[]
}

/** Alarms of the same site and building within this window of the incident's last alarm join it (OUR). */
export const INCIDENT_WINDOW_MS = 15 * 60_000
/** DOMAIN.md §6: an E3 not contained within 30 min becomes E2. */
export const CONTAIN_LIMIT_MS = 30 * 60_000
/** DOMAIN.md §6: unresolved 60 min → E1. */
export const RESOLVE_LIMIT_MS = 60 * 60_000
/** DOMAIN.md §6: FP-02 at 5 min → E1. */
export const FIRE_PUMP_E1_MS = 5 * 60_000
/** DOMAIN.md §6 (EL-07-site): power lost on at least this many elevators of one site. */
export const EL07_SITE_MIN = 2

const RANK: Record<EmergencyLevel, number> = { E3: 0, E2: 1, E1: 2 }
export const higher = (a: EmergencyLevel, b: EmergencyLevel): EmergencyLevel => (RANK[a] >= RANK[b] ? a : b)
export const isAbove = (a: EmergencyLevel, b: EmergencyLevel): boolean => RANK[a] > RANK[b]
export const nextLevel = (l: EmergencyLevel): EmergencyLevel => (l === 'E3' ? 'E2' : 'E1')

/**
 * The level an annunciated alarm opens, or null: rules carrying `emergency` in the catalog, EL-04 and
 * EL-05 only at P1 (occupied car), EL-07 only site-wide (handled by the caller with the count).
 */
export function openingLevel(alarm: Pick<Alarm, 'ruleId' | 'priority'>, ruleEmergency: EmergencyLevel | undefined, poweredOffElevators: number): EmergencyLevel | null {
  if (alarm.ruleId === 'EL-07') return poweredOffElevators >= EL07_SITE_MIN ? 'E3' : null
  if (ruleEmergency === undefined) return null
  if ((alarm.ruleId === 'EL-04' || alarm.ruleId === 'EL-05') && alarm.priority !== 1) return null
  return ruleEmergency
}

/** Whether an alarm belongs to an open incident: same site, same building, drill-ness alike, within the window. */
export function joins(em: Emergency, alarm: Pick<Alarm, 'siteId' | 'drill'>, building: string | null, lastAlarmAt: number, at: number): boolean {
  return em.stage !== 'closed' && em.siteId === alarm.siteId && em.drill === alarm.drill
    && (em.building === null || building === null || em.building === building) && at - lastAlarmAt <= INCIDENT_WINDOW_MS
}
