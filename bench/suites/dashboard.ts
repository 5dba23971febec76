// Issue #8 item 7: the wall display's overview in Chromium with thousands of devices on screen and
// ~1,000 state changes per second arriving over socket.io; frame time p95 from
// requestAnimationFrame intervals. And the JavaScript it ships, gzipped, from dashboard/dist.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { setTimeout as sleep } from 'node:timers/promises'
import { frameTimes, launchBrowser, openWall } from '../lib/browser.js'
import type { LoadFleet } from '../lib/load-fleet.js'
import { ROOT } from '../lib/server-process.js'
import { figure, percentile, type Figure } from '../lib/stats.js'
import { ADMIN_PASSWORD } from '../lib/vigil-session.js'

const MEASURE_MS = 8000

export interface DashboardResult {
  tiles: number
  stateChangesPerSec: number
  frameP95Ms: Figure
  frameP50Ms: Figure
  openMs: number
}

export interface BundleSize {
  files: string[]
  rawKB: number
  gzipKB: number
}

/** Every script in dashboard/dist/assets, gzipped at level 9 as a static server would precompress it. */
export function dashboardJsSize(): BundleSize {
  const dir = path.join(ROOT, 'dashboard/dist/assets')
  const files = readdirSync(dir).filter((f) => f.endsWith('.js'))
  let raw = 0
  let gz = 0
  for (const f of files) {
    const buf = readFileSync(path.join(dir, f))
    raw += buf.length
    gz += gzipSync(buf, { level: 9 }).length
  }
  return { files, rawKB: Math.round(raw / 102.4) / 10, gzipKB: Math.round(gz / 102.4) / 10 }
}

/**
 * `fleet` holds the devices of `siteId` and as many others, interleaved, so `rate` total means
 * rate / 2 state changes per second on the screen.
 */
export async function benchDashboard(o: { http: string; siteId: string; tiles: number; fleet: LoadFleet; rate: number; onScreenShare: number; runs: number; log: (line: string) => void }): Promise<DashboardResult> {
  const browser = await launchBrowser()
  try {
    const t = performance.now()
    await openWall(browser.page, `${o.http}/?site=${o.siteId}`, 'admin', ADMIN_PASSWORD, o.tiles, 120_000)
    const openMs = performance.now() - t
    o.log(`  wall display open with ${o.tiles} tiles after ${(openMs / 1000).toFixed(1)} s`)
    o.fleet.setRate(o.rate, 1)
    await sleep(1000)
    const p95: number[] = []
    const p50: number[] = []
    for (let run = 1; run <= o.runs; run++) {
      const d = await frameTimes(browser.page, MEASURE_MS)
      p95.push(percentile(d, 95))
      p50.push(percentile(d, 50))
      o.log(`  dashboard run ${run}: ${d.length} frames in ${MEASURE_MS / 1000} s, p50 ${p50.at(-1)!.toFixed(1)} ms, p95 ${p95.at(-1)!.toFixed(1)} ms`)
    }
    o.fleet.setRate(0, 1)
    return { tiles: o.tiles, stateChangesPerSec: o.rate * o.onScreenShare, frameP95Ms: figure(p95), frameP50Ms: figure(p50), openMs }
  } finally {
    await browser.close()
  }
}
