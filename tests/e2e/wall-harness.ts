// Shared by the wall-display browser tests: a built dashboard, a whole Vigil on port 0, devices
// registered through the API with display names and connected over MQTT as real ones would, and
// Debian's Chromium through playwright-core (STACK.md "Chromium and Playwright").
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import mqtt from 'mqtt'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import type { TestDevice } from '../helpers/devices.js'
import type { TestVigil } from '../helpers/start-test-vigil.js'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const CHROMIUM = '/usr/bin/chromium'
export const RESULTS = path.join(ROOT, 'test-results')

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue
    const p = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

/** Builds dashboard/dist when it is missing or older than its sources. */
export function ensureDashboardBuilt(): void {
  const index = path.join(ROOT, 'dashboard/dist/index.html')
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(path.join(ROOT, 'dashboard'))) return
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'pipe' })
}

export interface FleetDevice {
  id: string
  type: string
  name: string
  building: string
  floor: number
  zone?: string
  attributes?: Record<string, unknown>
}

/** Registers through the API with a display name and connects over MQTT as that device. */
export async function addDevice(v: TestVigil, token: string, siteId: string, d: FleetDevice): Promise<TestDevice> {
  const location = { building: d.building, floor: d.floor, ...(d.zone ? { zone: d.zone } : {}) }
  const r = await v.api('POST', '/api/v1/devices', { token, body: { id: d.id, siteId, type: d.type, name: d.name, location, ...(d.attributes ? { attributes: d.attributes } : {}) } })
  if (r.status !== 201) throw new Error(`register ${d.id} → ${r.status} ${r.text}`)
  const secret = (r.json as { secret: string }).secret
  const client = await mqtt.connectAsync(v.mqttUrl, { username: d.id, password: secret, reconnectPeriod: 0 })
  const base = `bldg/${siteId}/${d.type}/${d.id}`
  return {
    id: d.id, siteId, type: d.type, secret, client,
    topic: (suffix) => `${base}/${suffix}`,
    send: async (suffix, payload) => void (await client.publishAsync(`${base}/${suffix}`, JSON.stringify(payload), { qos: 1 })),
  }
}

export async function setSiteRule(v: TestVigil, token: string, siteId: string, ruleId: string, params: Record<string, number>): Promise<void> {
  const r = await v.api('PATCH', `/api/v1/sites/${siteId}/rules/${ruleId}`, { token, body: { params } })
  if (r.status !== 200) throw new Error(`rule ${ruleId} → ${r.status} ${r.text}`)
}

/** Signs the engineer in over the API and starts their shift, so dispatch can assign them work. */
export async function startShift(v: TestVigil, username: string, password: string): Promise<void> {
  const token = await v.login(username, password)
  const shift = await v.api('POST', '/api/v1/shifts/start', { token, body: {} })
  if (shift.status !== 200) throw new Error(`shift of ${username} → ${shift.status} ${shift.text}`)
}

export interface Browser {
  context: BrowserContext
  page: Page
  /** Uncaught page errors and console errors, for a test to assert there were none. */
  errors: string[]
  close(): Promise<void>
}

export async function openBrowser(viewport = { width: 1920, height: 1080 }): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install chromium (apt-get install -y chromium)`)
  const profileDir = mkdtempSync(path.join(tmpdir(), 'vigil-chromium-'))
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const page = context.pages()[0] ?? (await context.newPage())
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text())
  })
  return {
    context, page, errors,
    async close() {
      await context.close()
      rmSync(profileDir, { recursive: true, force: true })
    },
  }
}

export async function signIn(page: Page, v: TestVigil, query = ''): Promise<void> {
  await page.goto(`${v.http}/${query}`)
  await page.getByLabel('Username').fill('admin')
  await page.getByLabel('Password').fill(v.adminPassword)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.locator('[data-testid=connection][data-status=live]').waitFor({ timeout: 10_000 })
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS, { recursive: true })
  const file = path.join(RESULTS, name)
  await page.screenshot({ path: file })
  return file
}
