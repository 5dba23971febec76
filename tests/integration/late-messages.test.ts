// Issue #10 item 4 (DOMAIN.md §2): duplicates dropped, readings older than the last processed seq
// stored but ignored for rule state, durations timed on Vigil's clock, never the device's. What
// tests/integration/ingest.test.ts does not cover: a device clock years off, and a replayed
// buffer arriving in the middle of an on-delay, must neither corrupt the live state nor move a timer.
import { afterEach, describe, expect, it } from 'vitest'
import { createManualClock } from '../../services/adapters/clock.js'
import type { IngestServiceWithStats } from '../../services/ingest/ingest.service.js'
import { connectDevice, ensureSite, waitFor, type TestDevice } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

const T0 = Date.UTC(2026, 5, 1, 8, 0, 0)
const YEAR = 365 * 86_400_000
let vigil: TestVigil | null = null
afterEach(async () => {
  await vigil?.stop()
  vigil = null
})

async function heldOpenDoor(): Promise<{ v: TestVigil; clock: ReturnType<typeof createManualClock>; door: TestDevice; token: string }> {
  const clock = createManualClock(T0)
  const v = (vigil = await startTestVigil({ clock }))
  const token = await v.login()
  await ensureSite(v, token, 'L1')
  const door = await connectDevice(v, token, { id: 'door-1', siteId: 'L1', type: 'access-door' })
  return { v, clock, door, token }
}

/** On PostgreSQL the raise commits after the clock's advance returns: wait for it rather than read once. */
const raisedHeldOpen = (v: TestVigil, token: string): Promise<{ raisedAt: string }> =>
  waitFor('AC-02 raised', async () => (await heldOpenAlarms(v, token))[0] ?? null)

const heldOpenAlarms = async (v: TestVigil, token: string): Promise<Array<{ raisedAt: string }>> =>
  (await v.api('GET', '/api/v1/alarms?state=all&deviceId=door-1', { token })).json.items.filter((a: { ruleId: string }) => a.ruleId === 'AC-02')

/** Advances Vigil's clock with the door's 20 s heartbeat, as the door itself would. */
async function pass(clock: ReturnType<typeof createManualClock>, door: TestDevice, seconds: number, seq: { n: number }): Promise<void> {
  for (let s = 0; s < seconds; s += 10) {
    await clock.advance(Math.min(10, seconds - s) * 1000)
    await door.send('telemetry', { doorState: 'open', seq: ++seq.n })
  }
}

describe('a device clock far off, and a replayed buffer', () => {
  it('times the held-open delay on Vigil\'s clock when the device stamps its messages ten years ahead', async () => {
    const { v, clock, door, token } = await heldOpenDoor()
    const seq = { n: 100 }
    await door.send('telemetry', { doorState: 'open', seq: ++seq.n, ts: T0 + 10 * YEAR })
    expect(v.services.liveState.get('door-1')!.lastSeen).toBe(new Date(T0).toISOString())
    await pass(clock, door, 29, seq)
    expect(await heldOpenAlarms(v, token)).toEqual([])
    await pass(clock, door, 1, seq)
    const alarm = await raisedHeldOpen(v, token)
    expect(alarm.raisedAt).toBe(new Date(T0 + 30_000).toISOString())
  })

  it('keeps the delay running through a replay of old readings and repeated seqs, and stores the replay', async () => {
    const { v, clock, door, token } = await heldOpenDoor()
    const seq = { n: 500 }
    await door.send('telemetry', { doorState: 'open', seq: ++seq.n })
    await pass(clock, door, 20, seq)
    // The controller replays its buffer from before the door opened: old seqs, a ts from years ago.
    for (let old = 480; old < 490; old++) await door.send('telemetry', { doorState: 'closed', seq: old, ts: T0 - 3 * YEAR + old })
    // And a resend of a seq it already delivered.
    await door.send('telemetry', { doorState: 'closed', seq: seq.n })
    expect(v.services.liveState.get('door-1')!.state.doorState).toBe('open')
    expect((v.services.ingest as IngestServiceWithStats).stats()).toMatchObject({ outOfOrder: 10, duplicates: 1 })
    await pass(clock, door, 9, seq)
    expect(await heldOpenAlarms(v, token)).toEqual([])
    await pass(clock, door, 1, seq)
    const alarm = await raisedHeldOpen(v, token)
    expect(alarm.raisedAt).toBe(new Date(T0 + 30_000).toISOString())

    // The replay is history, at the device's own timestamps; the repeated seq is not stored twice.
    const history = await v.api('GET', `/api/v1/devices/door-1/telemetry?field=doorState&from=${T0 - 4 * YEAR}&to=${T0 + YEAR}`, { token })
    const closed = history.json.points.filter((p: { v: string }) => p.v === 'closed')
    expect(closed.map((p: { t: number }) => p.t)).toEqual(Array.from({ length: 10 }, (_, i) => T0 - 3 * YEAR + 480 + i))
  })

  it('refuses a timestamp outside 2000-2100 as bad-timestamp, and the live state is untouched', async () => {
    const { v, door } = await heldOpenDoor()
    await door.send('telemetry', { doorState: 'open', seq: 1 })
    await door.send('telemetry', { doorState: 'closed', seq: 2, ts: Date.UTC(1970, 0, 2) })
    await door.send('telemetry', { doorState: 'closed', seq: 3, ts: Date.UTC(2150, 0, 1) })
    expect(v.services.liveState.get('door-1')!.state.doorState).toBe('open')
    const { items } = await v.services.repos.rejections.list({ deviceId: 'door-1' }, { limit: 10 })
    expect(items.map((r) => r.reason)).toEqual(['bad-timestamp', 'bad-timestamp'])
  })
})
