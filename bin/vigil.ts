#!/usr/bin/env node
// The `vigil` command (CONTRACT.md §1): `vigil all [--demo]` runs the whole system in one process;
// `vigil broker`, `vigil api` and `vigil worker --sites a,b` run its parts apart (README "Deployment");
// `vigil backup|restore` (backup-commands.ts) snapshot and restore the embedded database.
import { loadConfig, ConfigError } from '../services/config.js'
import { BackupError } from '../services/adapters/sql/sqlite-backup.js'
import { runBackupCommand, UsageError } from './backup-commands.js'
import { startVigil, type RunningVigil } from '../services/main.js'
import { prepareDemoCredentials, startDemo } from './demo-mode.js'
import { startRole, ROLE_USAGE } from './roles.js'

const STOP_TIMEOUT_MS = 10_000
const USAGE = `usage: vigil all [--demo] | broker | api | worker --sites a,b
       vigil backup [--telemetry] <file> | vigil restore <file>

  all      the whole system in one process (broker, ingest, rules, API, dashboard)
  --demo   also run a simulated demo site (site "demo") and print the demo logins
${ROLE_USAGE}

Configuration comes from VIGIL_* environment variables (README.md, "Configuration").`

function fail(message: string): never {
  process.stderr.write(`vigil: ${message}\n`)
  process.exit(1)
}

async function main(): Promise<void> {
  const [command = 'all', ...rest] = process.argv.slice(2)
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n')
    return
  }
  if (command === 'broker' || command === 'api' || command === 'worker') {
    return startRole(command, rest, fail)
  }
  if (command === 'backup' || command === 'restore') {
    try {
      process.stdout.write((await runBackupCommand(command, rest, process.env)) + '\n')
      return
    } catch (err) {
      if (err instanceof UsageError || err instanceof BackupError || err instanceof ConfigError) fail(err.message)
      throw err
    }
  }
  if (command !== 'all') fail(`unknown command "${command}"\n${USAGE}`)
  const unknown = rest.filter((a) => a !== '--demo')
  if (unknown.length > 0) fail(`unknown option ${unknown.join(' ')}\n${USAGE}`)
  const demo = rest.includes('--demo')

  let config
  try {
    // The demo is for people watching the wall display: keep the log to warnings unless asked.
    config = loadConfig(process.env, demo ? { VIGIL_LOG_LEVEL: 'warn' } : {})
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message)
    throw err
  }
  const demoCredentials = demo ? prepareDemoCredentials(config) : null
  const effective = demoCredentials ? { ...config, adminPassword: demoCredentials.adminPassword } : config

  let vigil: RunningVigil
  try {
    vigil = await startVigil(effective)
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err))
  }
  process.stdout.write(JSON.stringify({ event: 'listening', mqtt: vigil.ports.mqtt, http: vigil.ports.http, ...(vigil.ports.mqtts !== null ? { mqtts: vigil.ports.mqtts } : {}) }) + '\n')
  if (vigil.generatedAdminPassword) {
    process.stdout.write(`Created user "admin" with the generated password ${vigil.generatedAdminPassword} (shown once; set VIGIL_ADMIN_PASSWORD to choose it)\n`)
  }
  const stopDemo = demoCredentials ? await startDemo(vigil, demoCredentials) : null

  let stopping = false
  const shutdown = (signal: string): void => {
    if (stopping) return
    stopping = true
    vigil.services.logger.info({ signal }, 'shutting down')
    const force = setTimeout(() => fail(`did not stop within ${STOP_TIMEOUT_MS / 1000} s; exiting`), STOP_TIMEOUT_MS)
    force.unref()
    void (async () => {
      await stopDemo?.()
      await vigil.stop()
      process.exit(0)
    })().catch((err: unknown) => fail(`error while stopping: ${String(err)}`))
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

main().catch((err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)))
