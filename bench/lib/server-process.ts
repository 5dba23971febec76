// A server under test as its own process: Vigil as `npm start` runs it (node dist/bin/vigil.js all),
// or the bare aedes baseline. Both print `{"event":"listening","mqtt":…,"http":…}` once their
// ports are open (CONTRACT.md §1, ports 0). The bench reads their resident memory from /proc.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export interface ServerProcess {
  readonly pid: number
  readonly mqttPort: number
  readonly httpPort: number
  readonly http: string
  readonly child: ChildProcess
  /** Milliseconds from spawn to the listening line. */
  readonly startMs: number
  output(): string
  rssBytes(): number
  /** SIGTERM (Vigil stops cleanly, and a --cpu-prof profile is written), SIGKILL after the timeout. */
  stop(timeoutMs?: number): Promise<void>
}

export async function spawnServer(opts: { args: string[]; env?: Record<string, string>; name: string; timeoutMs?: number }): Promise<ServerProcess> {
  const started = performance.now()
  const child = spawn(process.execPath, opts.args, {
    cwd: ROOT,
    // The bench's own VIGIL_* settings only: a VIGIL_DATABASE_URL in the caller's shell must not
    // point the measured system at another database.
    env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VIGIL_'))), ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const ports = await new Promise<{ mqtt: number; http: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${opts.name} printed no listening line within ${opts.timeoutMs ?? 60_000} ms:\n${out.slice(-2000)}`)), opts.timeoutMs ?? 60_000)
    let seen = false
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (seen) return
      const line = out.split('\n').find((l) => l.startsWith('{"event":"listening"'))
      if (line === undefined) return
      seen = true
      clearTimeout(timer)
      resolve(JSON.parse(line) as { mqtt: number; http: number })
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      // Keep the tail only: a loaded Vigil may log a lot at warn level.
      out = (out + chunk.toString()).slice(-200_000)
    })
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`${opts.name} exited with ${child.exitCode ?? child.signalCode} before listening:\n${out.slice(-2000)}`))
    })
  })
  const startMs = performance.now() - started
  return {
    pid: child.pid!,
    mqttPort: ports.mqtt,
    httpPort: ports.http,
    http: `http://127.0.0.1:${ports.http}`,
    child,
    startMs,
    output: () => out,
    rssBytes() {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
      return m ? Number(m[1]) * 1024 : Number.NaN
    },
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
      await exited
      clearTimeout(timer)
    },
  }
}

export const VIGIL_ENTRY = path.join(ROOT, 'dist/bin/vigil.js')

/** Vigil with everything switched on, on ports 0 and a data folder of the bench's own. */
export function spawnVigil(opts: { dataDir: string; adminPassword: string; cpuProfDir?: string; extraArgs?: string[]; env?: Record<string, string> }): Promise<ServerProcess> {
  const prof = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : []
  return spawnServer({
    name: 'Vigil',
    args: [...prof, VIGIL_ENTRY, 'all', ...(opts.extraArgs ?? [])],
    env: {
      VIGIL_MQTT_PORT: '0',
      VIGIL_HTTP_PORT: '0',
      VIGIL_HOST: '127.0.0.1',
      VIGIL_DATA_DIR: opts.dataDir,
      VIGIL_ADMIN_PASSWORD: opts.adminPassword,
      VIGIL_LOG_LEVEL: 'warn',
      ...opts.env,
    },
  })
}

export const spawnBareAedes = (): Promise<ServerProcess> =>
  spawnServer({ name: 'bare aedes', args: ['--import', 'tsx', path.join(ROOT, 'bench/lib/bare-aedes.ts')] })
