// The wall display's alarm handling in a real browser against a whole Vigil (issue #6 items 1-4):
// arming the sound, shelving with a reason into the Shelved list, the alarm's history, a P1
// taking over the wall with the siren, ending a latched alarm with a note, and alarm-flood mode
// after 11 quick P3 alarms with P1 kept on top. Alarms are raised over MQTT as devices would;
// AC-01 forced_open raises at once, EL-03's alarmCall event at once, AC-02 waits 1 s here.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSite, type TestDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'
import { addDevice, ensureDashboardBuilt, openBrowser, screenshot, setSiteRule, signIn, type Browser, type FleetDevice } from './wall-harness.js'

const SITE = 'WALL'
const FLOOD_SITE = 'FLD'

let v: TestVigil
let admin: string
let browser: Browser
let page: Page
const devices = new Map<string, TestDevice>()

const FLEET: (FleetDevice & { telemetry?: object })[] = [
  { id: 'EL-W-1', type: 'elevator', name: 'Lift W1', building: 'Tower W', floor: 1, telemetry: { serviceMode: 1, carStatus: 0, direction: 0, floor: 9, doorClosed: true, doorZone: true, occupied: true, loadPct: 20, speed: 0 } },
  { id: 'EL-W-2', type: 'elevator', name: 'Lift W2', building: 'Tower W', floor: 1, telemetry: { serviceMode: 1, carStatus: 1, direction: 1, floor: 4, doorClosed: true, doorZone: false, occupied: false, speed: 1.5 } },
  { id: 'AC-W-1', type: 'access-door', name: 'Service corridor', building: 'Tower W', floor: 1, attributes: { requiredLevel: 1 }, telemetry: { doorState: 'closed', lockState: 'locked' } },
  { id: 'FD-W-1', type: 'fire-door', name: 'Stair W · L2', building: 'Tower W', floor: 2, zone: 'Z1', attributes: { doorType: 'NC' }, telemetry: { doorType: 'NC', position: 'closed' } },
]
const FLOOD_DOORS = Array.from({ length: 12 }, (_, i) => `AC-F-${String(i + 1).padStart(2, '0')}`)

const dev = (id: string): TestDevice => {
  const d = devices.get(id)
  if (!d) throw new Error(`no device ${id}`)
  return d
}
const sound = () => page.locator('[data-testid=sound-control]')
const activeRow = (rule: string) => page.locator(`[data-testid=active-list] [data-testid=alarm][data-rule="${rule}"]`)

async function arm(): Promise<void> {
  await sound().click()
  await expect.poll(() => sound().getAttribute('data-state')).toBe('armed')
}

beforeAll(async () => {
  ensureDashboardBuilt()
  v = await startTestVigil()
  admin = await v.login()
  await ensureSite(v, admin, SITE)
  await ensureSite(v, admin, FLOOD_SITE)
  for (const d of FLEET) {
    const device = await addDevice(v, admin, SITE, d)
    devices.set(d.id, device)
    if (d.telemetry) await device.send('telemetry', d.telemetry)
  }
  for (const [i, id] of FLOOD_DOORS.entries()) {
    const device = await addDevice(v, admin, FLOOD_SITE, { id, type: 'access-door', name: `Door F${i + 1}`, building: 'Tower F', floor: 1 + (i % 4), attributes: { requiredLevel: 1 } })
    devices.set(id, device)
    await device.send('telemetry', { doorState: 'closed', lockState: 'locked' })
  }
  const lift = await addDevice(v, admin, FLOOD_SITE, { id: 'EL-F-1', type: 'elevator', name: 'Lift F1', building: 'Tower F', floor: 1 })
  devices.set('EL-F-1', lift)
  await lift.send('telemetry', { serviceMode: 1, carStatus: 0, direction: 0, floor: 3, doorClosed: true, doorZone: true, occupied: true, speed: 0 })
  // AC-02 (door held open) waits 30 s by default; 1 s gives the flood's devices a second alarm each.
  await setSiteRule(v, admin, FLOOD_SITE, 'AC-02', { onDelaySec: 1 })
  browser = await openBrowser()
  page = browser.page
}, 120_000)

afterAll(async () => {
  await browser?.close()
  for (const d of devices.values()) await d.client.endAsync()
  await v?.stop()
})

describe('wall display: alarm handling', () => {
  it('asks for sound to be armed after sign-in and arms an AudioContext on the click', async () => {
    await signIn(page, v, `?site=${SITE}`)
    expect(await sound().getAttribute('data-state')).toBe('off')
    expect(await sound().textContent()).toContain('Arm sound')
    await arm()
    expect(await sound().getAttribute('data-audio-context')).toBe('running')
    expect(await sound().textContent()).toContain('Sound armed')
  })

  it('chimes once for a new P3 and shelves it with a reason into the Shelved list with the time left', async () => {
    const before = Number(await sound().getAttribute('data-sound-count'))
    await dev('AC-W-1').send('event', { event: 'forced_open', doorState: 'open' })
    const row = activeRow('AC-01')
    await row.waitFor({ timeout: 5000 })
    expect(await row.getAttribute('data-state')).toBe('unacked')
    await expect.poll(() => sound().getAttribute('data-last-sound')).toBe('chime')
    expect(Number(await sound().getAttribute('data-sound-count'))).toBe(before + 1)

    await row.getByRole('button', { name: /Details for/ }).click()
    const drawer = page.locator('[data-testid=alarm-drawer]')
    await drawer.getByRole('button', { name: 'Shelve…' }).click()
    await drawer.getByLabel('Duration').selectOption({ label: '2 h' })
    await drawer.getByLabel('Reason').fill('Guard on site, door held for a furniture delivery')
    await drawer.getByRole('button', { name: 'Shelve', exact: true }).click()
    await expect.poll(() => drawer.getAttribute('data-state')).toBe('shelved')
    await expect.poll(() => row.count()).toBe(0)
    expect(await page.locator('[data-testid=count-shelved]').textContent()).toBe('1')
    await drawer.getByRole('button', { name: 'Close' }).click()

    await page.locator('[data-testid=tab-shelved]').click()
    const shelved = page.locator('[data-testid=shelved-list] [data-testid=hidden-alarm][data-rule="AC-01"]')
    await shelved.waitFor()
    // 2 h on a running clock: "1 h 59 min left" or, within the first minute, "2 h 00 min left".
    expect(await shelved.locator('[data-testid=shelf-left]').textContent()).toMatch(/^(1 h 59|2 h 00) min left$/)
    await screenshot(page, 'wall-shelved.png')
  })

  it("shows the alarm's history: at, actor, action, from → to, note", async () => {
    await page.locator('[data-testid=shelved-list] [data-rule="AC-01"] button', { hasText: 'Door forced open' }).click()
    const history = page.locator('[data-testid=alarm-drawer] [data-testid=alarm-history]')
    await history.waitFor()
    const shelveRow = history.locator('tr[data-action=shelve]')
    await shelveRow.waitFor()
    const text = await shelveRow.textContent()
    expect(text).toContain('admin')
    expect(text).toContain('Unacknowledged → Shelved')
    expect(text).toContain('Guard on site, door held for a furniture delivery')
    expect(await history.locator('tbody tr').count()).toBeGreaterThanOrEqual(2)
    await screenshot(page, 'wall-alarm-history.png')
    await page.locator('[data-testid=alarm-drawer]').getByRole('button', { name: 'Close' }).click()
    await page.locator('[data-testid=tab-active]').click()
  })

  it('takes over the wall for a P1 with the siren until it is acknowledged; P1 cannot be shelved', async () => {
    await dev('EL-W-1').send('event', { event: 'alarmCall', durationMs: 4200 })
    const banner = page.locator('[data-testid=p1-banner]')
    await banner.waitFor({ timeout: 5000 })
    expect(await banner.textContent()).toContain('Alarm call from the car')
    expect(await banner.textContent()).toContain('Lift W1')
    await expect.poll(() => sound().getAttribute('data-siren')).toBe('on')
    expect(await sound().getAttribute('data-last-sound')).toBe('siren')
    await screenshot(page, 'wall-p1-takeover.png')

    // Dismissed to the list, it keeps sounding, and a strip brings it back.
    await banner.getByRole('button', { name: 'Show the alarm list' }).click()
    await page.locator('[data-testid=p1-strip]').waitFor()
    expect(await sound().getAttribute('data-siren')).toBe('on')
    const row = activeRow('EL-03')
    expect(await page.locator('[data-testid=active-list] > li').first().getAttribute('data-rule')).toBe('EL-03')

    await row.getByRole('button', { name: /Details for/ }).click()
    const drawer = page.locator('[data-testid=alarm-drawer]')
    expect(await drawer.getByRole('button', { name: 'Shelve…' }).isDisabled()).toBe(true)
    expect(await drawer.locator('[data-testid=shelve-why]').textContent()).toContain('can never be shelved')
    await drawer.getByRole('button', { name: 'Close' }).click()

    await row.getByRole('button', { name: 'Acknowledge' }).click()
    await expect.poll(() => sound().getAttribute('data-siren')).toBe('off')
    expect(await page.locator('[data-testid=p1-strip]').count()).toBe(0)
    expect(await banner.count()).toBe(0)
  })

  it('ends a latched alarm with a required note, recorded in its history', async () => {
    const row = activeRow('EL-03')
    // EL-03 latches once the car reports the call over (EN 81-28: ended by a competent person).
    await dev('EL-W-1').send('telemetry', { alarmButton: false })
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 5000 }).toBe('latched')
    await row.getByRole('button', { name: 'End alarm…' }).click()
    const drawer = page.locator('[data-testid=alarm-drawer]')
    const submit = drawer.getByRole('button', { name: 'End alarm', exact: true })
    expect(await submit.isDisabled()).toBe(true)
    await drawer.getByLabel('Note').fill('Voice contact: no entrapment, passenger pressed by mistake')
    await submit.click()
    await expect.poll(() => row.count()).toBe(0)
    await expect.poll(() => drawer.getAttribute('data-state')).toBe('normal')
    const reset = drawer.locator('[data-testid=alarm-history] tr[data-action=reset]')
    await reset.waitFor()
    expect(await reset.textContent()).toContain('Latched · awaiting reset → Normal')
    expect(await reset.textContent()).toContain('Voice contact: no entrapment')
    await drawer.getByRole('button', { name: 'Close' }).click()
    expect(browser.errors).toEqual([])
  })
})

describe('wall display: alarm flood', () => {
  it('shows the flood banner after 11 quick P3 alarms and groups P3/P4 per device, silently', async () => {
    await page.goto(`${v.http}/?site=${FLOOD_SITE}`)
    await page.locator('[data-testid=connection][data-status=live]').waitFor({ timeout: 10_000 })
    // A reload needs a new gesture before the browser allows sound again.
    await arm()
    for (const id of FLOOD_DOORS.slice(0, 11)) await dev(id).send('event', { event: 'forced_open', doorState: 'open' })
    const banner = page.locator('[data-testid=flood-banner]')
    await banner.waitFor({ timeout: 5000 })
    expect(await banner.textContent()).toContain('Alarm flood')
    await expect.poll(() => page.locator('[data-testid=alarm-group]').count()).toBe(11)
    expect(await page.locator('[data-testid=active-list] [data-testid=alarm]').count()).toBe(0)
    // AC-02 (held open, P4) joins each door's group: a count per device.
    await expect.poll(() => page.locator('[data-testid=alarm-group][data-count="2"]').count(), { timeout: 5000 }).toBe(11)

    // During the flood a new P3 is listed in its group and makes no sound.
    const sounds = await sound().getAttribute('data-sound-count')
    const last = FLOOD_DOORS[11]!
    await dev(last).send('event', { event: 'forced_open', doorState: 'open' })
    await page.locator(`[data-testid=alarm-group][data-device-id="${last}"]`).waitFor({ timeout: 5000 })
    expect(await sound().getAttribute('data-sound-count')).toBe(sounds)
  })

  it('keeps a P1 individual on top of the flooded list, with the siren', async () => {
    await dev('EL-F-1').send('event', { event: 'alarmCall', durationMs: 5000 })
    const banner = page.locator('[data-testid=p1-banner]')
    await banner.waitFor({ timeout: 5000 })
    await expect.poll(() => sound().getAttribute('data-siren')).toBe('on')
    await banner.getByRole('button', { name: 'Show the alarm list' }).click()
    const first = page.locator('[data-testid=active-list] > li').first()
    expect(await first.getAttribute('data-rule')).toBe('EL-03')
    expect(await first.getAttribute('data-testid')).toBe('alarm')
    await screenshot(page, 'wall-flood.png')
    expect(browser.errors).toEqual([])
  })
})
