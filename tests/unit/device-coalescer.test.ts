// The `device` event window (CONTRACT.md §4: at most one per device per 250 ms, the latest),
// driven by the manual clock.
import { describe, expect, it } from 'vitest'
import { createManualClock } from '../../services/adapters/clock.js'
import { createCoalescer } from '../../services/realtime/device-coalescer.js'

function setup() {
  const clock = createManualClock(0)
  const sent: { at: number; key: string; value: number }[] = []
  const c = createCoalescer<number>({ windowMs: 250, timer: clock, send: (key, value) => sent.push({ at: clock.now(), key, value }) })
  return { clock, sent, c }
}

describe('device event coalescer', () => {
  it('sends the first change of a quiet device at once', () => {
    const { sent, c } = setup()
    c.push('d1', 1)
    expect(sent).toEqual([{ at: 0, key: 'd1', value: 1 }])
  })

  it('merges changes inside the window and sends only the latest when it ends', async () => {
    const { clock, sent, c } = setup()
    c.push('d1', 1)
    for (let v = 2; v <= 20; v++) {
      await clock.advance(5)
      c.push('d1', v)
    }
    expect(sent.map((s) => s.value)).toEqual([1])
    await clock.advance(250)
    expect(sent).toEqual([
      { at: 0, key: 'd1', value: 1 },
      { at: 250, key: 'd1', value: 20 },
    ])
  })

  it('keeps a device that changes continuously at one event per window', async () => {
    const { clock, sent, c } = setup()
    for (let t = 0; t < 1000; t += 10) {
      c.push('d1', t)
      await clock.advance(10)
    }
    await clock.advance(250)
    const gaps = sent.slice(1).map((s, i) => s.at - sent[i]!.at)
    expect(gaps.every((g) => g >= 250)).toBe(true)
    expect(sent.at(-1)?.value).toBe(990)
    expect(sent.length).toBeLessThanOrEqual(5)
  })

  it('sends at once again after a quiet window', async () => {
    const { clock, sent, c } = setup()
    c.push('d1', 1)
    await clock.advance(600)
    c.push('d1', 2)
    expect(sent.map((s) => [s.at, s.value])).toEqual([
      [0, 1],
      [600, 2],
    ])
  })

  it('paces each device on its own', async () => {
    const { clock, sent, c } = setup()
    c.push('d1', 1)
    await clock.advance(10)
    c.push('d2', 1)
    c.push('d1', 2)
    expect(sent.map((s) => `${s.key}@${s.at}`)).toEqual(['d1@0', 'd2@10'])
    await clock.advance(250)
    expect(sent.map((s) => `${s.key}@${s.at}=${s.value}`)).toEqual(['d1@0=1', 'd2@10=1', 'd1@250=2'])
  })

  it('drops pending changes on close', async () => {
    const { clock, sent, c } = setup()
    c.push('d1', 1)
    c.push('d1', 2)
    c.close()
    await clock.advance(1000)
    expect(sent.map((s) => s.value)).toEqual([1])
  })
})
