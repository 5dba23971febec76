// Opens Kysely on SQLite (embedded default) or PostgreSQL (VIGIL_DATABASE_URL). This file is the
// only place that knows which one it is talking to, apart from the id column type in migrations.
import fs from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely'
import pg from 'pg'
import type { DependencyHealth } from '../../core/ports.js'
import type { Database } from './schema.js'

export type DialectName = 'sqlite' | 'postgres'
export type SqlTarget = { dataDir: string } | { url: string }

export interface SqlConnection {
  db: Kysely<Database>
  dialect: DialectName
  health(): DependencyHealth
  /**
   * The SQLite file's own handle, for the ingest's hot statements (prepared once, not compiled by
   * Kysely per batch). Use it only while holding Kysely's connection (`db.connection()`), so a
   * statement never lands inside a transaction another repository has open.
   */
  sqlite?: SqliteDatabase.Database
}

/** A constraint the database refused, translated to what the repositories report. */
export function constraintViolation(err: unknown): 'unique' | 'foreign-key' | null {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  if (code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') return 'unique'
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign-key'
  return null
}

/**
 * A read-modify-write in a transaction reads its row with this: SELECT … FOR UPDATE on PostgreSQL,
 * so another process changing the same row waits until this transaction ends and then reads what
 * it wrote. SQLite has no row locks and needs none here: a transaction holds Vigil's only
 * connection to the file, and a second process writing the same file is not a supported set-up.
 */
export function lockingRead<Q extends { forUpdate(): Q }>(q: Q, dialect: DialectName): Q {
  return dialect === 'postgres' ? q.forUpdate() : q
}

function openSqlite(dataDir: string): SqliteDatabase.Database {
  fs.mkdirSync(dataDir, { recursive: true })
  const sqlite = new SqliteDatabase(path.join(dataDir, 'vigil.db'))
  // WAL + synchronous=NORMAL: a committed transaction is in the WAL file before commit returns,
  // so it survives the process being killed (CONTRACT.md §2); only an OS crash or power loss can
  // lose the last commits, which is the trade SQLite documents for this mode.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('busy_timeout = 5000')
  sqlite.pragma('foreign_keys = ON')
  return sqlite
}

export function openSqlConnection(target: SqlTarget): SqlConnection {
  let lastError: string | null = null
  // Health follows the most recent statement: a refused constraint is the caller's problem,
  // anything else (disk full, connection lost) marks the database down until a query succeeds.
  const log = (e: LogEvent): void => {
    if (e.level === 'query') lastError = null
    else if (constraintViolation(e.error) === null) lastError = e.error instanceof Error ? e.error.message : String(e.error)
  }
  const health = (): DependencyHealth => (lastError === null ? { ok: true } : { ok: false, detail: lastError })

  if ('url' in target) {
    const pool = new pg.Pool({ connectionString: target.url, max: 10 })
    // An idle client losing its connection emits here; without a listener it would crash the process.
    pool.on('error', (err) => {
      lastError = err.message
    })
    // So does a client checked out at that moment (PostgreSQL stopped or restarted, issue #10): its
    // query fails to its caller, the pool drops the broken client when it is released, and the
    // process carries on, degraded, until the server is back.
    pool.on('connect', (client) => {
      client.on('error', (err) => {
        lastError = err.message
      })
    })
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log }), dialect: 'postgres', health }
  }
  const database = openSqlite(target.dataDir)
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database }), log }), dialect: 'sqlite', health, sqlite: database }
}
