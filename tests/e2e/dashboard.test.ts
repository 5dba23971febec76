// The wall display in a real browser (Debian's Chromium through playwright-core) against a whole
// Vigil: log in through the page, see the tiles, open a fire door over MQTT, see FD-02 appear,
// acknowledge it. The dashboard is built here when dashboard/dist is missing or older than its
// sources, so the test does not depend on `npm run build` having run.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import { ensureSite, type TestDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CHROMIUM = '/usr/bin/chromium'
const RESULTS = path.join(ROOT, 'test-results')
const SITE = 'E2E'

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue
    const p = path.join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

function ensureDashboardBuilt(): void {
  const index = path.join(ROOT, 'dashboard/dist/index.html')
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(path.join(ROOT, 'dashboard'))) return
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'pipe',
  })
}

let v: TestVigil
let context: BrowserContext
let page: Page
let profileDir: string
const devices: TestDevice[] = []
const pageErrors: string[] = []

/** A small but complete building, so the screenshot shows every tile type. */
const FLEET: { id: string; type: string; name: string; building: string; floor: number; zone?: string; attributes?: Record<string, unknown>; telemetry?: object }[] = [
  { id: 'FACP-1', type: 'fire-panel', name: 'Fire panel', building: 'Tower A', floor: 1, telemetry: { mains: true, battery: 'ok', fault: false } },
  { id: 'EL-A-1', type: 'elevator', name: 'Lift A1', building: 'Tower A', floor: 1, telemetry: { serviceMode: 1, carStatus: 1, direction: 1, floor: 12, doorClosed: true, doorZone: false, occupied: true, speed: 1.6 } },
  { id: 'EL-A-2', type: 'elevator', name: 'Lift A2', building: 'Tower A', floor: 1, telemetry: { serviceMode: 1, carStatus: 0, direction: 0, floor: 1, doorClosed: false, doorZone: true, occupied: false, speed: 0 } },
  { id: 'EL-A-3', type: 'elevator', name: 'Lift A3 (service)', building: 'Tower A', floor: 1, telemetry: { serviceMode: 2, carStatus: 0, direction: 0, floor: -2, doorClosed: true, doorZone: true, occupied: false, speed: 0 } },
  {
    id: 'PS-A-B1', type: 'pump', name: 'Domestic booster', building: 'Tower A', floor: -1,
    telemetry: { system: 'domestic', ctrlMode: 'auto', outletP: 0.44, setpointP: 0.45, pumps: [{ id: 'P1', role: 'duty', running: true, fault: 'none' }, { id: 'P2', role: 'standby', running: false, fault: 'none' }] },
  },
  { id: 'FD-A-1', type: 'fire-door', name: 'Stair A · L1', building: 'Tower A', floor: 1, zone: 'Z1', attributes: { doorType: 'NC' }, telemetry: { doorType: 'NC', position: 'closed' } },
  { id: 'FD-A-2', type: 'fire-door', name: 'Stair A · L2', building: 'Tower A', floor: 2, zone: 'Z2', attributes: { doorType: 'NC' }, telemetry: { doorType: 'NC', position: 'closed' } },
  { id: 'FD-A-3', type: 'fire-door', name: 'Corridor L3', building: 'Tower A', floor: 3, zone: 'Z3', attributes: { doorType: 'NO' }, telemetry: { doorType: 'NO', position: 'open', holder: 'energized' } },
  { id: 'AC-A-1', type: 'access-door', name: 'Lobby entrance', building: 'Tower A', floor: 1, telemetry: { doorState: 'closed', lockState: 'locked' } },
  { id: 'AC-A-2', type: 'access-door', name: 'Pump room', building: 'Tower A', floor: -1, telemetry: { doorState: 'closed', lockState: 'locked' } },
  { id: 'EL-B-1', type: 'elevator', name: 'Lift B1', building: 'Tower B', floor: 1, telemetry: { serviceMode: 1, carStatus: 1, direction: 2, floor: 7, doorClosed: true, doorZone: false, occupied: true, speed: 1.0 } },
  { id: 'FD-B-1', type: 'fire-door', name: 'Stair B · L1', building: 'Tower B', floor: 1, zone: 'Z4', attributes: { doorType: 'NC' }, telemetry: { doorType: 'NC', position: 'closed' } },
  { id: 'AC-B-1', type: 'access-door', name: 'Bike store', building: 'Tower B', floor: -1, telemetry: { doorState: 'closed', lockState: 'locked' } },
]
/** Registered but never connected: its tile must say offline. */
const SILENT = { id: 'FD-B-2', type: 'fire-door', name: 'Roof door', building: 'Tower B', floor: 30, zone: 'Z5' }
const DOOR = 'FD-A-2'

type FleetEntry = Omit<(typeof FLEET)[number], 'telemetry'>

/** Registers through the API with the display name (the helper's names are generic); returns the secret. */
async function register(token: string, d: FleetEntry): Promise<string> {
  const location = { building: d.building, floor: d.floor, ...(d.zone ? { zone: d.zone } : {}) }
  const r = await v.api('POST', '/api/v1/devices', { token, body: { id: d.id, siteId: SITE, type: d.type, name: d.name, location, ...(d.attributes ? { attributes: d.attributes } : {}) } })
  if (r.status !== 201) throw new Error(`register ${d.id} → ${r.status} ${r.text}`)
  return (r.json as { secret: string }).secret
}

/** Connects as the device over MQTT, as a real one would. */
async function connectAs(d: FleetEntry, secret: string): Promise<TestDevice> {
  const client = await mqtt.connectAsync(v.mqttUrl, { username: d.id, password: secret, reconnectPeriod: 0 })
  const base = `bldg/${SITE}/${d.type}/${d.id}`
  return {
    id: d.id, siteId: SITE, type: d.type, secret, client,
    topic: (suffix) => `${base}/${suffix}`,
    send: async (suffix, payload) => void (await client.publishAsync(`${base}/${suffix}`, JSON.stringify(payload), { qos: 1 })),
  }
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install chromium (apt-get install -y chromium)`)
  ensureDashboardBuilt()
  v = await startTestVigil()
  const admin = await v.login()
  await ensureSite(v, admin, SITE)
  for (const d of FLEET) {
    const dev = await connectAs(d, await register(admin, d))
    devices.push(dev)
    if (d.telemetry) await dev.send('telemetry', d.telemetry)
  }
  await register(admin, { ...SILENT, attributes: { doorType: 'NC' } })
  // FD-02 waits 60 s by default (DOMAIN.md §3.3); one second keeps the browser test short.
  const patch = await v.api('PATCH', `/api/v1/sites/${SITE}/rules/FD-02`, { token: admin, body: { params: { onDelaySec: 1 } } })
  expect(patch.status).toBe(200)

  profileDir = mkdtempSync(path.join(tmpdir(), 'vigil-chromium-'))
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1920, height: 1080 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  page = context.pages()[0] ?? (await context.newPage())
  page.on('pageerror', (err) => pageErrors.push(err.message))
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text())
  })
}, 120_000)

afterAll(async () => {
  await context?.close()
  if (profileDir) rmSync(profileDir, { recursive: true, force: true })
  for (const d of devices) await d.client.endAsync()
  await v?.stop()
})

describe('wall display', () => {
  it('refuses a wrong password with a clear message', async () => {
    await page.goto(v.http + '/')
    await page.getByLabel('Username').fill('admin')
    await page.getByLabel('Password').fill('wrong-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toContain('Wrong username or password')
    pageErrors.length = 0 // the 401 of this attempt is logged by the browser; it is expected
  })

  it('logs in, shows every device grouped by building, and goes live', async () => {
    await page.getByLabel('Password').fill(v.adminPassword)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('[data-testid=connection][data-status=live]').waitFor({ timeout: 10_000 })
    await expect.poll(() => page.locator('[data-testid=tile]').count()).toBe(FLEET.length + 1)
    expect(await page.getByRole('heading', { name: 'Tower A' }).count()).toBe(1)
    expect(await page.getByRole('heading', { name: 'Tower B' }).count()).toBe(1)
    const lift = page.locator('[data-device-id=EL-A-1]')
    await expect.poll(() => lift.textContent()).toContain('12')
    const silent = page.locator(`[data-device-id=${SILENT.id}]`)
    expect(await silent.getAttribute('data-status')).toBe('offline')
    expect((await silent.textContent())?.toLowerCase()).toContain('offline')
    expect(await page.locator('[data-testid=count-offline]').textContent()).toContain('1')
  })

  it('shows live state and the FD-02 alarm after an MQTT publish, then acknowledges it', async () => {
    const door = devices.find((d) => d.id === DOOR)!
    const tile = page.locator(`[data-device-id=${DOOR}]`)
    const row = page.locator(`[data-testid=alarm][data-rule=FD-02]`)
    expect(await row.count()).toBe(0)

    const t0 = Date.now()
    await door.send('telemetry', { position: 'open' })
    await expect.poll(() => tile.textContent(), { timeout: 3000 }).toContain('Open')
    const liveMs = Date.now() - t0
    await row.waitFor({ timeout: 10_000 })
    const alarmMs = Date.now() - t0
    // Publish-to-screen, less the one-second on-delay; reported in the test output for the issue note.
    console.log(`door open on screen after ${liveMs} ms; FD-02 on screen ${alarmMs} ms after the publish (on-delay 1000 ms)`)
    expect(await row.getAttribute('data-state')).toBe('unacked')
    expect(await row.textContent()).toContain('Fire door propped open')
    expect(await tile.getAttribute('data-status')).toBe('warning')
    expect(await tile.getAttribute('data-flashing')).toBe('true')
    expect(await page.locator('[data-testid=alarms-p3]').textContent()).toContain('1')

    mkdirSync(RESULTS, { recursive: true })
    await page.screenshot({ path: path.join(RESULTS, 'dashboard.png') })

    await row.getByRole('button', { name: 'Acknowledge' }).click()
    await expect.poll(() => row.getAttribute('data-state')).toBe('acked')
    expect(await row.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0)
    expect(await row.textContent()).toContain('Acknowledged')
    await expect.poll(() => tile.getAttribute('data-flashing')).toBe('false')
    await page.screenshot({ path: path.join(RESULTS, 'dashboard-acked.png') })
    expect(pageErrors).toEqual([])
  })
})
