// Keeps the rule engine's memory in the database (issue #10): an on-delay in progress, a held
// off-delay, a count window, a suppression. Changes are collected while the engine evaluates a
// batch and written together right after it, so the cost is one transaction per ingest batch that
// changed a phase, not a write per message. At start the engine resumes from what is stored: a
// door propped open for 50 of its 60 seconds when Vigil restarted alarms 10 seconds later, not 60.
import type { Logger } from 'pino'
import type { Phase } from '../core/rules/condition-timer.js'
import { initialRuleState, type RuleState } from '../core/rules/evaluate-rule.js'
import type { RulePhaseRepo } from '../core/ports.js'

const samePhase = (a: Phase | undefined, b: Phase | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.kind === b.kind && ('dueAt' in a ? a.dueAt : null) === ('dueAt' in b ? b.dueAt : null))

/** Cheap structural equality: called for every rule on every message. */
export function sameRuleState(a: RuleState, b: RuleState): boolean {
  if (a === b) return true
  if (!samePhase(a.phase, b.phase) || a.suppressed !== b.suppressed || a.lastHitAt !== b.lastHitAt) return false
  if (a.stagePhases.length !== b.stagePhases.length || a.hits.length !== b.hits.length) return false
  for (let i = 0; i < a.stagePhases.length; i++) if (!samePhase(a.stagePhases[i], b.stagePhases[i])) return false
  for (let i = 0; i < a.hits.length; i++) if (a.hits[i] !== b.hits[i]) return false
  return true
}

const REST = initialRuleState()
const PHASES = new Set(['idle', 'pending-on', 'active', 'pending-off'])

function isPhase(v: unknown): v is Phase {
  if (typeof v !== 'object' || v === null) return false
  const p = v as { kind?: unknown; dueAt?: unknown }
  if (typeof p.kind !== 'string' || !PHASES.has(p.kind)) return false
  return (p.kind !== 'pending-on' && p.kind !== 'pending-off') || typeof p.dueAt === 'number'
}

/** A stored state, or null when the row is not one this version understands (it is then ignored). */
export function parseRuleState(json: string): RuleState | null {
  let v: Partial<RuleState>
  try {
    v = JSON.parse(json) as Partial<RuleState>
  } catch {
    return null
  }
  if (!isPhase(v.phase) || !Array.isArray(v.stagePhases) || !v.stagePhases.every(isPhase)) return null
  if (!Array.isArray(v.hits) || !v.hits.every((h) => typeof h === 'number')) return null
  return { phase: v.phase, stagePhases: v.stagePhases, suppressed: v.suppressed === true, hits: v.hits, lastHitAt: typeof v.lastHitAt === 'number' ? v.lastHitAt : null }
}

export interface RulePhaseStore {
  /** Records the new state of (device, rule); written with the others of this turn. */
  changed(deviceId: string, ruleId: string, state: RuleState): void
  forget(deviceId: string, ruleIds: readonly string[]): void
  load(): Promise<Array<{ deviceId: string; ruleId: string; state: RuleState }>>
  /** Resolves once every change recorded so far is written (or failed and logged). */
  flush(): Promise<void>
}

export function createRulePhaseStore(deps: { repo: RulePhaseRepo; logger: Pick<Logger, 'error' | 'warn'> }): RulePhaseStore {
  const dirty = new Map<string, { deviceId: string; ruleId: string; state: string | null }>()
  let writing: Promise<void> = Promise.resolve()
  let scheduled = false
  let failures = 0

  const write = async (): Promise<void> => {
    scheduled = false
    const rows = [...dirty.values()]
    dirty.clear()
    try {
      await deps.repo.saveMany(rows)
      failures = 0
    } catch (err) {
      // The database is down: keep the newest state of each row and try again with the next change.
      for (const r of rows) if (!dirty.has(`${r.deviceId}\u0000${r.ruleId}`)) dirty.set(`${r.deviceId}\u0000${r.ruleId}`, r)
      if (failures++ === 0) deps.logger.error({ err, rows: rows.length }, 'rule timers could not be saved; they are kept in memory and retried')
    }
  }
  const schedule = (): void => {
    if (scheduled) return
    scheduled = true
    // After the current evaluation round: one write for everything the batch changed.
    writing = writing.then(() => Promise.resolve()).then(write)
  }
  const mark = (deviceId: string, ruleId: string, state: string | null): void => {
    dirty.set(`${deviceId}\u0000${ruleId}`, { deviceId, ruleId, state })
    schedule()
  }

  return {
    changed(deviceId, ruleId, state) {
      mark(deviceId, ruleId, sameRuleState(state, REST) ? null : JSON.stringify(state))
    },
    forget(deviceId, ruleIds) {
      for (const ruleId of ruleIds) mark(deviceId, ruleId, null)
    },
    async load() {
      const out: Array<{ deviceId: string; ruleId: string; state: RuleState }> = []
      for (const row of await deps.repo.all()) {
        const state = parseRuleState(row.state)
        if (state === null) deps.logger.warn({ deviceId: row.deviceId, ruleId: row.ruleId }, 'stored rule state not understood; the rule starts at rest')
        else out.push({ deviceId: row.deviceId, ruleId: row.ruleId, state })
      }
      return out
    },
    async flush() {
      if (dirty.size > 0) schedule()
      await writing
    },
  }
}
