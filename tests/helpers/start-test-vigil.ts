// A whole Vigil in this process on port 0 with a temp data folder: the real broker, database,
// API and socket.io. Pass a manual clock to drive rule delays and timeouts. The operational
// database is SQLite in the folder, or a fresh PostgreSQL database under VIGIL_TEST_DATABASE=postgres
// (tests/helpers/test-database.ts); restarting on the same folder finds the same database.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import type { Clock } from '../../services/core/clock.js'
import { loadConfig } from '../../services/config.js'
import { startVigil, type RunningVigil } from '../../services/main.js'
import { dropTestDatabase, testDatabaseFor } from './test-database.js'

export type JsonApi = (method: string, url: string, opts?: { token?: string | undefined; body?: unknown }) => Promise<{ status: number; json: any; text: string }>

/** fetch against a Vigil's API at `base` with JSON in and out (the body parsed when it is JSON). */
export function jsonApi(base: string): JsonApi {
  return async (method, url, { token, body } = {}) => {
    const res = await fetch(base + url, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const text = await res.text()
    let json: unknown
    try { json = text ? JSON.parse(text) : undefined } catch { json = undefined }
    return { status: res.status, json, text }
  }
}

export interface TestVigil {
  http: string
  mqttUrl: string
  adminPassword: string
  dataDir: string
  services: RunningVigil['services']
  vigil: RunningVigil
  /** POST /api/v1/auth/login; returns the token. */
  login(username?: string, password?: string): Promise<string>
  /** fetch against the API with JSON in and out. */
  api: JsonApi
  /** Stops; keeps the data folder when asked (restart tests). */
  stop(opts?: { keepData?: boolean }): Promise<void>
}

export async function startTestVigil(opts: { clock?: Clock; dataDir?: string; adminPassword?: string; env?: Record<string, string> } = {}): Promise<TestVigil> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'vigil-test-'))
  const adminPassword = opts.adminPassword ?? 'Test-admin-pass-1'
  const database = await testDatabaseFor(dataDir)
  const config = loadConfig({
    VIGIL_MQTT_PORT: '0', VIGIL_HTTP_PORT: '0', VIGIL_HOST: '127.0.0.1', VIGIL_DATA_DIR: dataDir,
    VIGIL_ADMIN_PASSWORD: adminPassword, VIGIL_LOG_LEVEL: 'silent', ...database.env, ...opts.env,
  })
  const vigil = await startVigil(config, { ...(opts.clock ? { clock: opts.clock } : {}), logger: pino({ level: process.env.VIGIL_TEST_LOG ?? 'silent' }) })
  const http = vigil.urls.http
  const api = jsonApi(http)
  return {
    http, mqttUrl: vigil.urls.mqtt, adminPassword, dataDir, services: vigil.services, vigil, api,
    async login(username = 'admin', password = adminPassword) {
      const r = await api('POST', '/api/v1/auth/login', { body: { username, password } })
      if (r.status !== 200) throw new Error(`login ${username} → ${r.status} ${r.text}`)
      return (r.json as { token: string }).token
    },
    async stop({ keepData = false } = {}) {
      await vigil.stop()
      if (keepData) return
      await dropTestDatabase(dataDir)
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
