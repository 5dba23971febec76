// `vigil backup` and `vigil restore` (CONTRACT.md §1 roles; issue #10 item 5): the embedded SQLite
// databases only. PostgreSQL and InfluxDB have their own tools (README "Backups").
import fs from 'node:fs'
import path from 'node:path'
import { loadConfig, type Config } from '../services/config.js'
import { backupDatabase, restoreDatabase } from '../services/adapters/sql/sqlite-backup.js'

export const BACKUP_USAGE = `usage: vigil backup [--telemetry] <file>
       vigil restore <file>

  backup     consistent snapshot of the embedded database while Vigil runs (alarms, work orders,
             devices, users, states and the server key); --telemetry snapshots the telemetry
             history (telemetry.db) instead
  restore    puts a backup in place (Vigil must be stopped); the replaced database is kept beside
             it as *.before-restore-<time>

The data folder is VIGIL_DATA_DIR (default ./data).`

export class UsageError extends Error {
  override name = 'UsageError'
}

function embeddedOnly(config: Readonly<Config>, command: string): void {
  if (config.databaseUrl !== null) {
    throw new UsageError(`VIGIL_DATABASE_URL is set: the operational data is in PostgreSQL, so "vigil ${command}" does not apply; use pg_dump or pg_basebackup (README "Backups")`)
  }
}

function storedKeyHex(config: Readonly<Config>): string | null {
  // A key given through VIGIL_SECRET_KEY is kept elsewhere by design; only the generated one travels.
  if (config.secretKey !== null) return null
  const file = path.join(config.dataDir, 'secret.key')
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : null
}

/** Runs `vigil backup|restore <args>`; returns the line to print. Throws UsageError or BackupError. */
export async function runBackupCommand(command: 'backup' | 'restore', args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  const telemetry = command === 'backup' && args.includes('--telemetry')
  const rest = args.filter((a) => !(command === 'backup' && a === '--telemetry'))
  const unknown = rest.filter((a) => a.startsWith('-'))
  if (unknown.length > 0) throw new UsageError(`unknown option ${unknown.join(' ')}\n${BACKUP_USAGE}`)
  if (rest.length !== 1) throw new UsageError(`"vigil ${command}" takes one file name\n${BACKUP_USAGE}`)
  const file = rest[0]!
  const config = loadConfig(env)
  embeddedOnly(config, command)
  if (command === 'backup') {
    const r = await backupDatabase({ dataDir: config.dataDir, file, kind: telemetry ? 'telemetry' : 'operational', secretKeyHex: storedKeyHex(config) })
    return JSON.stringify({ event: 'backup', kind: r.kind, file: r.file, bytes: r.bytes, tookMs: r.tookMs })
  }
  const r = restoreDatabase({ dataDir: config.dataDir, file })
  return JSON.stringify({ event: 'restored', kind: r.kind, backupCreatedAt: r.createdAt, dataDir: config.dataDir, previous: r.previous })
}
