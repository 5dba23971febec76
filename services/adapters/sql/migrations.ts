// Schema migrations, in code so nothing is read from disk at run time; run at open by Kysely's
// Migrator (which also locks against a second process migrating the same PostgreSQL database).
// Append new migrations; never edit one that has shipped.
import { Migrator, sql, type Kysely, type Migration, type CreateTableBuilder } from 'kysely'
import { AppError } from '../../core/errors.js'
import type { DialectName } from './dialect.js'

// The one type difference between the dialects: an append-only table's increasing id.
function withId<T extends string>(t: CreateTableBuilder<T, never>, dialect: DialectName): CreateTableBuilder<T, 'id'> {
  return dialect === 'sqlite'
    ? t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    : t.addColumn('id', 'bigserial', (c) => c.primaryKey())
}

function initial(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('username', 'text', (c) => c.primaryKey())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('skills', 'text', (c) => c.notNull())
        .addColumn('site_ids', 'text', (c) => c.notNull())
        .addColumn('permissions', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('sites')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        // A site with devices cannot disappear under them (SITE_HAS_DEVICES).
        .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('location', 'text', (c) => c.notNull())
        .addColumn('attributes', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('previous_secret_hash', 'text')
        .addColumn('previous_valid_until', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('devices_site_idx').on('devices').columns(['site_id', 'id']).execute()
      // No foreign key: the ingest group commit must not fail because a device was deleted meanwhile.
      await db.schema
        .createTable('device_states')
        .addColumn('device_id', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('online', 'integer', (c) => c.notNull())
        .addColumn('last_seen', 'text')
        .addColumn('last_seq', 'bigint')
        .execute()
      // Alarms outlive their device: history is kept ≥3 years (DOMAIN.md §7.2), so no foreign key.
      await db.schema
        .createTable('alarms')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('device_type', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('acked', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('shelved_until', 'text')
        .addColumn('chattering', 'integer', (c) => c.notNull())
        .addColumn('emergency_id', 'text')
        .addColumn('raised_at', 'text', (c) => c.notNull())
        .addColumn('acked_at', 'text')
        .addColumn('acked_by', 'text')
        .addColumn('cleared_at', 'text')
        .addColumn('occurrences', 'integer', (c) => c.notNull())
        .addColumn('work_order_ids', 'text', (c) => c.notNull())
        .addColumn('drill', 'integer', (c) => c.notNull())
        .execute()
      // ARCHITECTURE.md "Durability": one open alarm per (device, rule), enforced by the database
      // so concurrent messages can never raise a duplicate.
      await db.schema
        .createIndex('alarms_open_device_rule_uq')
        .on('alarms')
        .columns(['device_id', 'rule_id'])
        .unique()
        .where(sql.ref('state'), '<>', 'normal')
        .execute()
      await db.schema.createIndex('alarms_list_idx').on('alarms').columns(['priority', 'raised_at', 'id']).execute()
      await withId(db.schema.createTable('alarm_history'), dialect)
        .addColumn('alarm_id', 'text', (c) => c.notNull().references('alarms.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .execute()
      await db.schema.createIndex('alarm_history_alarm_idx').on('alarm_history').columns(['alarm_id', 'id']).execute()
      await db.schema
        .createTable('rule_overrides')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('scope_id', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer')
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('rule_overrides_pk', ['scope', 'scope_id', 'rule_id'])
        .execute()
      await withId(db.schema.createTable('rejections'), dialect)
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text')
        .addColumn('site_id', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('rejections_device_idx').on('rejections').columns(['device_id', 'id']).execute()
      await withId(db.schema.createTable('audit'), dialect)
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('address', 'text')
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .execute()
      await db.schema.createIndex('audit_at_idx').on('audit').columns(['at']).execute()
    },
  }
}

// Issue #3 alarm management: out-of-service work orders, flood periods, history by time (KPIs).
function alarmManagement(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('alarms').addColumn('oos_work_order_id', 'text').execute()
      await db.schema.createIndex('alarms_oos_work_order_idx').on('alarms').column('oos_work_order_id').execute()
      await db.schema.createIndex('alarm_history_at_idx').on('alarm_history').columns(['at']).execute()
      await withId(db.schema.createTable('flood_periods'), dialect)
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('peak_count', 'integer', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('flood_periods_site_idx').on('flood_periods').columns(['site_id', 'started_at']).execute()
    },
  }
}

// Issue #4 work orders: the work order with its append-only history and photo attachments, shifts
// (who is on duty for dispatch) and notifications with their acknowledgements.
function workOrders(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      let t = db.schema.createTable('work_orders').addColumn('id', 'text', (c) => c.primaryKey())
      for (const col of ['site_id', 'title', 'skill', 'source', 'status', 'created_at', 'created_by', 'updated_at', 'rejected_by', 'breaches']) {
        t = t.addColumn(col, 'text', (c) => c.notNull())
      }
      for (const col of [
        'device_id', 'alarm_id', 'rule_id', 'description', 'assignee', 'due_intake_by', 'due_accept_by', 'due_arrive_by', 'due_specialist_arrive_by',
        'due_resolve_by', 'appointment_at', 'assigned_at', 'accepted_at', 'arrived_at', 'started_at', 'completed_at', 'verified_at', 'closed_at',
        'cancelled_at', 'result', 'open_key',
      ]) t = t.addColumn(col, 'text')
      await t
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('escalation_level', 'integer', (c) => c.notNull())
        .addColumn('drill', 'integer', (c) => c.notNull())
        .execute()
      // ARCHITECTURE.md "Durability": one open work order per (device, rule, skill), enforced by the
      // database (NULL keys, i.e. closed or manual work orders, never collide in either dialect).
      await db.schema.createIndex('work_orders_open_key_uq').on('work_orders').column('open_key').unique().execute()
      await db.schema.createIndex('work_orders_site_created_idx').on('work_orders').columns(['site_id', 'created_at']).execute()
      await db.schema.createIndex('work_orders_created_idx').on('work_orders').columns(['created_at', 'id']).execute()
      await db.schema.createIndex('work_orders_assignee_idx').on('work_orders').columns(['assignee', 'status']).execute()
      await db.schema.createIndex('work_orders_status_idx').on('work_orders').column('status').execute()
      await db.schema.createIndex('work_orders_alarm_idx').on('work_orders').column('alarm_id').execute()
      await withId(db.schema.createTable('work_order_history'), dialect)
        .addColumn('work_order_id', 'text', (c) => c.notNull().references('work_orders.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .execute()
      await db.schema.createIndex('work_order_history_wo_idx').on('work_order_history').columns(['work_order_id', 'id']).execute()
      await db.schema
        .createTable('work_order_attachments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('work_order_id', 'text', (c) => c.notNull().references('work_orders.id'))
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('work_order_attachments_wo_idx').on('work_order_attachments').columns(['work_order_id', 'uploaded_at']).execute()
      await db.schema
        .createTable('shifts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .addColumn('open_username', 'text')
        .execute()
      await db.schema.createIndex('shifts_open_uq').on('shifts').column('open_username').unique().execute()
      await db.schema.createIndex('shifts_user_idx').on('shifts').columns(['username', 'started_at']).execute()
      await db.schema
        .createTable('notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('work_order_id', 'text')
        .addColumn('site_id', 'text')
        .addColumn('priority', 'integer')
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('sent_count', 'integer', (c) => c.notNull())
        .addColumn('acked_at', 'text')
        .addColumn('acked_by', 'text')
        .execute()
      await db.schema.createIndex('notifications_recipient_idx').on('notifications').columns(['recipient', 'created_at']).execute()
      await db.schema.createIndex('notifications_unacked_idx').on('notifications').columns(['acked_at']).execute()
      await db.schema.createIndex('notifications_work_order_idx').on('notifications').columns(['work_order_id']).execute()
    },
  }
}

// Issue #4 part 2: emergencies (with their append-only history), handovers, return visits,
// preventive-maintenance plans and the webhook delivery log. The objects are stored whole as JSON
// next to the columns the queries filter on; history rows are only ever inserted.
function emergenciesAndDuty(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('emergencies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('drill', 'integer', (c) => c.notNull())
        .addColumn('opened_at', 'text', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('emergencies_site_opened_idx').on('emergencies').columns(['site_id', 'opened_at']).execute()
      await db.schema.createIndex('emergencies_stage_idx').on('emergencies').column('stage').execute()
      await withId(db.schema.createTable('emergency_history'), dialect)
        .addColumn('emergency_id', 'text', (c) => c.notNull().references('emergencies.id'))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .execute()
      await db.schema.createIndex('emergency_history_em_idx').on('emergency_history').columns(['emergency_id', 'id']).execute()
      await db.schema
        .createTable('handovers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('handovers_created_idx').on('handovers').columns(['created_at', 'id']).execute()
      await db.schema
        .createTable('return_visits')
        .addColumn('work_order_id', 'text', (c) => c.primaryKey())
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('done_at', 'text')
        .addColumn('doc', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('return_visits_pending_idx').on('return_visits').columns(['done_at', 'due_at']).execute()
      await db.schema
        .createTable('pm_plans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('next_due_at', 'text', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('pm_plans_device_idx').on('pm_plans').column('device_id').execute()
      await withId(db.schema.createTable('webhook_deliveries'), dialect)
        .addColumn('notification_id', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('ok', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute()
      await db.schema.createIndex('webhook_deliveries_n_idx').on('webhook_deliveries').columns(['notification_id', 'id']).execute()
    },
  }
}

// Issue #7: access events (DOMAIN.md §7.3, 180-day retention) and hashed refresh tokens.
function security(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await withId(db.schema.createTable('access_events'), dialect)
        .addColumn('site_id', 'text', (c) => c.notNull())
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('credential_type', 'text')
        .addColumn('credential_token', 'text')
        .addColumn('subject_ref', 'text')
        .addColumn('reason', 'text')
        .execute()
      await db.schema.createIndex('access_events_at_idx').on('access_events').columns(['at']).execute()
      await db.schema.createIndex('access_events_site_idx').on('access_events').columns(['site_id', 'id']).execute()
      await db.schema
        .createTable('refresh_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('family_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute()
      await db.schema.createIndex('refresh_tokens_family_idx').on('refresh_tokens').columns(['family_id']).execute()
    },
  }
}

// Issue #6 item 8: floor plans. One row per floor; the positions are read and written whole.
function floorPlans(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('floor_plans')
        .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
        .addColumn('building', 'text', (c) => c.notNull())
        .addColumn('floor', 'integer', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('width', 'integer', (c) => c.notNull())
        .addColumn('height', 'integer', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('positions', 'text', (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addColumn('uploaded_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('floor_plans_pk', ['site_id', 'building', 'floor'])
        .execute()
    },
  }
}

// Issue #10: the rule engine's pending on/off-delays and count windows, so a restart resumes them.
function rulePhases(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('rule_phases')
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('rule_phases_pk', ['device_id', 'rule_id'])
        .execute()
    },
  }
}

// Migrations see the schema as it was when they were written, not today's Database type.
export async function migrateToLatest<DB>(db: Kysely<DB>, dialect: DialectName): Promise<void> {
  const migrator = new Migrator({
    db: db as unknown as Kysely<unknown>,
    provider: { getMigrations: () => Promise.resolve({ '0001_initial': initial(dialect), '0002_alarm_management': alarmManagement(dialect), '0003_work_orders': workOrders(dialect), '0004_emergencies_duty': emergenciesAndDuty(dialect), '0009_security': security(dialect), '0010_floor_plans': floorPlans(), '0011_rule_phases': rulePhases() }) },
  })
  const { error } = await migrator.migrateToLatest()
  if (error !== undefined) {
    const message = error instanceof Error ? error.message : String(error)
    throw new AppError('DEPENDENCY_DOWN', `database migration failed: ${message}`)
  }
}
