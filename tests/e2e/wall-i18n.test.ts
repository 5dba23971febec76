// Languages, themes and the keyboard on the wall display, in a real browser against a whole
// Vigil (issue #6 item 9): the language chosen on the login page carries into the wall and
// survives a reload; the light theme keeps alarm text legible; an alarm raised over MQTT is
// selected with j and acknowledged with a, while typing in a field never triggers a shortcut.
// The screenshots (test-results/) are the ones copied to docs/ for the README.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSite, type TestDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'
import { addDevice, ensureDashboardBuilt, openBrowser, screenshot, setSiteRule, signIn, startShift, type Browser, type FleetDevice } from './wall-harness.js'

const SITE = 'HQ'
const PASSWORD = 'engineer-password-1'

let v: TestVigil
let admin: string
const browsers: Browser[] = []
const devices = new Map<string, TestDevice>()

const pumps = (p1: object, p2: object) => [{ id: 'P1', role: 'duty', ...p1 }, { id: 'P2', role: 'standby', ...p2 }]
const FLEET: (FleetDevice & { telemetry: object })[] = [
  { id: 'EL-A-1', type: 'elevator', name: 'Lift A1', building: 'Tower A', floor: 1, telemetry: { serviceMode: 1, carStatus: 1, direction: 1, floor: 7, doorClosed: true, doorZone: false, occupied: true, loadPct: 35, speed: 1.6 } },
  { id: 'EL-A-2', type: 'elevator', name: 'Lift A2', building: 'Tower A', floor: 1, telemetry: { serviceMode: 1, carStatus: 0, direction: 0, floor: 1, doorClosed: false, doorZone: true, occupied: false, speed: 0 } },
  { id: 'EL-A-3', type: 'elevator', name: 'Lift A3', building: 'Tower A', floor: 1, telemetry: { serviceMode: 2, carStatus: 0, direction: 0, floor: 12, doorClosed: true, doorZone: true, occupied: false, speed: 0 } },
  { id: 'PS-A-1', type: 'pump', name: 'Booster A', building: 'Tower A', floor: -2, telemetry: { system: 'domestic', ctrlMode: 'auto', outletP: 0.31, setpointP: 0.45, levelPct: 72, pumps: pumps({ running: true, fault: 'none', freqHz: 48 }, { running: false, fault: 'none' }) } },
  { id: 'PS-A-2', type: 'pump', name: 'Sump A', building: 'Tower A', floor: -2, telemetry: { system: 'sump', ctrlMode: 'auto', levelPct: 41, floodWet: false, pumps: pumps({ running: false, fault: 'none' }, { running: false, fault: 'none' }) } },
  { id: 'FD-A-1', type: 'fire-door', name: 'Stair A · L3', building: 'Tower A', floor: 3, zone: 'Z1', attributes: { doorType: 'NC' }, telemetry: { doorType: 'NC', position: 'open' } },
  { id: 'FD-A-2', type: 'fire-door', name: 'Stair A · L4', building: 'Tower A', floor: 4, zone: 'Z1', attributes: { doorType: 'NC' }, telemetry: { doorType: 'NC', position: 'closed' } },
  { id: 'FD-B-1', type: 'fire-door', name: 'Corridor B · L2', building: 'Tower B', floor: 2, zone: 'Z2', attributes: { doorType: 'NO' }, telemetry: { doorType: 'NO', position: 'open', holder: 'energized' } },
  { id: 'AC-B-1', type: 'access-door', name: 'Lobby B', building: 'Tower B', floor: 1, attributes: { requiredLevel: 1 }, telemetry: { doorState: 'closed', lockState: 'locked' } },
  { id: 'AC-B-2', type: 'access-door', name: 'Car park gate', building: 'Tower B', floor: -1, attributes: { requiredLevel: 1 }, telemetry: { doorState: 'closed', lockState: 'locked' } },
  { id: 'EL-B-1', type: 'elevator', name: 'Lift B1', building: 'Tower B', floor: 1, telemetry: { serviceMode: 1, carStatus: 1, direction: 2, floor: 5, doorClosed: true, doorZone: false, occupied: false, speed: 1.5 } },
  { id: 'FACP-B', type: 'fire-panel', name: 'Fire panel B', building: 'Tower B', floor: 1, telemetry: { mains: true, battery: 'ok', fault: false } },
]

const dev = (id: string): TestDevice => {
  const d = devices.get(id)
  if (!d) throw new Error(`no device ${id}`)
  return d
}

async function browser(viewport?: { width: number; height: number }): Promise<Page> {
  const b = await openBrowser(viewport)
  browsers.push(b)
  return b.page
}

/** Runs an expression in the page (a string: this project's tsconfig has no DOM types). */
const inPage = <T>(page: Page, expression: string): Promise<T> => page.evaluate<T>(expression)

/** WCAG contrast ratio of an element's text colour against the first opaque background behind it. */
function contrastOf(page: Page, selector: string): Promise<number> {
  return inPage<number>(page, `(() => {
    const el = document.querySelector(${JSON.stringify(selector)})
    if (!el) throw new Error('no element ' + ${JSON.stringify(selector)})
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number)
    const ch = (x) => ((x /= 255) <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4)
    const lum = ([r, g, b]) => 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)
    let bg = [255, 255, 255]
    for (let n = el; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor)
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) { bg = c.slice(0, 3); break }
    }
    const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg)
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)
  })()`)
}

/** Chooses 简体中文 on the login page and signs in as admin with the Chinese labels. */
async function signInSimplified(page: Page, site = SITE): Promise<void> {
  await page.goto(`${v.http}/?site=${site}`)
  await page.locator('[data-testid=locale-select]').selectOption('zh-CN')
  await page.getByLabel('用户名').fill('admin')
  await page.getByLabel('密码').fill(v.adminPassword)
  await page.getByRole('button', { name: '登录' }).click()
  await page.locator('[data-testid=connection][data-status=live]').waitFor({ timeout: 10_000 })
}

beforeAll(async () => {
  ensureDashboardBuilt()
  v = await startTestVigil()
  admin = await v.login()
  await ensureSite(v, admin, SITE)
  // Short on-delays so the picture has alarms of several priorities within seconds.
  for (const rule of ['PU-01', 'FD-01', 'FD-02']) await setSiteRule(v, admin, SITE, rule, { onDelaySec: 1 })
  for (const d of FLEET) {
    const device = await addDevice(v, admin, SITE, d)
    devices.set(d.id, device)
    await device.send('telemetry', d.telemetry)
  }
  const r = await v.api('POST', '/api/v1/users', { token: admin, body: { username: 'eng1', password: PASSWORD, role: 'engineer', displayName: 'Wang Wei', skills: ['PLUMBING', 'ELEVATOR'] } })
  if (r.status !== 201 && r.status !== 200) throw new Error(`user eng1 → ${r.status} ${r.text}`)
  await startShift(v, 'eng1', PASSWORD)
}, 120_000)

afterAll(async () => {
  for (const b of browsers) await b.close()
  for (const d of devices.values()) await d.client.endAsync()
  await v?.stop()
})

describe('wall display: language, theme and keyboard', () => {
  let page: Page

  it('switches to 繁體中文 on the login page, signs in in Chinese and keeps it after a reload', async () => {
    page = await browser({ width: 1920, height: 1080 })
    await page.goto(`${v.http}/?site=${SITE}`)
    expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(1)
    await page.locator('[data-testid=locale-select]').selectOption('zh-TW')
    await page.getByRole('button', { name: '登入' }).waitFor()
    await page.reload()
    await page.getByLabel('使用者名稱').fill('admin')
    await page.getByLabel('密碼').fill('wrong-password')
    await page.getByRole('button', { name: '登入' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('使用者名稱或密碼錯誤')
    await screenshot(page, 'login-zh-TW.png')
    await page.getByLabel('密碼').fill(v.adminPassword)
    await page.getByRole('button', { name: '登入' }).click()
    await page.locator('[data-testid=connection][data-status=live]').waitFor({ timeout: 10_000 })
    expect(await inPage(page, 'document.documentElement.lang')).toBe('zh-TW')
    expect(await page.locator('[data-testid=pane-overview-tab]').textContent()).toContain('總覽')
    expect(await page.locator('[data-testid=count-normal]').textContent()).toContain('正常')
    expect(await page.locator('[data-testid=tab-active]').textContent()).toContain('目前')
    await page.reload()
    await page.locator('[data-testid=connection][data-status=live]').waitFor({ timeout: 10_000 })
    expect(await page.locator('[data-testid=pane-elevators-tab]').textContent()).toContain('電梯')
  })

  it('shows alarms raised over MQTT with their titles in Traditional Chinese', async () => {
    // PU-01 (P2) from the low booster pressure, FD-01 (P4) from the open NC door, and a forced door (AC-01, P3).
    await dev('PS-A-1').send('telemetry', { system: 'domestic', ctrlMode: 'auto', outletP: 0.3, setpointP: 0.45 })
    await dev('FD-A-1').send('telemetry', { doorType: 'NC', position: 'open' })
    await dev('AC-B-1').send('event', { event: 'forced_open', doorState: 'open' })
    const list = page.locator('[data-testid=active-list]')
    for (const rule of ['PU-01', 'FD-01', 'AC-01']) await list.locator(`[data-rule="${rule}"]`).waitFor({ timeout: 10_000 })
    expect(await list.locator('[data-rule="AC-01"]').textContent()).toContain('門遭強行開啟')
    expect(await list.locator('[data-rule="PU-01"] [data-testid=alarm-state]').textContent()).toBe('未確認')
    expect(await list.locator('[data-rule="PU-01"]').textContent()).toMatch(/\d+ 秒前/)
    await screenshot(page, 'wall-display-zh-TW.png')
  })

  it('opens the shortcut help with ?, switches panes with 2 and g o, and ignores keys typed in a field', async () => {
    await page.locator('body').press('?')
    const help = page.locator('[data-testid=shortcut-help]')
    await help.waitFor()
    expect(await help.textContent()).toContain('鍵盤快速鍵')
    expect(await help.textContent()).toContain('確認選取的警報')
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'detached' })

    await page.keyboard.press('2')
    await page.locator('[data-testid=pane-elevators]').waitFor()
    await page.keyboard.press('g')
    await page.keyboard.press('o')
    await page.locator('[data-testid=fleet-filters]').waitFor()

    // Typing in a field: neither the pane nor the alarms move.
    await page.locator('[data-testid=locale-select]').focus()
    await page.keyboard.press('j')
    await page.keyboard.press('a')
    await page.keyboard.press('3')
    expect(await page.locator('[data-testid=active-list] [data-selected=yes]').count()).toBe(0)
    expect(await page.locator('[data-testid=fleet-filters]').count()).toBe(1)
    expect(await page.locator('[data-testid=active-list] [data-testid=alarm][data-state=acked]').count()).toBe(0)
    await page.locator('[data-testid=locale-select]').blur()
  })

  it('acknowledges an alarm raised over MQTT from the keyboard: j to select it, a to acknowledge', async () => {
    await dev('AC-B-2').send('event', { event: 'forced_open', doorState: 'open' })
    const row = page.locator('[data-testid=active-list] [data-testid=alarm][data-rule="AC-01"]', { hasText: 'Car park gate' })
    await row.waitFor({ timeout: 10_000 })
    expect(await row.getAttribute('data-state')).toBe('unacked')
    const count = await page.locator('[data-testid=active-list] > li').count()
    for (let i = 0; i < count && (await row.getAttribute('data-selected')) !== 'yes'; i++) await page.keyboard.press('j')
    expect(await row.getAttribute('data-selected')).toBe('yes')
    expect(await page.locator('[data-testid=active-list] [data-selected=yes]').count()).toBe(1)
    await page.keyboard.press('a')
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 5000 }).toBe('acked')
    const id = await row.getAttribute('data-alarm-id')
    const r = await v.api('GET', `/api/v1/alarms/${id}`, { token: admin })
    expect((r.json as { ackedBy: string }).ackedBy).toBe('admin')
    // The others were left alone.
    expect(await page.locator('[data-testid=active-list] [data-rule="PU-01"]').getAttribute('data-state')).toBe('unacked')
  })

  it('leaves no English on any pane, the alarm drawer or the help in 繁體中文, apart from names and codes', async () => {
    // Names and codes come from the data or are international: device, building and user names, units, ids.
    const allowed = new Set([...FLEET.flatMap((d) => `${d.name} ${d.building}`.split(/\W+/)), 'Site', 'HQ', 'Vigil', 'VIGIL', 'English', 'admin', 'eng1', 'MPa', 'Hz', 'Enter', 'Esc', 'WebP'])
    const leftovers = new Map<string, string>()
    const scan = async (where: string) => {
      // Work-order ids are UUIDs: their letters are not words.
      const text = (await inPage<string>(page, 'document.body.innerText')).replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/g, '')
      for (const word of text.match(/[A-Za-z][A-Za-z0-9]+/g) ?? []) if (!allowed.has(word) && !/^[A-Z]{1,4}\d*$/.test(word)) leftovers.set(word, `${leftovers.get(word) ?? ''} ${where}`.trim())
    }
    const panes = ['fleet-filters', 'pane-elevators', 'pane-pumps', 'pane-fire-doors', 'pane-access-doors', 'floor-plans', 'pane-work-orders', 'handover-draft']
    for (const [i, testid] of panes.entries()) {
      await page.keyboard.press(String(i + 1))
      await page.locator(`[data-testid=${testid}]`).waitFor()
      if (testid === 'handover-draft') await page.locator('[data-testid=handover-draft] h3').first().waitFor()
      await scan(testid)
    }
    await page.keyboard.press('1')
    await page.keyboard.press('j')
    await page.keyboard.press('Enter')
    await page.locator('[data-testid=alarm-drawer] [data-testid=alarm-history]').waitFor({ timeout: 5000 })
    await scan('alarm drawer')
    await page.keyboard.press('Escape')
    await page.keyboard.press('?')
    await scan('shortcut help')
    await page.keyboard.press('Escape')
    expect(Object.fromEntries(leftovers)).toEqual({})
  })

  it('switches to the light theme, remembers it, and keeps alarm text legible', async () => {
    await page.locator('[data-testid=locale-select]').selectOption('en')
    await page.locator('[data-testid=theme-toggle]').click()
    expect(await inPage(page, 'document.documentElement.dataset.theme')).toBe('light')
    await page.reload()
    await page.locator('[data-testid=connection][data-status=live]').waitFor({ timeout: 10_000 })
    expect(await inPage(page, 'document.documentElement.dataset.theme')).toBe('light')
    expect(await page.locator('[data-testid=tab-active]').textContent()).toContain('Active')
    const bodyBg = await inPage(page, 'getComputedStyle(document.body).backgroundColor')
    expect(bodyBg).toBe('rgb(238, 241, 244)')
    // Every priority badge, alarm title and state word at least 4.5:1 (WCAG AA), flashing or not.
    await page.locator('[data-testid=active-list] [data-rule="PU-01"]').waitFor()
    for (let phase = 0; phase < 2; phase++) {
      for (const sel of ['[data-rule="PU-01"] .prio', '[data-rule="PU-01"] .text', '[data-rule="PU-01"] .state', '[data-rule="FD-01"] .prio', '[data-rule="FD-01"] .text', '[data-rule="AC-01"] .prio']) {
        expect(await contrastOf(page, `[data-testid=active-list] ${sel}`), sel).toBeGreaterThanOrEqual(4.5)
      }
      // The wall blinks twice a second: check the other phase too.
      const blinking = await page.locator('.wall.blink').count()
      await expect.poll(() => page.locator('.wall.blink').count(), { timeout: 3000 }).toBe(1 - blinking)
    }
    await screenshot(page, 'wall-light.png')
    // Every pane and the alarm drawer in the light theme, for a person to look at (test-results/).
    for (const [i, testid] of ['pane-elevators', 'pane-pumps', 'pane-fire-doors', 'pane-access-doors', 'floor-plans', 'pane-work-orders', 'pane-handover'].entries()) {
      await page.keyboard.press(String(i + 2))
      await page.locator(`[data-testid=${testid}]`).waitFor()
      await screenshot(page, `wall-light-${testid.replace('pane-', '')}.png`)
    }
    await page.keyboard.press('1')
    await page.locator('[data-testid=active-list] [data-rule="PU-01"] .more').click()
    await page.locator('[data-testid=alarm-drawer] [data-testid=alarm-history]').waitFor()
    await screenshot(page, 'wall-light-alarm-drawer.png')
    await page.keyboard.press('Escape')
    await page.locator('[data-testid=theme-toggle]').click()
    expect(await inPage(page, 'document.documentElement.dataset.theme')).toBe('dark')
  })

  it('scales the wall up on a 4K screen so it reads like the 1080p one', async () => {
    const big = await browser({ width: 3840, height: 2160 })
    await signIn(big, v, `?site=${SITE}`)
    await big.locator('[data-testid=active-list] [data-rule="PU-01"]').waitFor({ timeout: 10_000 })
    // The header is twice as tall in screen pixels as at 1080p, and the page still fits the screen.
    const header = await inPage<number>(big, "document.querySelector('header').getBoundingClientRect().height * Number(getComputedStyle(document.documentElement).zoom || 1)")
    expect(header).toBeGreaterThanOrEqual(150)
    expect(await inPage(big, 'document.documentElement.scrollHeight <= window.innerHeight + 1')).toBe(true)
    await screenshot(big, 'wall-display-4k.png')
  })
})

describe('wall display: connection lost', () => {
  // A site of its own: by now HQ has had more than 10 alarms in 10 minutes (how many depends on how
  // fast the tests above ran), and in flood mode its P4s fold into one row per device.
  const LINK_SITE = 'LINK'
  const DOOR: FleetDevice = { id: 'FD-L-1', type: 'fire-door', name: 'Stair L · L2', building: 'Link block', floor: 2, zone: 'Z9', attributes: { doorType: 'NC' } }

  beforeAll(async () => {
    await ensureSite(v, admin, LINK_SITE)
    await setSiteRule(v, admin, LINK_SITE, 'FD-01', { onDelaySec: 1 })
    const door = await addDevice(v, admin, LINK_SITE, DOOR)
    devices.set(DOOR.id, door)
    await door.send('telemetry', { doorType: 'NC', position: 'closed' })
  })

  it('shows the lost link in words while it is down, then resubscribes and shows what happened meanwhile', async () => {
    const page = await browser({ width: 1920, height: 1080 })
    // Every socket.io connection goes through the test: it can cut them and refuse new ones.
    let cut = false
    const open: { close(): Promise<void> }[] = []
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (cut) return void ws.close()
      ws.connectToServer()
      open.push(ws)
    })
    await page.route(/\/socket\.io\/.*transport=polling/, (route) => (cut ? route.abort() : route.continue()))
    await signInSimplified(page, LINK_SITE)
    expect(await page.locator('[data-testid=connection-lost]').count()).toBe(0)

    cut = true
    for (const ws of open.splice(0)) await ws.close()
    const banner = page.locator('[data-testid=connection-lost]')
    await banner.waitFor({ timeout: 5000 })
    expect(await banner.textContent()).toContain('与 Vigil 的连接已中断')
    expect(await page.locator('[data-testid=connection]').getAttribute('data-status')).toBe('reconnecting')

    // While the wall is cut off, a stair door is left open (FD-01 after 1 s).
    await dev(DOOR.id).send('telemetry', { doorType: 'NC', position: 'open' })
    const missed = page.locator('[data-testid=active-list] [data-rule="FD-01"]', { hasText: DOOR.id })
    // Vigil has raised it; the wall, cut off, has not heard of it.
    await expect
      .poll(async () => ((await v.api('GET', `/api/v1/alarms?state=active&siteId=${LINK_SITE}`, { token: admin })).json as { items: { ruleId: string; deviceId: string }[] }).items.some((a) => a.ruleId === 'FD-01' && a.deviceId === DOOR.id), { timeout: 10_000 })
      .toBe(true)
    expect(await missed.count()).toBe(0)

    cut = false
    await page.locator('[data-testid=connection][data-status=live]').waitFor({ timeout: 15_000 })
    await banner.waitFor({ state: 'detached' })
    await missed.waitFor({ timeout: 5000 })
    expect(await missed.textContent()).toContain('常闭消防门未关')
  })
})

describe('wall display: a P1 emergency in 简体中文', () => {
  it('takes over the wall in Chinese and is acknowledged with the a key', async () => {
    const page = await browser({ width: 1920, height: 1080 })
    await signInSimplified(page)
    // A passenger in the stopped car holds the alarm button (EL-03 raises at once for a call that lasted over 3 s).
    await dev('EL-B-1').send('telemetry', { serviceMode: 1, carStatus: 0, direction: 0, floor: 5, doorClosed: true, doorZone: true, occupied: true, speed: 0 })
    await dev('EL-B-1').send('event', { event: 'alarmCall', durationMs: 4200 })
    const banner = page.locator('[data-testid=p1-banner]')
    await banner.waitFor({ timeout: 10_000 })
    const text = (await banner.textContent()) ?? ''
    expect(text).toContain('轿厢内紧急呼叫')
    expect(text).toContain('P1 · 紧急')
    expect(text).toContain('已等待')
    await screenshot(page, 'wall-p1-zh-CN.png')
    await page.keyboard.press('a')
    await banner.waitFor({ state: 'detached', timeout: 10_000 })
    const id = await page.locator('[data-testid=active-list] [data-rule="EL-03"]').getAttribute('data-alarm-id')
    const r = await v.api('GET', `/api/v1/alarms/${id}`, { token: admin })
    expect((r.json as { acked: boolean; ackedBy: string }).ackedBy).toBe('admin')
  })
})

describe('phone view: language and theme', () => {
  it('shows the engineer their work orders in 简体中文 on a light screen at 390×844', async () => {
    const wo = await v.api('POST', '/api/v1/work-orders', { token: admin, body: { siteId: SITE, deviceId: 'PS-A-1', title: '住户来电：A 座 12 楼水压不足', priority: 3, skill: 'PLUMBING', source: 'operator' } })
    if (wo.status !== 201) throw new Error(`work order → ${wo.status} ${wo.text}`)
    const id = (wo.json as { id: string }).id
    const assigned = await v.api('POST', `/api/v1/work-orders/${id}/assign`, { token: admin, body: { assignee: 'eng1' } })
    if (assigned.status !== 200) throw new Error(`assign → ${assigned.status} ${assigned.text}`)
    const phone = await browser({ width: 390, height: 844 })
    await phone.goto(`${v.http}/`)
    await phone.locator('[data-testid=locale-select]').selectOption('zh-CN')
    await phone.getByLabel('用户名').fill('eng1')
    await phone.getByLabel('密码').fill(PASSWORD)
    await phone.getByRole('button', { name: '登录' }).click()
    const card = phone.locator(`[data-testid=my-work-order][data-id="${id}"]`)
    await card.waitFor({ timeout: 10_000 })
    expect(await inPage(phone, 'document.documentElement.dataset.theme')).toBe('light')
    expect(await card.locator('[data-testid=wo-status]').textContent()).toBe('已派单')
    expect(await card.getByRole('button', { name: '接单' }).count()).toBe(1)
    expect(await phone.locator('h1').textContent()).toContain('我的工单')
    await screenshot(phone, 'phone-view.png')
  })
})
