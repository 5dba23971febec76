// The scaled clock (VIGIL_CLOCK_SCALE) never runs a timer before the time it was set for on its
// own clock. Node times a delay from its event loop's cached millisecond, so without the re-check
// a timer wakes up to a real millisecond early, which at 600× is 600 of Vigil's, and a caller that
// compares the wake-up time with a stored due time (a shelf's end) would ignore it for ever.
import { describe, expect, it } from 'vitest'
import { createScaledClock } from '../../services/adapters/clock.js'

describe('scaled clock timers', () => {
  it('wakes every timer at or after its due time on the scaled clock', async () => {
    const clock = createScaledClock(600)
    const early: number[] = []
    const fired = await Promise.all(Array.from({ length: 300 }, (_, i) => new Promise<number>((resolve) => {
      const due = clock.now() + 100 + i * 37
      clock.setTimeout(() => {
        if (clock.now() < due) early.push(due - clock.now())
        resolve(i)
      }, due - clock.now())
    })))
    expect(fired).toHaveLength(300)
    expect(early).toEqual([])
  })

  it('never runs a cancelled timer, and runs the others', async () => {
    const clock = createScaledClock(600)
    const ran: number[] = []
    // 12 to 42 of Vigil's seconds: 20 to 70 real milliseconds.
    const handles = Array.from({ length: 50 }, (_, i) => clock.setTimeout(() => { ran.push(i) }, 12_000 + i * 600))
    await new Promise((r) => setTimeout(r, 5))
    handles.forEach((h, i) => { if (i % 2 === 0) h.cancel() })
    await new Promise((r) => setTimeout(r, 120))
    expect(ran).toEqual(Array.from({ length: 25 }, (_, k) => 2 * k + 1))
  })
})
