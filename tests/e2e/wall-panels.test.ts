// The wall display's per-type panels and the fleet overview in a real browser (issue #6 items 1
// and 2): elevator shafts, pump stations with the outlet-pressure trend from the history API,
// fire doors by zone, access doors with the event ticker (no credential ever in full), and an
// overview of 5,000 devices that renders only what is in view and filters without freezing.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSite, type TestDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'
import { addDevice, ensureDashboardBuilt, openBrowser, screenshot, signIn, type Browser, type FleetDevice } from './wall-harness.js'

const SITE = 'PNL'
const BIG = 'BIG'
const BIG_COUNT = 5000
const TOKEN = '5c0ffee5d00dfeed9f8e7d6c5b4aa41b'

let v: TestVigil
let admin: string
let browser: Browser
let page: Page
const devices = new Map<string, TestDevice>()

const FLEET: (FleetDevice & { telemetry?: object })[] = [
  { id: 'FACP-P', type: 'fire-panel', name: 'Fire panel', building: 'Tower A', floor: 1, telemetry: { mains: true, battery: 'ok', fault: false } },
  { id: 'EL-P-1', type: 'elevator', name: 'Lift A1', building: 'Tower A', floor: 1, attributes: { topFloor: 24, lowestFloor: -2 }, telemetry: { serviceMode: 1, carStatus: 1, direction: 1, floor: 17, doorClosed: true, doorZone: false, occupied: true, loadPct: 46, speed: 1.6 } },
  { id: 'EL-P-2', type: 'elevator', name: 'Lift A2', building: 'Tower A', floor: 1, attributes: { topFloor: 24, lowestFloor: -2 }, telemetry: { serviceMode: 1, carStatus: 0, direction: 0, floor: 1, doorClosed: false, doorZone: true, occupied: false, loadPct: 0, speed: 0 } },
  { id: 'EL-P-3', type: 'elevator', name: 'Lift A3 (service)', building: 'Tower A', floor: 1, attributes: { topFloor: 24, lowestFloor: -2 }, telemetry: { serviceMode: 2, carStatus: 0, direction: 0, floor: -2, doorClosed: true, doorZone: true, occupied: false, loadPct: 0, speed: 0 } },
  { id: 'EL-P-4', type: 'elevator', name: 'Lift A4', building: 'Tower A', floor: 1, attributes: { topFloor: 24, lowestFloor: -2 }, telemetry: { serviceMode: 1, carStatus: 1, direction: 2, floor: 8, doorClosed: true, doorZone: false, occupied: true, loadPct: 72, speed: 1.2 } },
  { id: 'PS-P-1', type: 'pump', name: 'Domestic booster B1', building: 'Tower A', floor: -1 },
  { id: 'PS-P-2', type: 'pump', name: 'Sump pit B2', building: 'Tower A', floor: -2 },
  { id: 'FD-P-1', type: 'fire-door', name: 'Stair A · L1', building: 'Tower A', floor: 1, zone: 'Z1', attributes: { doorType: 'NC' }, telemetry: { doorType: 'NC', position: 'closed' } },
  { id: 'FD-P-2', type: 'fire-door', name: 'Stair A · L2', building: 'Tower A', floor: 2, zone: 'Z1', attributes: { doorType: 'NC' }, telemetry: { doorType: 'NC', position: 'open' } },
  { id: 'FD-P-3', type: 'fire-door', name: 'Corridor L3 east', building: 'Tower A', floor: 3, zone: 'Z2', attributes: { doorType: 'NO' }, telemetry: { doorType: 'NO', position: 'open', holder: 'energized' } },
  { id: 'FD-P-4', type: 'fire-door', name: 'Corridor L3 west', building: 'Tower A', floor: 3, zone: 'Z2', attributes: { doorType: 'NO' }, telemetry: { doorType: 'NO', position: 'closed', holder: 'released' } },
  { id: 'FD-P-5', type: 'fire-door', name: 'Plant room', building: 'Tower A', floor: -1, zone: 'Z3', attributes: { doorType: 'NC' }, telemetry: { doorType: 'NC', position: 'closed', fault: 'wiring_open' } },
  { id: 'AC-P-1', type: 'access-door', name: 'Lobby entrance', building: 'Tower A', floor: 1, attributes: { requiredLevel: 1 }, telemetry: { doorState: 'closed', lockState: 'locked' } },
  { id: 'AC-P-2', type: 'access-door', name: 'Pump room', building: 'Tower A', floor: -1, attributes: { requiredLevel: 3 }, telemetry: { doorState: 'closed', lockState: 'locked' } },
  { id: 'AC-P-3', type: 'access-door', name: 'Bike store', building: 'Tower A', floor: -1, attributes: { requiredLevel: 1 }, telemetry: { doorState: 'closed', lockState: 'locked' } },
]

const dev = (id: string): TestDevice => devices.get(id) ?? (() => { throw new Error(`no device ${id}`) })()
const pumps = (p1: object, p2: object) => [{ id: 'P1', role: 'duty', ...p1 }, { id: 'P2', role: 'standby', ...p2 }]

/** An hour of booster history (device timestamps in the past), then the present value. */
async function seedPumpHistory(): Promise<void> {
  const now = Date.now()
  const booster = dev('PS-P-1')
  for (let i = 60; i >= 1; i--) {
    const dip = i > 20 && i < 30 ? 0.07 : 0
    const outletP = Number((0.45 - dip + 0.012 * Math.sin(i / 3)).toFixed(3))
    await booster.send('telemetry', { ts: now - i * 60_000, system: 'domestic', ctrlMode: 'auto', outletP, setpointP: 0.45, levelPct: 74, pumps: pumps({ running: true, fault: 'none', freqHz: 42 }, { running: false, fault: 'none' }) })
  }
  await booster.send('telemetry', { system: 'domestic', ctrlMode: 'auto', outletP: 0.44, setpointP: 0.45, levelPct: 73, pumps: pumps({ running: true, fault: 'none', freqHz: 41 }, { running: false, fault: 'none' }) })
  await dev('PS-P-2').send('telemetry', { system: 'sump', ctrlMode: 'auto', levelPct: 38, floodWet: false, pumps: pumps({ running: false, fault: 'none' }, { running: false, fault: 'overload' }) })
}

/** Registers many devices through the API, a few requests at a time. */
async function registerMany(count: number): Promise<void> {
  const types = ['elevator', 'pump', 'fire-door', 'access-door'] as const
  let next = 0
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const r = await v.api('POST', '/api/v1/devices', {
        token: admin,
        body: { id: `BIG-${i}`, siteId: BIG, type: types[i % 4], name: `Unit ${i}`, location: { building: `Block ${String(Math.floor(i / 200) + 1).padStart(2, '0')}`, floor: i % 30 } },
      })
      if (r.status !== 201) throw new Error(`BIG-${i} → ${r.status} ${r.text}`)
    }
  }
  await Promise.all(Array.from({ length: 16 }, worker))
}

beforeAll(async () => {
  ensureDashboardBuilt()
  v = await startTestVigil()
  admin = await v.login()
  await ensureSite(v, admin, SITE)
  await ensureSite(v, admin, BIG)
  for (const d of FLEET) {
    const device = await addDevice(v, admin, SITE, d)
    devices.set(d.id, device)
    if (d.telemetry) await device.send('telemetry', d.telemetry)
  }
  await seedPumpHistory()
  await registerMany(BIG_COUNT)
  browser = await openBrowser()
  page = browser.page
  await signIn(page, v, `?site=${SITE}`)
}, 240_000)

afterAll(async () => {
  await browser?.close()
  for (const d of devices.values()) await d.client.endAsync()
  await v?.stop()
})

describe('wall display: panels per device type', () => {
  it('shows elevators as shafts with floor, direction, door, mode, occupancy and load', async () => {
    await page.locator('[data-testid=pane-elevators-tab]').click()
    const shafts = page.locator('[data-testid=shaft]')
    await expect.poll(() => shafts.count()).toBe(4)
    const a1 = page.locator('[data-testid=shaft][data-device-id=EL-P-1]')
    expect(await a1.getAttribute('data-floor')).toBe('17')
    const text = await a1.textContent()
    expect(text).toContain('▲')
    expect(text).toContain('46 %')
    expect(await page.locator('[data-testid=shaft][data-device-id=EL-P-3]').textContent()).toContain('Inspection')
    await dev('EL-P-2').send('telemetry', { carStatus: 1, direction: 1, floor: 5, doorClosed: true, doorZone: false })
    await expect.poll(() => page.locator('[data-testid=shaft][data-device-id=EL-P-2]').getAttribute('data-floor')).toBe('5')
    await screenshot(page, 'wall-elevators.png')
  })

  it("shows each pump station's pumps, pressure against setpoint and an outlet-pressure trend from history", async () => {
    await page.locator('[data-testid=pane-pumps-tab]').click()
    const booster = page.locator('[data-testid=pump-station][data-device-id=PS-P-1]')
    await booster.waitFor()
    const text = await booster.textContent()
    expect(text).toContain('0.44')
    expect(text).toContain('setpoint 0.45')
    expect(await booster.locator('[data-pump=P1]').textContent()).toContain('running')
    expect(await page.locator('[data-testid=pump-station][data-device-id=PS-P-2] [data-pump=P2]').textContent()).toContain('overload')
    // 30 s buckets over the seeded hour: dozens of points, drawn by uPlot on a canvas.
    const chart = booster.locator('[data-testid=trend-chart]')
    await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 5000 }).toBeGreaterThan(30)
    expect(await chart.locator('canvas').count()).toBe(1)
    await screenshot(page, 'wall-pumps.png')
  })

  it('groups fire doors by zone with open, closed, held, released and fault', async () => {
    await page.locator('[data-testid=pane-fire-doors-tab]').click()
    await expect.poll(() => page.locator('[data-testid=fire-zone]').count()).toBe(3)
    const status = (id: string) => page.locator(`[data-testid=pane-fire-doors] li[data-device-id=${id}]`).getAttribute('data-status')
    expect(await status('FD-P-1')).toBe('closed')
    expect(await status('FD-P-2')).toBe('open')
    expect(await status('FD-P-3')).toBe('held')
    expect(await status('FD-P-4')).toBe('released')
    expect(await status('FD-P-5')).toBe('fault')
    await dev('FACP-P').send('event', { event: 'fire', zone: 'Z2', state: 'active' })
    await expect.poll(() => page.locator('[data-testid=fire-zone]').first().getAttribute('data-zone')).toBe('Z2')
    expect(await page.locator('[data-testid=fire-zone]').first().textContent()).toContain('FIRE')
    await screenshot(page, 'wall-fire-doors.png')
  })

  it('ticks access events on the access doors panel without ever showing a credential in full', async () => {
    await page.locator('[data-testid=pane-access-doors-tab]').click()
    await dev('AC-P-1').send('event', { event: 'granted', credential: { token: TOKEN, type: 'card' }, subjectRef: 'resident-0042', doorState: 'open', lockState: 'unlocked' })
    await dev('AC-P-3').send('event', { event: 'tamper' })
    // The grant alone ticks three lines (granted, door opened, unlocked): wait for the tamper too.
    await expect.poll(async () => (await page.locator('[data-testid=access-ticker]').textContent()) ?? '', { timeout: 10_000 }).toContain('Tamper')
    const ticker = (await page.locator('[data-testid=access-ticker]').textContent()) ?? ''
    expect(ticker).toContain('Door opened')
    expect(ticker).toContain('Unlocked')
    expect(ticker).toContain('Tamper')
    const whole = (await page.locator('body').textContent()) ?? ''
    expect(whole).not.toContain(TOKEN)
    expect(whole).not.toContain('resident-0042')
    await screenshot(page, 'wall-access-doors.png')
  })
})

describe('wall display: overview at 5,000 devices', () => {
  it('renders only the rows in view, counts every device, and filters by state and building', async () => {
    const t0 = Date.now()
    await page.goto(`${v.http}/?site=${BIG}`)
    const virtual = page.locator('[data-testid=virtual-tiles]')
    await virtual.waitFor({ timeout: 15_000 })
    await expect.poll(() => page.locator('[data-testid=count-offline]').textContent()).toContain(String(BIG_COUNT))
    const loadMs = Date.now() - t0
    const tiles = await page.locator('[data-testid=tile]').count()
    console.log(`overview of ${BIG_COUNT} devices on screen in ${loadMs} ms with ${tiles} tiles in the page`)
    expect(tiles).toBeGreaterThan(20)
    expect(tiles).toBeLessThan(400)
    expect(await page.locator('[data-testid=fleet-shown]').textContent()).toBe(`${BIG_COUNT} devices`)

    // Scrolled to the end, the last block's tiles are there and the page still has only a window of them.
    await virtual.evaluate((el) => el.scrollTo(0, el.scrollHeight))
    await page.locator('[data-testid=tile][data-device-id="BIG-4999"]').waitFor({ timeout: 5000 })
    expect(await page.locator('[data-testid=tile]').count()).toBeLessThan(400)
    await screenshot(page, 'wall-overview-5000.png')

    await page.locator('[data-testid=filter-type-pump]').click()
    await page.locator('[data-testid=building-summary] [data-building="BIG/Block 03"]').click()
    await expect.poll(() => page.locator('[data-testid=fleet-shown]').textContent()).toBe(`50 of ${BIG_COUNT} devices`)
    expect(await page.locator('[data-testid=tile]').count()).toBe(50)
    await page.locator('[data-testid=filter-state-alarm]').click()
    await expect.poll(() => page.locator('[data-testid=fleet-shown]').textContent()).toBe(`0 of ${BIG_COUNT} devices`)
    expect(browser.errors).toEqual([])
  })
})
