// One Vigil under test: its own process on ports 0 and a temporary data folder, an admin session,
// and the bench's devices registered through the API (their secrets come back once).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { DeviceSpec } from '../../simulators/fleet-plan.js'
import type { LoadDevice } from './load-protocol.js'
import { poolKey } from './payloads.js'
import { spawnVigil, type ServerProcess } from './server-process.js'
import { loginVigil, type VigilApi } from './vigil-api.js'

export const ADMIN_PASSWORD = 'bench-admin-password'

export interface VigilSession {
  readonly dataDir: string
  vigil: ServerProcess
  api: VigilApi
  /** Registers specs into a site (created if needed) and returns them as load-generator devices. */
  register(siteId: string, specs: readonly DeviceSpec[]): Promise<LoadDevice[]>
  /** Stops the process and starts it again on the same data folder (a fresh process, same devices). */
  restart(opts?: { cpuProfDir?: string }): Promise<void>
  close(): Promise<void>
}

export async function startVigilSession(o: { cpuProfDir?: string; dataDir?: string } = {}): Promise<VigilSession> {
  const dataDir = o.dataDir ?? mkdtempSync(path.join(tmpdir(), 'vigil-bench-'))
  const start = async (cpuProfDir?: string): Promise<{ vigil: ServerProcess; api: VigilApi }> => {
    const vigil = await spawnVigil({ dataDir, adminPassword: ADMIN_PASSWORD, ...(cpuProfDir ? { cpuProfDir } : {}) })
    return { vigil, api: await loginVigil(vigil.http, 'admin', ADMIN_PASSWORD) }
  }
  const first = await start(o.cpuProfDir)
  const session: VigilSession = {
    dataDir,
    vigil: first.vigil,
    api: first.api,
    async register(siteId, specs) {
      await session.api.ensureSite(siteId)
      const secrets = await session.api.registerAll(siteId, specs)
      return specs.map((s) => ({ id: s.id, siteId, type: s.type, secret: secrets.get(s.id)!, pool: poolKey(s) }))
    },
    async restart(opts = {}) {
      await session.vigil.stop()
      const next = await start(opts.cpuProfDir)
      session.vigil = next.vigil
      session.api = next.api
    },
    async close() {
      await session.vigil.stop()
      if (o.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return session
}
