// A private InfluxDB 1.x (Debian's `influxdb` package, 1.6.7) for one test file: its own free
// ports, its own temp meta/data/wal folders and a generated config file. It can be stopped and
// started again on the same port and data (the outage tests). When influxd is missing or does not
// come up, the test fails with the reason: it never skips (CONTRACT.md §1 `npm test`).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

export interface InfluxServer {
  url: string
  port: number
  dir: string
  isRunning(): boolean
  /** Starts influxd again on the same port and data after `stop`. */
  start(): Promise<void>
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>
  /** Stops and removes the data folder. */
  destroy(): Promise<void>
  /** Runs InfluxQL through /query (epoch=ms) and returns the parsed body; throws on an error. */
  query(q: string, db?: string): Promise<InfluxQueryResult>
}

export interface InfluxSeries {
  name: string
  tags?: Record<string, string>
  columns: string[]
  values: unknown[][]
}
export interface InfluxQueryResult {
  results: Array<{ statement_id: number; series?: InfluxSeries[]; error?: string }>
}

const START_TIMEOUT_MS = 20_000

function findInfluxd(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/usr/sbin'])) {
    if (dir && existsSync(path.join(dir, 'influxd'))) return path.join(dir, 'influxd')
  }
  throw new Error('influxd is not installed: `npm test` installs it (tests/prepare-test-env.mjs runs `apt-get install -y influxdb`); run `node tests/prepare-test-env.mjs` as root')
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
  })
}

function configText(dir: string, httpPort: number, rpcPort: number): string {
  const q = (p: string): string => JSON.stringify(path.join(dir, p))
  // Only what differs from the defaults: private folders and ports, no phoning home, no _internal
  // database, quiet logs, and continuous queries checked every second so tests need not wait.
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = ${q('meta')}
[data]
  dir = ${q('data')}
  wal-dir = ${q('wal')}
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
[logging]
  level = "warn"
  suppress-logo = true
[continuous_queries]
  log-enabled = false
  run-interval = "1s"
`
}

export async function startInfluxServer(): Promise<InfluxServer> {
  const influxd = findInfluxd()
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-influxd-'))
  for (const sub of ['meta', 'data', 'wal']) mkdirSync(path.join(dir, sub))
  const port = await freePort()
  const rpcPort = await freePort()
  const configPath = path.join(dir, 'influxdb.conf')
  writeFileSync(configPath, configText(dir, port, rpcPort))
  const url = `http://127.0.0.1:${port}`
  let child: ChildProcess | null = null
  let output = ''

  // A test that crashes must not leave influxd behind.
  const killOnExit = (): void => { child?.kill('SIGKILL') }
  process.once('exit', killOnExit)

  async function start(): Promise<void> {
    if (child) return
    output = ''
    const proc = spawn(influxd, ['run', '-config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] })
    child = proc
    proc.stdout!.on('data', (c: Buffer) => { output = (output + c.toString()).slice(-4000) })
    proc.stderr!.on('data', (c: Buffer) => { output = (output + c.toString()).slice(-4000) })
    let exited: string | null = null
    proc.once('exit', (code, signal) => {
      exited = `influxd exited (code ${code}, signal ${signal})`
      if (child === proc) child = null
    })
    const end = Date.now() + START_TIMEOUT_MS
    for (;;) {
      if (exited) throw new Error(`${exited} before answering /ping on ${url}:\n${output}`)
      try {
        const res = await fetch(`${url}/ping`)
        if (res.status === 204) return
      } catch { /* not listening yet */ }
      if (Date.now() > end) {
        proc.kill('SIGKILL')
        throw new Error(`influxd did not answer /ping on ${url} within ${START_TIMEOUT_MS} ms:\n${output}`)
      }
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  async function stop(): Promise<void> {
    const proc = child
    if (!proc) return
    const gone = new Promise<void>((r) => proc.once('exit', () => r()))
    proc.kill('SIGTERM')
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000)
    await gone
    clearTimeout(timer)
    child = null
  }

  async function query(q: string, db?: string): Promise<InfluxQueryResult> {
    const params = new URLSearchParams({ q, epoch: 'ms' })
    if (db) params.set('db', db)
    // A bound: an influxd 1.x that hangs on a statement must fail the caller with its text, not stall it.
    const res = await fetch(`${url}/query`, { method: 'POST', body: params, signal: AbortSignal.timeout(120_000) }).catch((err: unknown) => {
      throw new Error(`InfluxQL ${q} → no answer: ${err instanceof Error ? err.message : String(err)}`)
    })
    const body = (await res.json()) as InfluxQueryResult & { error?: string }
    const err = body.error ?? body.results?.find((r) => r.error)?.error
    if (!res.ok || err) throw new Error(`InfluxQL ${q} → ${res.status} ${err ?? ''}`)
    return body
  }

  await start()
  return {
    url, port, dir,
    isRunning: () => child !== null,
    start, stop, query,
    async destroy() {
      await stop()
      process.off('exit', killOnExit)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Runs influxd's version check, for a clear failure message early in a suite. */
export function influxdVersion(): string {
  const r = spawnSync(findInfluxd(), ['version'], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`influxd version failed: ${r.stderr || r.error?.message}`)
  return r.stdout.trim()
}
