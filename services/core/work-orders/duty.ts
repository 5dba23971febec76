// Duty: shifts (who is on duty, for auto-dispatch) and notifications (CONTRACT.md §3 duty, §4
// `notification`). Every notification and its acknowledgement is recorded (issue #4 item 5).
import type { Priority } from '../model.js'
import type { EscalationLevel } from './work-order.js'

export interface Shift {
  id: string
  username: string
  startedAt: string
  /** null while on shift. */
  endedAt: string | null
}

export const NOTIFICATION_KINDS = ['assignment', 'escalation', 'unassigned', 'breach', 'emergency', 'return-visit-overdue'] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

/** The socket.io `notification` payload is `{id, to, kind, subject, at}`; the rest extends it (never renames). */
export interface Notification {
  id: string
  to: string
  kind: NotificationKind
  subject: string
  /** When it was (last) sent. */
  at: string
  createdAt: string
  workOrderId: string | null
  siteId: string | null
  priority: Priority | null
  level: EscalationLevel
  /** How many times it has been sent (re-notification until acknowledged, DOMAIN.md §6). */
  sentCount: number
  ackedAt: string | null
  ackedBy: string | null
}
