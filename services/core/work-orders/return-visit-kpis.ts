// Return-visit KPIs (issue #4 item 9; DOMAIN.md §5 "return visit ≤24 h", §1 #40/#43): how many of
// the visits that fell due in the period were made, how many on time, and the residents' scores.
// Pure; the caller passes non-drill visits only (DOMAIN.md §1 #15: drills stay out of the KPIs).
import { UNSATISFIED_BELOW, type ReturnVisit } from './return-visit.js'

export interface ReturnVisitKpis {
  /** Visits recorded in the period. */
  visited: number
  /** Of those, recorded by their due time (24 h after completion). */
  onTime: number
  /** Visits due in the period, not made, and past due now. */
  overdue: number
  /** visited ÷ (visited + overdue), in %; null when there was nothing to visit. */
  ratePct: number | null
  /** onTime ÷ (visited + overdue), in %. */
  onTimePct: number | null
  scores: { count: number; mean: number | null; median: number | null; byScore: Array<{ score: number; count: number }> }
  /** Scores under 6: closed unsatisfied, each with a linked complaint work order. */
  unsatisfied: number
  complaintWorkOrderIds: string[]
}

const round = (n: number): number => Math.round(n * 100) / 100

export function computeReturnVisitKpis(input: { done: readonly ReturnVisit[]; pending: readonly ReturnVisit[]; from: number; to: number; now: number }): ReturnVisitKpis {
  const done = input.done.filter((v) => v.doneAt !== null && v.score !== null)
  const end = Math.min(input.to, input.now)
  const overdue = input.pending.filter((v) => v.doneAt === null && Date.parse(v.dueAt) >= input.from && Date.parse(v.dueAt) < end).length
  const onTime = done.filter((v) => Date.parse(v.doneAt!) <= Date.parse(v.dueAt)).length
  const owed = done.length + overdue
  const scores = done.map((v) => v.score!).sort((a, b) => a - b)
  const mid = Math.floor(scores.length / 2)
  const median = scores.length === 0 ? null : scores.length % 2 ? scores[mid]! : (scores[mid - 1]! + scores[mid]!) / 2
  const unsatisfied = done.filter((v) => v.score! < UNSATISFIED_BELOW)
  return {
    visited: done.length,
    onTime,
    overdue,
    ratePct: owed === 0 ? null : round((100 * done.length) / owed),
    onTimePct: owed === 0 ? null : round((100 * onTime) / owed),
    scores: {
      count: scores.length,
      mean: scores.length === 0 ? null : round(scores.reduce((a, b) => a + b, 0) / scores.length),
      median,
      byScore: [...new Set(scores)].map((score) => ({ score, count: scores.filter((s) => s === score).length })),
    },
    unsatisfied: unsatisfied.length,
    complaintWorkOrderIds: unsatisfied.map((v) => v.complaintWorkOrderId).filter((id): id is string => id !== null),
  }
}
