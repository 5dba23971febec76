// The 10 dashboard clients (screens-worker.ts) as the bench drives them.
import { forkWorker } from './child.js'
import type { Credentials } from './fresh-token.js'
import type { FromScreens, ToScreens } from './screens-worker.js'

export interface Screens {
  counts(): Promise<{ device: number; alarm: number; connected: number; reconnects: number }>
  close(): Promise<void>
}

/** `login`: sign in again on a reconnection (runs longer than a token lives). */
export async function startScreens(o: { url: string; token: string; login?: Credentials; siteIds: string[]; clients: number }): Promise<Screens> {
  const w = forkWorker<ToScreens, FromScreens>(new URL('./screens-worker.ts', import.meta.url), 'dashboard clients')
  const r = await w.request({ cmd: 'init', ...o }, 'ready', 60_000)
  if (r.error !== null) {
    await w.kill()
    throw new Error(`dashboard clients could not connect: ${r.error}`)
  }
  return {
    async counts() {
      const s = await w.request({ cmd: 'snapshot' }, 'snapshot', 30_000)
      return { device: s.device, alarm: s.alarm, connected: s.connected, reconnects: s.reconnects }
    },
    async close() {
      await w.request({ cmd: 'close' }, 'closed', 10_000).catch(() => undefined)
      await w.kill()
    },
  }
}
