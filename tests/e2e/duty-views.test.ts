// Work orders, emergencies, handover and the engineer's phone view in a real browser against a
// whole Vigil (issue #6 items 4, 5, 7). EL-01 (trapped passenger, P1, E3 emergency, an ELEVATOR
// work order dispatched to the engineer on shift) is raised over MQTT with its on-delay at 1 s.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSite, type TestDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'
import { addDevice, ensureDashboardBuilt, openBrowser, screenshot, setSiteRule, startShift, type Browser } from './wall-harness.js'

const SITE = 'DUTY'
const PASSWORD = 'duty-pass-12345'
// The smallest valid PNG (1×1): the server checks the type, not the picture.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

let v: TestVigil
let admin: string
let lift: TestDevice
const browsers: Browser[] = []

async function user(username: string, role: string, skills?: string[]): Promise<void> {
  const r = await v.api('POST', '/api/v1/users', { token: admin, body: { username, password: PASSWORD, role, displayName: username, ...(skills ? { skills } : {}) } })
  if (r.status !== 201 && r.status !== 200) throw new Error(`user ${username} → ${r.status} ${r.text}`)
}

async function signInAs(page: Page, username: string, password: string, hash = ''): Promise<void> {
  await page.goto(`${v.http}/?site=${SITE}${hash}`)
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

async function browser(viewport?: { width: number; height: number }): Promise<Page> {
  const b = await openBrowser(viewport)
  browsers.push(b)
  return b.page
}

beforeAll(async () => {
  ensureDashboardBuilt()
  v = await startTestVigil()
  admin = await v.login()
  await ensureSite(v, admin, SITE)
  await user('eng1', 'engineer', ['ELEVATOR'])
  await user('op1', 'operator')
  await user('op2', 'operator')
  await setSiteRule(v, admin, SITE, 'EL-01', { onDelaySec: 1 })
  lift = await addDevice(v, admin, SITE, { id: 'EL-D-1', type: 'elevator', name: 'Lift D1', building: 'Tower D', floor: 1 })
  await lift.send('telemetry', { serviceMode: 1, carStatus: 1, direction: 1, floor: 3, doorClosed: true, doorZone: true, occupied: false, speed: 1 })
  await startShift(v, 'eng1', PASSWORD)
}, 120_000)

afterAll(async () => {
  for (const b of browsers) await b.close()
  await lift?.client.endAsync()
  await v?.stop()
})

describe('duty views', () => {
  let wall: Page
  let phone: Page

  it('takes over the wall with the emergency level, stage and checklist, and records "contained"', async () => {
    wall = await browser({ width: 1920, height: 1080 })
    await signInAs(wall, 'admin', v.adminPassword)
    await wall.locator('[data-testid=connection][data-status=live]').waitFor({ timeout: 10_000 })
    // Trapped between floors, occupied, doors closed: EL-01 after its 1 s on-delay.
    await lift.send('telemetry', { serviceMode: 1, carStatus: 0, direction: 0, floor: 4, doorClosed: true, doorZone: false, occupied: true, speed: 0 })
    const overlay = wall.locator('[data-testid=p1-banner] [data-testid=emergency]')
    await overlay.waitFor({ timeout: 15_000 })
    await expect.poll(() => overlay.getAttribute('data-level'), { timeout: 10_000 }).toBe('E3')
    const contained = overlay.locator('[data-testid=em-checklist] li[data-key=contained]')
    expect(await contained.getAttribute('data-done')).toBe('no')
    await overlay.getByRole('button', { name: 'Contained' }).click()
    await expect.poll(() => contained.getAttribute('data-done'), { timeout: 5000 }).toBe('yes')
    await expect.poll(() => overlay.getAttribute('data-stage'), { timeout: 5000 }).toBe('execute')
    await screenshot(wall, 'duty-emergency-1920.png')
    await wall.setViewportSize({ width: 3840, height: 2160 })
    await screenshot(wall, 'duty-emergency-3840.png')
    await wall.setViewportSize({ width: 1920, height: 1080 })
  })

  it("shows the engineer's phone view at 390×844 and completes the EL-01 work order with a photo", async () => {
    phone = await browser({ width: 390, height: 844 })
    await signInAs(phone, 'eng1', PASSWORD)
    await phone.locator('[data-testid=phone-view]').waitFor()
    // The shift is fetched after the view renders: wait for it rather than read it at once.
    await expect.poll(() => phone.locator('[data-testid=my-shift]').getAttribute('data-on'), { timeout: 10_000 }).toBe('yes')
    const card = phone.locator('[data-testid=my-work-order]').first()
    await card.waitFor({ timeout: 10_000 })
    await screenshot(phone, 'phone-390x844.png')
    const step = async (button: string, status: string) => {
      await card.getByRole('button', { name: button, exact: true }).click()
      await expect.poll(() => card.getAttribute('data-status'), { timeout: 5000 }).toBe(status)
    }
    if ((await card.getAttribute('data-status')) === 'assigned') await step('Accept', 'accepted')
    await step('Arrived', 'on-site')
    await step('Start work', 'in-progress')
    // A P1 work order is never put on hold (DOMAIN.md §5).
    expect(await card.getByRole('button', { name: 'Hold…' }).count()).toBe(0)
    await card.getByRole('button', { name: 'Complete…' }).click()
    await card.locator('[data-testid=photo-input]').setInputFiles({ name: 'repair.png', mimeType: 'image/png', buffer: PNG })
    await card.getByLabel('Result').fill('Passenger released, car levelled, safety circuit reset')
    await screenshot(phone, 'phone-complete-390x844.png')
    await card.getByRole('button', { name: 'Send and complete' }).click()
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 5000 }).toBe('completed')
    // The wall sees it move on the board and the emergency's "engineer on site" ticked.
    await expect.poll(() => wall.locator('[data-testid=em-checklist] li[data-key=engineer]').first().getAttribute('data-done'), { timeout: 5000 }).toBe('yes')
  })

  it("creates a resident's call work order and shows it on the board", async () => {
    const op = await browser({ width: 1920, height: 1080 })
    await signInAs(op, 'op1', PASSWORD, '')
    await op.locator('[data-testid=connection][data-status=live]').waitFor({ timeout: 10_000 })
    const banner = op.getByRole('button', { name: 'Show the alarm list' })
    if (await banner.count()) await banner.click()
    await op.locator('[data-testid=pane-work-orders-tab]').click()
    await op.getByRole('button', { name: 'New work order' }).click()
    const form = op.locator('[data-testid=new-wo-form]')
    await form.getByLabel('Title').fill('Resident: water dripping in the lift lobby')
    await form.getByLabel('Skill').selectOption('PLUMBING')
    await form.getByLabel('Source').selectOption('phone')
    await form.getByRole('button', { name: 'Create' }).click()
    const card = op.locator('[data-testid=wo-card]', { hasText: 'water dripping' })
    await card.waitFor({ timeout: 5000 })
    await expect.poll(() => card.getAttribute('data-status'), { timeout: 5000 }).toBe('created')
    expect(await card.locator('[data-testid=sla]').textContent()).toMatch(/^accept in /)
    await screenshot(op, 'duty-board-1920.png')
  })

  it('submits a handover that the incoming operator signs', async () => {
    // The outgoing operator may not hand over while a P1 is unacked (CONTRACT.md §3): acknowledge it first.
    const alarms = await v.api('GET', `/api/v1/alarms?siteId=${SITE}`, { token: admin })
    for (const a of alarms.json.items as { id: string; acked: boolean }[]) if (!a.acked) await v.api('POST', `/api/v1/alarms/${a.id}/ack`, { token: admin, body: {} })
    const out = await browser({ width: 1920, height: 1080 })
    await signInAs(out, 'op1', PASSWORD)
    await out.locator('[data-testid=pane-handover-tab]').click()
    await out.locator('[data-testid=handover-draft]').waitFor()
    await out.getByLabel('Incoming operator').fill('op2').catch(async () => out.getByLabel('Incoming operator').selectOption('op2'))
    await out.getByLabel('Notes').fill('Lift D1 trapped passenger handled; waiting for verification.')
    await out.getByRole('button', { name: 'Sign and submit' }).click()
    await out.locator('[data-testid=handover-list] tr[data-status=pending]').waitFor({ timeout: 5000 })
    await screenshot(out, 'duty-handover-1920.png')

    const inc = await browser({ width: 1920, height: 1080 })
    await signInAs(inc, 'op2', PASSWORD)
    await inc.locator('[data-testid=pane-handover-tab]').click()
    const sign = inc.locator('[data-testid=handover-to-sign]')
    await sign.waitFor({ timeout: 5000 })
    await sign.getByRole('button', { name: 'Sign and take over' }).click()
    await inc.locator('[data-testid=handover-list] tr[data-status=signed]').waitFor({ timeout: 5000 })
  })
})
