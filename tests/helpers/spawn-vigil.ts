// Vigil as a separate process, started the way `npm start` does (through tsx on the sources),
// so a test can kill it like a power cut and start it again on the same data folder. With a
// VIGIL_DATA_DIR and no VIGIL_DATABASE_URL, the database follows VIGIL_TEST_DATABASE like
// start-test-vigil.ts does (the PostgreSQL one is bound to the folder; dropTestDatabase ends it).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { testDatabaseFor } from './test-database.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export interface SpawnedVigil {
  http: string
  mqttUrl: string
  /** The whole listening line (a worker's has its sites and process id, no ports). */
  listening: Record<string, unknown>
  child: ChildProcess
  output(): string
  kill(signal: NodeJS.Signals): Promise<number | null>
}

export interface SpawnOptions {
  /** The command and its options after `vigil` (default `all`): `['worker', '--sites', 'a,b']`. */
  args?: string[]
  /** Runs the built CLI (dist/bin/vigil.js, `npm run build`) instead of the sources through tsx. */
  built?: boolean
}

export async function spawnVigil(env: Record<string, string>, timeoutMs = 30_000, opts: SpawnOptions = {}): Promise<SpawnedVigil> {
  const database = env.VIGIL_DATA_DIR !== undefined && env.VIGIL_DATABASE_URL === undefined ? (await testDatabaseFor(env.VIGIL_DATA_DIR)).env : {}
  const args = opts.args ?? ['all']
  const entry = opts.built ? [path.join(root, 'dist/bin/vigil.js')] : ['--import', 'tsx', path.join(root, 'bin/vigil.ts')]
  if (opts.built && !existsSync(entry[0]!)) throw new Error(`${entry[0]} is missing: run "npm run build" first`)
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: root,
    env: { ...process.env, VIGIL_MQTT_PORT: '0', VIGIL_HTTP_PORT: '0', VIGIL_HOST: '127.0.0.1', VIGIL_LOG_LEVEL: 'warn', ...database, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let out = ''
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  const ports = await new Promise<{ mqtt?: number; http?: number } & Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Vigil printed no listening line within ${timeoutMs} ms:\n${out}`)), timeoutMs)
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      for (const line of out.split('\n')) {
        if (!line.startsWith('{"event":"listening"')) continue
        clearTimeout(timer)
        resolve(JSON.parse(line) as { mqtt?: number; http?: number })
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => { out += chunk.toString() })
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`Vigil exited with ${code} before listening:\n${out}`)) })
  })
  return {
    http: `http://127.0.0.1:${ports.http ?? 0}`,
    mqttUrl: `mqtt://127.0.0.1:${ports.mqtt ?? 0}`,
    listening: ports,
    child,
    output: () => out,
    async kill(signal) {
      try { process.kill(-child.pid!, signal) } catch { /* already gone */ }
      return exited
    },
  }
}

export interface CommandResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a one-shot `vigil <args>` (backup, restore) as a child process without blocking this one. */
export function runVigilCommand(args: readonly string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CommandResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bin/vigil.ts'), ...args], {
    cwd: root,
    env: { ...process.env, VIGIL_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString() })
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString() })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`vigil ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${stdout}${stderr}`))
    }, timeoutMs)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}
