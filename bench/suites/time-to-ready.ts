// Issue #8 item 8: from starting the demo (`node dist/bin/vigil.js all --demo`, what `npm run demo`
// runs, on ports 0 and an empty data folder) to a live wall display: the browser is already open,
// as a person's would be; the clock runs until the demo says it is running, the operator has
// signed in, and the page is live with every demo device on a tile.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DEMO_COUNTS } from '../../simulators/fleet-plan.js'
import { launchBrowser, openWall } from '../lib/browser.js'
import { spawnServer, VIGIL_ENTRY } from '../lib/server-process.js'
import { figure, type Figure } from '../lib/stats.js'

export interface TimeToReadyResult {
  readyMs: Figure
  listeningMs: Figure
}

const DEMO_TILES = Object.values(DEMO_COUNTS).reduce((a, b) => a + b, 0)

async function waitForLine(out: () => string, text: string, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs
  while (!out().includes(text)) {
    if (performance.now() > end) throw new Error(`the demo did not print "${text}" within ${timeoutMs} ms:\n${out().slice(-2000)}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

export async function benchTimeToReady(o: { runs: number; log: (line: string) => void }): Promise<TimeToReadyResult> {
  const ready: number[] = []
  const listening: number[] = []
  for (let run = 1; run <= o.runs; run++) {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-demo-'))
    const browser = await launchBrowser()
    const t0 = performance.now()
    const demo = await spawnServer({
      name: 'Vigil demo',
      args: [VIGIL_ENTRY, 'all', '--demo'],
      env: { VIGIL_MQTT_PORT: '0', VIGIL_HTTP_PORT: '0', VIGIL_HOST: '127.0.0.1', VIGIL_DATA_DIR: dir },
    })
    try {
      listening.push(performance.now() - t0)
      await waitForLine(demo.output, 'Vigil demo is running', 60_000)
      await openWall(browser.page, demo.http + '/', 'operator', 'operator-demo', DEMO_TILES)
      ready.push(performance.now() - t0)
      o.log(`  time to ready run ${run}: listening after ${(listening.at(-1)! / 1000).toFixed(2)} s, live wall display after ${(ready.at(-1)! / 1000).toFixed(2)} s`)
    } finally {
      await demo.stop()
      await browser.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return { readyMs: figure(ready), listeningMs: figure(listening) }
}
