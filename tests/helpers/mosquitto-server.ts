// A private Mosquitto for one test, configured from docs/mosquitto/vigil.conf (so the documented
// configuration is the tested one) on a free port, with its own data folder and a dynamic-security
// admin. Fails with what is missing when mosquitto is not installed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export interface MosquittoServer {
  url: string
  adminUrl: string
  output(): string
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))
  const port = (s.address() as net.AddressInfo).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

export async function startMosquitto(): Promise<MosquittoServer> {
  if (!existsSync('/usr/sbin/mosquitto')) throw new Error('mosquitto is not installed: apt-get install -y mosquitto mosquitto-clients')
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-mosquitto-'))
  const port = await freePort()
  const adminPassword = 'admin-' + Math.random().toString(36).slice(2)
  const init = spawnSync('mosquitto_ctrl', ['dynsec', 'init', path.join(dir, 'dynamic-security.json'), 'vigil-admin', adminPassword], { encoding: 'utf8' })
  if (init.status !== 0) throw new Error(`mosquitto_ctrl dynsec init failed: ${init.stderr}${init.stdout}`)
  const conf = readFileSync(path.join(root, 'docs/mosquitto/vigil.conf'), 'utf8')
    .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
    .replaceAll('/var/lib/mosquitto/', `${dir}/`)
    // Running as root in the test: stay root so the temp folder stays writable.
    + '\nuser root\n'
  writeFileSync(path.join(dir, 'mosquitto.conf'), conf)
  const child: ChildProcess = spawn('mosquitto', ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (c: Buffer) => { out += c.toString() })
  child.stderr!.on('data', (c: Buffer) => { out += c.toString() })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const end = Date.now() + 10_000
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => { s.end(); r(true) })
      s.once('error', () => r(false))
    })
    if (up) break
    if (Date.now() > end || child.exitCode !== null) throw new Error(`mosquitto did not start on port ${port}:\n${out}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    adminUrl: `mqtt://vigil-admin:${adminPassword}@127.0.0.1:${port}`,
    output: () => out,
    async stop() {
      child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
