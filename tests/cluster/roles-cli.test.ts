// `vigil broker | api | worker` refuse to start without the shared services they need, with one
// line naming what is missing (CONTRACT.md §1), and `vigil worker` needs its sites.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { assertBuiltCli } from '../helpers/cluster-env.js'

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/bin/vigil.js')

function run(args: string[], env: Record<string, string> = {}): { status: number | null; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VIGIL_')))
  const r = spawnSync(process.execPath, [cli, ...args], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 20_000 })
  return { status: r.status, stderr: r.stderr }
}

describe('process roles on the command line', () => {
  it('names what a role is missing, in one line, with exit code 1', () => {
    assertBuiltCli()
    for (const role of ['broker', 'api']) {
      const r = run([role])
      expect(r.status).toBe(1)
      expect(r.stderr.trim().split('\n')).toEqual([
        `vigil: "vigil ${role}" needs VIGIL_DATABASE_URL (PostgreSQL), VIGIL_REDIS_URL, VIGIL_SECRET_KEY (the same in every process); "vigil all" runs on one machine without them`,
      ])
    }
    const partly = run(['worker', '--sites', 'north'], { VIGIL_DATABASE_URL: 'postgres://127.0.0.1/x', VIGIL_SECRET_KEY: 'k' })
    expect(partly.stderr.trim()).toBe('vigil: "vigil worker" needs VIGIL_REDIS_URL; "vigil all" runs on one machine without them')
  })

  it('asks a worker for valid --sites', () => {
    assertBuiltCli()
    expect(run(['worker']).stderr.trim()).toBe('vigil: "vigil worker" needs --sites a,b (the sites it may run)')
    expect(run(['worker', '--sites', 'north,bad/site']).stderr.trim()).toBe('vigil: --sites: bad/site is not a site id (letters, digits, _ and -)')
    expect(run(['api', '--sites', 'north']).stderr.trim()).toBe('vigil: unknown option --sites north for "vigil api"')
  })

  it('refuses a bad VIGIL_BROKER_URL or VIGIL_REDIS_URL before connecting anywhere', () => {
    assertBuiltCli()
    expect(run(['worker', '--sites', 'n'], { VIGIL_BROKER_URL: 'http://x' }).stderr.trim()).toBe('vigil: VIGIL_BROKER_URL: http://x must be mqtt://host:port or mqtts://host:port')
    expect(run(['broker'], { VIGIL_REDIS_URL: 'localhost:6379' }).stderr.trim()).toBe('vigil: VIGIL_REDIS_URL must be a redis:// URL')
  })
})
