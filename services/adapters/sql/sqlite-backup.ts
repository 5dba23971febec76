// Online backup and restore of the embedded SQLite databases (issue #10 item 5). The snapshot is
// taken with SQLite's backup API (better-sqlite3's `db.backup()`), from a separate connection while
// Vigil keeps writing: WAL mode lets the copy read a consistent state without stopping ingest. A
// backup file is a plain SQLite database plus a `vigil_backup` table that says what it holds; the
// operational one also carries the server key, without which restored device secrets and tokens
// would no longer verify.
import fs from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { runningPids } from '../running-marker.js'

export type BackupKind = 'operational' | 'telemetry'

const FILES: Record<BackupKind, string> = { operational: 'vigil.db', telemetry: 'telemetry.db' }
const META_TABLE = 'vigil_backup'
const FORMAT = '1'

export class BackupError extends Error {
  override name = 'BackupError'
}

export interface BackupResult {
  kind: BackupKind
  file: string
  bytes: number
  tookMs: number
}

export interface RestoreResult {
  kind: BackupKind
  createdAt: string
  /** Where the database that was replaced was moved to (nothing is deleted), or null if there was none. */
  previous: string | null
}

const stamp = (d: Date): string => d.toISOString().replace(/[:.]/g, '-')

function openExisting(file: string, what: string): SqliteDatabase.Database {
  if (!fs.existsSync(file)) throw new BackupError(`${what} ${file} does not exist`)
  try {
    const db = new SqliteDatabase(file, { fileMustExist: true })
    db.pragma('busy_timeout = 5000')
    return db
  } catch (err) {
    throw new BackupError(`cannot open ${what} ${file}: ${(err as Error).message}`)
  }
}

function quickCheck(db: SqliteDatabase.Database, file: string): void {
  let result: unknown
  try {
    result = db.pragma('quick_check', { simple: true })
  } catch (err) {
    throw new BackupError(`${file} is not a SQLite database: ${(err as Error).message}`)
  }
  if (result !== 'ok') throw new BackupError(`${file} is damaged: ${String(result)}`)
}

/** Snapshots `<dataDir>/vigil.db` (or telemetry.db) into `file`, which must not exist yet. */
export async function backupDatabase(opts: { dataDir: string; file: string; kind: BackupKind; secretKeyHex: string | null; now?: Date }): Promise<BackupResult> {
  const started = performance.now()
  const target = path.resolve(opts.file)
  if (fs.existsSync(target)) throw new BackupError(`${target} already exists; choose a new file name (a backup never overwrites)`)
  if (!fs.existsSync(path.dirname(target))) throw new BackupError(`folder ${path.dirname(target)} does not exist`)
  const source = openExisting(path.join(opts.dataDir, FILES[opts.kind]), `no Vigil database at`)
  const partial = `${target}.partial`
  try {
    fs.rmSync(partial, { force: true })
    await source.backup(partial)
  } catch (err) {
    fs.rmSync(partial, { force: true })
    throw new BackupError(`backup of ${opts.dataDir} failed: ${(err as Error).message}`)
  } finally {
    source.close()
  }
  const copy = new SqliteDatabase(partial)
  try {
    // One self-contained file: no -wal beside it to forget when it is copied off the machine.
    copy.pragma('journal_mode = DELETE')
    quickCheck(copy, partial)
    copy.exec(`CREATE TABLE ${META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`)
    const put = copy.prepare(`INSERT INTO ${META_TABLE} (key, value) VALUES (?, ?)`)
    put.run('format', FORMAT)
    put.run('kind', opts.kind)
    put.run('createdAt', (opts.now ?? new Date()).toISOString())
    put.run('sourceDir', opts.dataDir)
    if (opts.kind === 'operational' && opts.secretKeyHex !== null) put.run('secretKey', opts.secretKeyHex)
  } finally {
    copy.close()
  }
  fs.renameSync(partial, target)
  return { kind: opts.kind, file: target, bytes: fs.statSync(target).size, tookMs: Math.round(performance.now() - started) }
}

function readMeta(file: string): Map<string, string> {
  const db = openExisting(file, 'backup file')
  try {
    quickCheck(db, file)
    const hasMeta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(META_TABLE)
    if (!hasMeta) throw new BackupError(`${file} is a SQLite database but not a Vigil backup (make one with "vigil backup")`)
    const rows = db.prepare(`SELECT key, value FROM ${META_TABLE}`).all() as Array<{ key: string; value: string }>
    return new Map(rows.map((r) => [r.key, r.value]))
  } finally {
    db.close()
  }
}

/** Moves a database and its WAL companions aside under `.before-restore-<time>`; returns the new name. */
function moveAside(file: string, suffix: string): string | null {
  if (!fs.existsSync(file)) return null
  const aside = `${file}.before-restore-${suffix}`
  for (const ext of ['', '-wal', '-shm']) if (fs.existsSync(file + ext)) fs.renameSync(file + ext, aside + ext)
  return aside
}

/** Puts a backup in place of the data directory's database; refuses while Vigil runs on it. */
export function restoreDatabase(opts: { dataDir: string; file: string; now?: Date }): RestoreResult {
  const source = path.resolve(opts.file)
  const pids = runningPids(opts.dataDir)
  if (pids.length > 0) {
    throw new BackupError(`Vigil is running on ${opts.dataDir} (pid ${pids.join(', ')}); stop it before restoring`)
  }
  const meta = readMeta(source)
  if (meta.get('format') !== FORMAT) throw new BackupError(`${source} has backup format ${meta.get('format') ?? '?'}; this Vigil reads format ${FORMAT}`)
  const kind = meta.get('kind')
  if (kind !== 'operational' && kind !== 'telemetry') throw new BackupError(`${source} holds an unknown kind of backup "${kind ?? ''}"`)
  fs.mkdirSync(opts.dataDir, { recursive: true })
  const target = path.join(opts.dataDir, FILES[kind])
  const incoming = `${target}.restoring`
  fs.rmSync(incoming, { force: true })
  fs.copyFileSync(source, incoming)
  const db = new SqliteDatabase(incoming)
  try {
    db.exec(`DROP TABLE ${META_TABLE}`)
  } finally {
    db.close()
  }
  const suffix = stamp(opts.now ?? new Date())
  const previous = moveAside(target, suffix)
  fs.renameSync(incoming, target)
  const key = meta.get('secretKey')
  if (key !== undefined) {
    const keyFile = path.join(opts.dataDir, 'secret.key')
    const current = fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : null
    if (current !== key) {
      if (current !== null) fs.renameSync(keyFile, `${keyFile}.before-restore-${suffix}`)
      fs.writeFileSync(keyFile, key + '\n', { mode: 0o600 })
    }
  }
  return { kind, createdAt: meta.get('createdAt') ?? '', previous }
}
