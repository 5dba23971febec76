// A private redis-server for one test file, so a test can kill it and start it again without
// touching the machine's Redis on 6379 (which other tests share and which keeps nothing on disk).
// Append-only persistence in a temp folder, fsync every write: what Vigil's README asks of a
// production Redis, so a restart keeps what was written before the kill.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Redis } from 'ioredis'
import { freePort } from './pg-server.js'

export interface RedisServer {
  url: string
  /** Kills the process (SIGKILL: a crash, not a clean shutdown). */
  kill(): Promise<void>
  /** Starts it again on the same port and folder; resolves once it answers PING. */
  start(): Promise<void>
  destroy(): Promise<void>
}

export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-redis-'))
  const port = await freePort()
  const url = `redis://127.0.0.1:${port}`
  let child: ChildProcess | null = null
  let output = ''

  const start = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--daemonize', 'no']
    const c = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child = c
    c.stdout!.on('data', (d: Buffer) => { output += d.toString() })
    c.stderr!.on('data', (d: Buffer) => { output += d.toString() })
    const failed = new Promise<never>((_, reject) => {
      c.once('error', (err) => reject(new Error(`redis-server cannot start (apt-get install redis-server): ${err.message}`)))
      c.once('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output.slice(-2000)}`)))
    })
    failed.catch(() => undefined)
    const deadline = Date.now() + 10_000
    for (;;) {
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
      probe.on('error', () => undefined)
      try {
        await Promise.race([probe.connect().then(() => probe.ping()), failed])
        return
      } catch (err) {
        if (Date.now() > deadline || c.exitCode !== null) throw err
      } finally {
        probe.disconnect()
      }
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  const kill = async (): Promise<void> => {
    const c = child
    if (c === null || c.exitCode !== null) return
    const exited = new Promise<void>((r) => c.once('exit', () => r()))
    c.kill('SIGKILL')
    await exited
    child = null
  }

  await start()
  return {
    url, start, kill,
    async destroy() {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
