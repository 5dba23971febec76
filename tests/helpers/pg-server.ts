// A private PostgreSQL 15 cluster for one test file, so a test can stop and start it without
// touching the machine's PostgreSQL that other tests share: initdb in a temp folder owned by user
// postgres (initdb refuses root), pg_ctl on a free port, trust auth on 127.0.0.1 only.
import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import path from 'node:path'

const BIN = '/usr/lib/postgresql/15/bin'

export interface PgServer {
  url: string
  stop(): void
  start(): void
  destroy(): void
}

export async function freePort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as net.AddressInfo).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

function asPostgres(cmd: string, args: string[]): void {
  const run = userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] as const : [cmd, args] as const
  try {
    execFileSync(run[0], [...run[1]], { stdio: 'pipe', timeout: 60_000 })
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string }
    throw new Error(`${path.basename(cmd)} failed: ${e.stderr?.toString() || e.message}`, { cause: err })
  }
}

export async function startPgServer(): Promise<PgServer> {
  if (!existsSync(path.join(BIN, 'initdb'))) throw new Error(`PostgreSQL 15 is not installed (${BIN}/initdb missing): apt-get install postgresql-15`)
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-pg-'))
  if (userInfo().uid === 0) {
    const ids = execFileSync('id', ['-u', 'postgres']).toString().trim()
    const gid = execFileSync('id', ['-g', 'postgres']).toString().trim()
    chownSync(dir, Number(ids), Number(gid))
  }
  const data = path.join(dir, 'data')
  const port = await freePort()
  asPostgres(path.join(BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const start = (): void => asPostgres(path.join(BIN, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '30', 'start', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`])
  const stop = (): void => asPostgres(path.join(BIN, 'pg_ctl'), ['-D', data, '-w', '-t', '30', '-m', 'fast', 'stop'])
  start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy() {
      try { stop() } catch { /* already stopped */ }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
