// The operational database (ARCHITECTURE.md "Embedded by default"): SQLite in the data directory,
// or PostgreSQL for a postgres:// URL, through the same Kysely queries. Migrations run at open.
import type { Clock } from '../../core/clock.js'
import { AppError } from '../../core/errors.js'
import type { Repos } from '../../core/ports.js'
import { createAlarmRepo } from './alarms.repo.js'
import { createAuditRepo } from './audit.repo.js'
import { createAccessEventRepo, createRefreshTokenRepo } from './security.repo.js'
import { createDeviceStateRepo } from './device-states.repo.js'
import { createDeviceRepo } from './devices.repo.js'
import { createFloodPeriodRepo } from './flood-periods.repo.js'
import { createFloorPlanRepo } from './floor-plans.repo.js'
import { openSqlConnection, type SqlTarget } from './dialect.js'
import type { Logger } from 'pino'
import { migrateToLatest } from './migrations.js'
import { createRejectionRepo } from './rejections.repo.js'
import { createRuleOverrideRepo } from './rule-overrides.repo.js'
import { createRulePhaseRepo } from './rule-phases.repo.js'
import { startWalCheckpointer } from './wal-checkpointer.js'
import { createSiteRepo } from './sites.repo.js'
import { createUserRepo } from './users.repo.js'
import { createNotificationRepo } from './notifications.repo.js'
import { createShiftRepo } from './shifts.repo.js'
import { createWorkOrderRepo } from './work-orders.repo.js'
import { createEmergencyRepo } from './emergencies.repo.js'
import { createHandoverRepo, createPmPlanRepo, createReturnVisitRepo, createWebhookDeliveryRepo } from './duty-extras.repo.js'

export type SqlReposOptions = SqlTarget & {
  /** Stamps createdAt/updatedAt; Vigil's clock so a scaled demo clock shows consistent times. */
  clock?: Pick<Clock, 'now'>
  /** Where the SQLite checkpoint thread reports a failure (wal-checkpointer.ts). */
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>
}

export async function openSqlRepos(opts: SqlReposOptions): Promise<Repos> {
  const { db, dialect, health, sqlite } = openSqlConnection(opts)
  try {
    await migrateToLatest(db, dialect)
  } catch (err) {
    await db.destroy().catch(() => undefined)
    if (err instanceof AppError) throw err
    throw new AppError('DEPENDENCY_DOWN', `cannot open the ${dialect} database: ${err instanceof Error ? err.message : String(err)}`)
  }
  const clock = opts.clock ?? { now: Date.now }
  const now = (): string => new Date(clock.now()).toISOString()
  // SQLite: the WAL's checkpoints (and their fsyncs) on a thread of their own, not in a commit of
  // the broker's thread (wal-checkpointer.ts). Should that thread fail, SQLite checkpoints as before.
  const checkpointer = sqlite === undefined ? null : startWalCheckpointer(sqlite, opts.logger ? { logger: opts.logger } : {})
  let closed = false
  return {
    users: createUserRepo(db, now),
    sites: createSiteRepo(db, now),
    devices: createDeviceRepo(db, now),
    deviceStates: createDeviceStateRepo(db, sqlite),
    alarms: createAlarmRepo(db, dialect),
    floods: createFloodPeriodRepo(db),
    ruleOverrides: createRuleOverrideRepo(db),
    rulePhases: createRulePhaseRepo(db, now, sqlite),
    rejections: createRejectionRepo(db),
    audit: createAuditRepo(db),
    workOrders: createWorkOrderRepo(db, dialect),
    shifts: createShiftRepo(db),
    notifications: createNotificationRepo(db),
    emergencies: createEmergencyRepo(db, dialect),
    handovers: createHandoverRepo(db),
    returnVisits: createReturnVisitRepo(db),
    pmPlans: createPmPlanRepo(db),
    webhookDeliveries: createWebhookDeliveryRepo(db),
    accessEvents: createAccessEventRepo(db),
    refreshTokens: createRefreshTokenRepo(db),
    floorPlans: createFloorPlanRepo(db),
    health: () => (closed ? { ok: false, detail: 'closed' } : health()),
    async close() {
      if (closed) return
      closed = true
      await checkpointer?.stop()
      await db.destroy()
    },
  }
}
