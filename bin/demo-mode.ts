// `vigil all --demo`: the whole system plus a simulated building, for a first look. The demo keeps
// its admin password in the data folder so a second `npm run demo` logs in with the same one.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Config } from '../services/config.js'
import type { RunningVigil } from '../services/main.js'
import { runDemo } from '../simulators/demo.js'

export interface DemoCredentials {
  adminPassword: string
  stateDir: string
}

export function prepareDemoCredentials(config: Readonly<Config>): DemoCredentials {
  const stateDir = path.join(config.dataDir, 'demo')
  mkdirSync(stateDir, { recursive: true })
  const file = path.join(stateDir, 'admin-password')
  if (config.adminPassword) return { adminPassword: config.adminPassword, stateDir }
  if (existsSync(file)) return { adminPassword: readFileSync(file, 'utf8').trim(), stateDir }
  const adminPassword = `demo-${randomBytes(6).toString('hex')}`
  writeFileSync(file, adminPassword + '\n', { mode: 0o600 })
  return { adminPassword, stateDir }
}

export async function startDemo(vigil: RunningVigil, creds: DemoCredentials): Promise<() => Promise<void>> {
  const say = (line: string): void => void process.stdout.write(line + '\n')
  const demo = await runDemo({
    mqttUrl: vigil.urls.mqtt,
    apiUrl: vigil.urls.http,
    adminUser: 'admin',
    adminPassword: creds.adminPassword,
    stateDir: creds.stateDir,
    log: say,
  })
  say('')
  say(`Vigil demo is running. Open the wall display: ${vigil.urls.http}/`)
  say(`  admin / ${creds.adminPassword}   (the demo users above log in too)`)
  say(`  API docs: ${vigil.urls.http}/docs   MQTT: ${vigil.urls.mqtt}`)
  say('Press Ctrl+C to stop.')
  return () => demo.stop()
}
