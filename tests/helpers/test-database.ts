// Which operational database the tests run Vigil on: SQLite in the data folder (the default), or
// a fresh PostgreSQL database per Vigil data folder when VIGIL_TEST_DATABASE=postgres (the
// `postgres` vitest project sets it). The PostgreSQL database's name is written into the data
// folder, so a restart test that reopens the same folder finds the same database again.
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import type { SqlTarget } from '../../services/adapters/sql/dialect.js'

export type TestDatabaseKind = 'sqlite' | 'postgres'

/** The server the per-test databases are created on (CREATE DATABASE rights needed). */
export const PG_ADMIN_URL = process.env.VIGIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
/** Every database the tests create starts with this, so a leftover one is easy to recognise. */
export const TEST_DATABASE_PREFIX = 'vigil_t_'
/** Set by tests/helpers/pg-global-setup.ts: this run's databases, dropped together at its end. */
const runPrefix = (): string => `${TEST_DATABASE_PREFIX}${process.env.VIGIL_TEST_PG_RUN ?? 'norun'}_`
const MARKER = 'test-database-name'

export function testDatabaseKind(): TestDatabaseKind {
  const v = process.env.VIGIL_TEST_DATABASE ?? 'sqlite'
  if (v !== 'sqlite' && v !== 'postgres') throw new Error(`VIGIL_TEST_DATABASE must be sqlite or postgres, not ${JSON.stringify(v)}`)
  return v
}

export async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL })
  try {
    await client.connect()
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL} (${String(err)}): the postgres run of the tests fails rather than skips; start it or set VIGIL_TEST_PG_URL`, { cause: err })
  }
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

const urlOf = (name: string): string => {
  const url = new URL(PG_ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
}

/** A fresh, empty PostgreSQL database on the test server, and how to drop it. */
export async function createPgDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${runPrefix()}${randomBytes(6).toString('hex')}`
  await pgAdmin((c) => c.query(`CREATE DATABASE ${name}`))
  return { name, url: urlOf(name), drop: () => dropPgDatabase(name) }
}

export async function dropPgDatabase(name: string): Promise<void> {
  if (!name.startsWith(TEST_DATABASE_PREFIX) || !/^[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a test database`)
  // FORCE: a Vigil that was killed may still hold connections until the server notices.
  await pgAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
}

/**
 * The database of the Vigil whose data folder is `dataDir`: the folder itself on SQLite, or the
 * PostgreSQL database bound to it (created on first use).
 */
export async function testDatabaseFor(dataDir: string): Promise<{ kind: TestDatabaseKind; target: SqlTarget; env: Record<string, string> }> {
  if (testDatabaseKind() === 'sqlite') return { kind: 'sqlite', target: { dataDir }, env: {} }
  const marker = path.join(dataDir, MARKER)
  let name: string
  if (existsSync(marker)) name = readFileSync(marker, 'utf8').trim()
  else {
    name = (await createPgDatabase()).name
    writeFileSync(marker, name)
  }
  const url = urlOf(name)
  return { kind: 'postgres', target: { url }, env: { VIGIL_DATABASE_URL: url } }
}

/** Drops the PostgreSQL database bound to `dataDir`, if any (nothing to do on SQLite: the folder is the database). */
export async function dropTestDatabase(dataDir: string): Promise<void> {
  const marker = path.join(dataDir, MARKER)
  if (!existsSync(marker)) return
  await dropPgDatabase(readFileSync(marker, 'utf8').trim())
  rmSync(marker, { force: true })
}

/** Drops whatever this run's tests left behind (a test that failed before its clean-up). */
export async function dropRunDatabases(run: string): Promise<string[]> {
  const prefix = `${TEST_DATABASE_PREFIX}${run}_`
  const rows = await pgAdmin((c) => c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]))
  for (const r of rows.rows) await dropPgDatabase(r.datname)
  return rows.rows.map((r) => r.datname)
}
