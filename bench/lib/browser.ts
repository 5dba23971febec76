// Headless Chromium through playwright-core (STACK.md "Chromium and Playwright": Debian's
// /usr/bin/chromium and these flags), and the wall display's login as a person does it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export interface Browser {
  page: Page
  close(): Promise<void>
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'vigil-bench-chromium-'))
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1920, height: 1080 },
    args: FLAGS,
  })
  const page = context.pages()[0] ?? (await context.newPage())
  return {
    page,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** Opens the wall display, signs in through the form and waits until it is live with at least `tiles` tiles. */
export async function openWall(page: Page, url: string, user: string, password: string, tiles: number, timeoutMs = 60_000): Promise<void> {
  await page.goto(url)
  await page.getByLabel('Username').fill(user)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.locator('[data-testid=connection][data-status=live]').waitFor({ timeout: timeoutMs })
  // Above a few hundred devices the overview draws only the tiles in view, so count the fleet the
  // filter bar reports ("5000 devices" / "12 of 5000 devices") as well as the tiles drawn.
  await page.waitForFunction(`(() => {
    const n = ${Math.round(tiles)}
    if (document.querySelectorAll('[data-testid=tile]').length >= n) return true
    const m = /(\\d+) devices/.exec(document.querySelector('[data-testid=fleet-shown]')?.textContent ?? '')
    return m !== null && Number(m[1]) >= n && document.querySelectorAll('[data-testid=tile]').length > 0
  })()`, undefined, { timeout: timeoutMs, polling: 100 })
}

/** requestAnimationFrame intervals over `ms`: the frame times a person watching the wall sees. */
export function frameTimes(page: Page, ms: number): Promise<number[]> {
  // A string, not a function: tsx's transform would wrap named functions in a helper the page lacks.
  return page.evaluate(`new Promise((resolve) => {
    const deltas = []
    let last = performance.now()
    const end = last + ${Math.round(ms)}
    const frame = (t) => {
      deltas.push(t - last)
      last = t
      if (t < end) requestAnimationFrame(frame)
      else resolve(deltas)
    }
    requestAnimationFrame(frame)
  })`) as Promise<number[]>
}
