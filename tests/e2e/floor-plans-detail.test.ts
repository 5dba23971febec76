// Floor plans and the device detail in a real browser against a whole Vigil (issue #6 items 6 and
// 8): an admin uploads a plan for a floor and places a door on it; the door's alarm, raised over
// MQTT, shows in place and pulses; the alarm's link in the list leads back to that spot; a lift's
// detail page charts a day of its history and flags its inspection certificate as due.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSite, type TestDevice } from '../helpers/devices.js'
import { floorPlanPng } from '../helpers/images.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'
import { addDevice, ensureDashboardBuilt, openBrowser, screenshot, signIn, type Browser, type FleetDevice } from './wall-harness.js'

const SITE = 'PLN'
const BUILDING = 'Tower P'
const DAY = 86_400_000
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

let v: TestVigil
let admin: string
let browser: Browser
let page: Page
const devices = new Map<string, TestDevice>()

const FLEET: (FleetDevice & { telemetry: object })[] = [
  { id: 'AC-P-1', type: 'access-door', name: 'East stair entry', building: BUILDING, floor: 3, attributes: { requiredLevel: 1 }, telemetry: { doorState: 'closed', lockState: 'locked' } },
  { id: 'AC-P-2', type: 'access-door', name: 'Plant room', building: BUILDING, floor: 3, attributes: { requiredLevel: 2 }, telemetry: { doorState: 'closed', lockState: 'locked' } },
  { id: 'FD-P-1', type: 'fire-door', name: 'Corridor door L3', building: BUILDING, floor: 3, zone: 'Z1', attributes: { doorType: 'NC' }, telemetry: { doorType: 'NC', position: 'closed' } },
  {
    id: 'EL-P-1', type: 'elevator', name: 'Lift P1', building: BUILDING, floor: 1,
    attributes: { model: 'Gen2 MRL 1000', manufacturer: 'Demo Lifts', installedAt: '2019-06-01', maintenanceUnit: 'City Elevator Service', certificateExpiry: isoDay(Date.now() + 12 * DAY), ratedSpeed: 2.5, ratedLoad: 1000 },
    telemetry: { serviceMode: 1, carStatus: 0, direction: 0, floor: 1, doorClosed: true, doorZone: true, occupied: false, loadPct: 0, speed: 0 },
  },
]

const dev = (id: string): TestDevice => {
  const d = devices.get(id)
  if (!d) throw new Error(`no device ${id}`)
  return d
}
const marker = (id: string) => page.locator(`[data-testid=plan-marker][data-marker="${id}"]`)

beforeAll(async () => {
  ensureDashboardBuilt()
  v = await startTestVigil()
  admin = await v.login()
  await ensureSite(v, admin, SITE)
  for (const d of FLEET) devices.set(d.id, await addDevice(v, admin, SITE, d))
  await ensureSite(v, admin, 'PL2')
  devices.set('AC-Q-1', await addDevice(v, admin, 'PL2', { id: 'AC-Q-1', type: 'access-door', name: 'Garage gate', building: 'Q', floor: -1 }))
  // A day of the lift's history, stamped by the device: a load that climbs in the morning rush.
  const now = Date.now()
  for (let h = 23; h >= 1; h--) {
    await dev('EL-P-1').send('telemetry', { ts: now - h * 3_600_000, floor: h % 12, loadPct: Math.round(40 + 35 * Math.sin(h / 3)) })
  }
  for (const d of FLEET) await dev(d.id).send('telemetry', d.telemetry)
  browser = await openBrowser()
  page = browser.page
}, 120_000)

afterAll(async () => {
  await browser?.close()
  for (const d of devices.values()) await d.client.endAsync()
  await v?.stop()
})

describe('floor plans', () => {
  it('lets the admin upload a plan for a floor that has none', async () => {
    await signIn(page, v, `?site=${SITE}`)
    await page.getByTestId('pane-floor-plans-tab').click()
    await page.locator(`[data-testid=plan-floor][data-floor="${BUILDING}/3"]`).click()
    expect(await page.getByTestId('floor-plans').textContent()).toContain('This floor has no plan yet')
    await page.getByTestId('plan-file').setInputFiles({ name: 'level-3.png', mimeType: 'image/png', buffer: floorPlanPng() })
    await page.locator('[data-testid=plan-stage] img').waitFor()
    expect(await page.getByTestId('plan-stage').getAttribute('style')).toContain('1200 / 700')
  })

  it('places devices by clicking or dragging them onto the plan, and saves the positions', async () => {
    await page.getByTestId('plan-edit').click()
    const stage = page.getByTestId('plan-stage')
    const box = (await stage.boundingBox())!
    await page.locator('[data-testid=place-device][data-device-id="AC-P-1"]').click()
    await stage.click({ position: { x: box.width * 0.3, y: box.height * 0.25 } })
    await page.locator('[data-testid=place-device][data-device-id="FD-P-1"]').click()
    await stage.click({ position: { x: box.width * 0.62, y: box.height * 0.5 } })
    // A device of another floor of the building (the lift) can be placed too.
    await page.locator('[data-testid=place-device][data-device-id="EL-P-1"]').click()
    await stage.click({ position: { x: box.width * 0.85, y: box.height * 0.72 } })
    // Dragging works too: a device from the list onto the plan, and a placed marker to a new spot.
    await page.locator('[data-testid=place-device][data-device-id="AC-P-2"]').dragTo(stage, { targetPosition: { x: box.width * 0.1, y: box.height * 0.8 } })
    await marker('FD-P-1').dragTo(stage, { targetPosition: { x: box.width * 0.6, y: box.height * 0.48 } })
    // …and a marker dropped back on the list leaves the plan.
    await marker('AC-P-2').waitFor()
    await marker('AC-P-2').dragTo(page.getByTestId('plan-palette'))
    await marker('AC-P-2').waitFor({ state: 'detached' })
    await page.getByTestId('plan-save').click()
    await page.getByTestId('plan-edit').waitFor()

    const saved = await v.api('GET', `/api/v1/sites/${SITE}/buildings/${encodeURIComponent(BUILDING)}/floors/3/plan`, { token: admin })
    const at = Object.fromEntries(saved.json.positions.map((p: { deviceId: string; x: number; y: number }) => [p.deviceId, p]))
    expect(Object.keys(at).sort()).toEqual(['AC-P-1', 'EL-P-1', 'FD-P-1'])
    expect(at['AC-P-1'].x).toBeCloseTo(0.3, 1)
    expect(at['AC-P-1'].y).toBeCloseTo(0.25, 1)
    expect(at['FD-P-1'].x).toBeCloseTo(0.6, 1)
    expect(at['FD-P-1'].y).toBeCloseTo(0.48, 1)
    expect(await marker('AC-P-1').getAttribute('data-status')).toBe('normal')

    // The keyboard path: a picked device goes to the middle with Enter, arrows move it, Delete takes it off.
    await page.getByTestId('plan-edit').click()
    await page.locator('[data-testid=place-device][data-device-id="AC-P-2"]').click()
    await page.getByTestId('plan-stage').focus()
    await page.keyboard.press('Enter')
    await marker('AC-P-2').focus()
    await page.keyboard.press('Shift+ArrowRight')
    await page.keyboard.press('ArrowDown')
    await marker('FD-P-1').focus()
    await page.keyboard.press('Delete')
    await marker('FD-P-1').waitFor({ state: 'detached' })
    await page.getByTestId('plan-save').click()
    await page.getByTestId('plan-edit').waitFor()
    const after = (await v.api('GET', `/api/v1/sites/${SITE}/buildings/${encodeURIComponent(BUILDING)}/floors/3/plan`, { token: admin })).json.positions
    expect(after.find((p: { deviceId: string }) => p.deviceId === 'AC-P-2')).toEqual({ deviceId: 'AC-P-2', x: 0.55, y: 0.51 })
    expect(after.map((p: { deviceId: string }) => p.deviceId).sort()).toEqual(['AC-P-1', 'AC-P-2', 'EL-P-1'])
    // Back to the layout the rest of the test expects.
    await page.getByTestId('plan-edit').click()
    await marker('AC-P-2').dragTo(stage, { targetPosition: { x: box.width * 0.14, y: box.height * 0.78 } })
    await page.locator('[data-testid=place-device][data-device-id="FD-P-1"]').click()
    await page.getByTestId('plan-stage').click({ position: { x: box.width * 0.6, y: box.height * 0.48 } })
    await page.getByTestId('plan-save').click()
    await page.getByTestId('plan-edit').waitFor()
  })

  it('shows an alarm raised over MQTT in place, pulsing until acknowledged', async () => {
    await dev('AC-P-1').send('event', { event: 'forced_open', doorState: 'open' })
    // The marker takes the alarm's colour (amber P3/P4, red P1/P2) and its priority, as the tile does.
    await expect.poll(() => marker('AC-P-1').getAttribute('data-flashing'), { timeout: 10_000 }).toBe('true')
    const alarm = (await v.api('GET', `/api/v1/alarms?deviceId=AC-P-1`, { token: admin })).json.items[0]
    expect(await marker('AC-P-1').getAttribute('data-status')).toBe(alarm.priority <= 2 ? 'alarm' : 'warning')
    expect(await marker('AC-P-1').locator('.dot').textContent()).toBe(`P${alarm.priority}`)
    expect(await marker('FD-P-1').getAttribute('data-status')).toBe('normal')
    // Every device of this site is on floor 3 or placed on its plan: the floor's badge counts all their alarms.
    const active = (await v.api('GET', `/api/v1/alarms?siteId=${SITE}`, { token: admin })).json.items.length
    expect(active).toBeGreaterThan(0)
    await expect.poll(() => page.locator(`[data-testid=plan-floor][data-floor="${BUILDING}/3"] .count`).textContent()).toBe(String(active))
    await screenshot(page, 'floor-plan.png')
    // Acknowledged in the alarm list: the marker keeps its colour and stops pulsing.
    await page.locator('[data-testid=active-list] [data-testid=alarm][data-rule="AC-01"]').getByRole('button', { name: 'Acknowledge' }).click()
    await expect.poll(() => marker('AC-P-1').getAttribute('data-flashing')).toBe('false')
    expect(await marker('AC-P-1').getAttribute('data-status')).not.toBe('normal')
  })

  it("follows the alarm's link from the list to the device's spot on the plan", async () => {
    await page.getByTestId('pane-overview-tab').click()
    await page.getByTestId('plan-stage').waitFor({ state: 'detached' })
    const row = page.locator('[data-testid=active-list] [data-testid=alarm][data-rule="AC-01"]')
    await row.getByTestId('alarm-plan-link').click()
    await page.getByTestId('plan-stage').waitFor()
    expect(page.url()).toContain(`#/plans/${SITE}/${encodeURIComponent(BUILDING)}/3/AC-P-1`)
    await expect.poll(() => marker('AC-P-1').getAttribute('class')).toContain('focus')
    expect(await page.getByTestId('pane-floor-plans-tab').getAttribute('aria-current')).toBe('page')
  })
  it("shows another admin's new plan at once, over the live connection", async () => {
    const floor1 = page.locator(`[data-testid=plan-floor][data-floor="${BUILDING}/1"]`)
    expect(await floor1.textContent()).toContain('No plan')
    const res = await fetch(`${v.http}/api/v1/sites/${SITE}/buildings/${encodeURIComponent(BUILDING)}/floors/1/plan`, {
      method: 'PUT', headers: { 'content-type': 'image/png', authorization: `Bearer ${admin}` }, body: floorPlanPng(600, 400),
    })
    expect(res.status).toBe(200)
    await expect.poll(() => floor1.textContent()).not.toContain('No plan')
  })
})

describe('device detail', () => {
  it('opens from a tile with live values, a day of history and the ledger', async () => {
    await page.getByTestId('pane-overview-tab').click()
    await page.locator('[data-testid=tile][data-device-id="EL-P-1"] a').click()
    await page.getByTestId('device-detail').waitFor()
    expect(page.url()).toContain('#/devices/EL-P-1')
    expect(await page.locator('[data-testid=device-live] dd[data-field=serviceMode]').textContent()).toBe('1')
    // 24 h is the default range; the chart shows the hourly readings sent above.
    await expect.poll(async () => Number(await page.getByTestId('trend-chart').getAttribute('data-points')), { timeout: 10_000 }).toBeGreaterThanOrEqual(20)
    expect(await page.getByTestId('history-field').inputValue()).toBe('floor')
    expect(await page.getByTestId('ledger-model').textContent()).toContain('Gen2 MRL 1000')
    const cert = page.getByTestId('ledger-certificateExpiry')
    expect(await cert.getAttribute('data-standing')).toBe('due')
    expect(await cert.textContent()).toContain('Expires in 12 days')
    await page.getByTestId('history-field').selectOption('loadPct')
    await expect.poll(() => page.locator('[data-testid=device-history] .meta').textContent()).toContain('5m')
    await screenshot(page, 'device-detail.png')
  })

  it('switches the range and links to the device on the plan', async () => {
    await page.getByTestId('history-range-1h').click()
    await expect.poll(() => page.getByTestId('device-history').textContent()).toMatch(/No data in this range|One reading in this range|30s/)
    await page.getByTestId('history-range-7d').click()
    await expect.poll(() => page.locator('[data-testid=device-history] .meta').textContent()).toContain('30m')
    await page.getByTestId('detail-plan-link').click()
    await page.getByTestId('plan-stage').waitFor()
    await expect.poll(() => marker('EL-P-1').getAttribute('class')).toContain('focus')
  })

  it("opens a door's detail from its alarm and lists the alarm there, and the link survives a reload", async () => {
    await page.goto(`${v.http}/?site=${SITE}`)
    await page.locator('[data-testid=active-list] [data-testid=alarm][data-rule="AC-01"]').getByTestId('alarm-detail-link').click()
    await page.getByTestId('device-detail').waitFor()
    expect(await page.getByTestId('device-detail').getAttribute('data-device-id')).toBe('AC-P-1')
    await page.reload()
    await page.getByTestId('device-detail').waitFor()
    // The forced door's alarm, and any that followed it (AC-02 once it has stood open long enough).
    await expect.poll(() => page.getByTestId('device-alarms').textContent()).toContain('AC-01')
    const listed = await page.locator('[data-testid=device-alarms] [data-alarm-id]').count()
    expect(listed).toBe((await v.api('GET', '/api/v1/alarms?state=all&deviceId=AC-P-1', { token: admin })).json.items.length)
    expect(browser.errors.filter((e) => !e.includes('favicon'))).toEqual([])
  })

  it("switches the wall to the device's site when a link points to another site", async () => {
    await page.goto(`${v.http}/?site=${SITE}#/devices/AC-Q-1`)
    await expect.poll(() => page.getByTestId('device-detail').getAttribute('data-device-id'), { timeout: 10_000 }).toBe('AC-Q-1')
    await expect.poll(() => page.locator('[data-testid=device-detail] h2').textContent()).toContain('Garage gate')
    expect(new URL(page.url()).searchParams.get('site')).toBe('PL2')
  })

  it('speaks the chosen language: Simplified, then Traditional Chinese', async () => {
    for (const [locale, ledger, plans] of [['zh-CN', '设备台账', '楼层平面图'], ['zh-TW', '設備台帳', '樓層平面圖']] as const) {
      await page.evaluate(`localStorage.setItem('vigil.locale', '${locale}')`)
      await page.goto(`${v.http}/?site=${SITE}#/devices/EL-P-1`)
      // The locale is read when the page loads; a hash change alone does not reload it.
      await page.reload()
      await page.getByTestId('device-detail').waitFor()
      expect(await page.getByTestId('device-ledger').textContent()).toContain(ledger)
      expect(await page.getByTestId('pane-floor-plans-tab').textContent()).toContain(plans)
    }
    await screenshot(page, 'device-detail-zh-TW.png')
    await page.evaluate(`localStorage.removeItem('vigil.locale')`)
  })
})
