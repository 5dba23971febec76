// Chattering (≥3 activations in 60 s, quiet after 10 min) and flood (>10 new alarms in 10 min,
// ends below 5) per DOMAIN.md §4.3: the pure trackers, driven by explicit times.
import { describe, expect, it } from 'vitest'
import { isQuiet, recordActivation, type ChatterTrack } from '../../services/core/alarms/chattering.js'
import { emptyFlood, evaluateFlood, floodCount, nextFloodCheckAt, recordAnnunciation, type FloodState } from '../../services/core/alarms/flood.js'

const S = 1000
const MIN = 60 * S

function activations(times: number[]): Array<ReturnType<typeof recordActivation>> {
  let track: ChatterTrack | undefined
  return times.map((t) => {
    const step = recordActivation(track, t)
    track = step.track
    return step
  })
}

describe('chattering (DOMAIN.md §4.3)', () => {
  it.each<[string, number[], boolean[], boolean[]]>([
    ['3 activations within 50 s: the 3rd flags it, once', [0, 25 * S, 50 * S], [false, false, true], [false, false, true]],
    ['3 activations spread over 61 s: not chattering', [0, 31 * S, 61 * S], [false, false, false], [false, false, false]],
    ['a 4th activation within 10 min is silent and not announced again', [0, 10 * S, 20 * S, 5 * MIN], [false, false, true, true], [false, false, true, false]],
    ['after 10 quiet minutes the next activation annunciates again', [0, 10 * S, 20 * S, 20 * S + 10 * MIN], [false, false, true, false], [false, false, true, false]],
    ['silent repeats keep extending the quiet period', [0, 10 * S, 20 * S, 9 * MIN, 18 * MIN], [false, false, true, true, true], [false, false, true, false, false]],
  ])('%s', (_name, times, silent, became) => {
    const steps = activations(times)
    expect(steps.map((s) => s.silent)).toEqual(silent)
    expect(steps.map((s) => s.becameChattering)).toEqual(became)
  })

  it('is quiet exactly 10 min after the last activation', () => {
    const [, , third] = activations([0, 10 * S, 20 * S])
    expect(third!.quietAt).toBe(20 * S + 10 * MIN)
    expect(isQuiet(third!.track, 20 * S + 10 * MIN - 1)).toBe(false)
    expect(isQuiet(third!.track, 20 * S + 10 * MIN)).toBe(true)
  })
})

function feed(times: number[]): { state: FloodState; changes: number[] } {
  let state = emptyFlood()
  const changes: number[] = []
  for (const t of times) {
    const step = recordAnnunciation(state, t)
    state = step.state
    if (step.changed) changes.push(t)
  }
  return { state, changes }
}

describe('flood (DOMAIN.md §4.3)', () => {
  const twelveIn8Min = Array.from({ length: 12 }, (_, i) => i * 40 * S)

  it('starts at the 11th new alarm within 10 min, not the 10th', () => {
    const ten = feed(twelveIn8Min.slice(0, 10))
    expect(ten.state.active).toBe(false)
    const { state, changes } = feed(twelveIn8Min)
    expect(changes).toEqual([10 * 40 * S])
    expect(state).toMatchObject({ active: true, since: 400 * S, peak: 12 })
  })

  it('11 alarms spread over more than 10 min are no flood', () => {
    expect(feed(Array.from({ length: 11 }, (_, i) => i * 61 * S)).state.active).toBe(false)
  })

  it('ends when fewer than 5 new alarms fall in the last 10 min, at the time nextFloodCheckAt names', () => {
    const { state } = feed(twelveIn8Min)
    const due = nextFloodCheckAt(state)!
    // 12 alarms: once the 8 oldest (the 8th at 280 s) are 10 min old, 4 remain.
    expect(due).toBe(280 * S + 10 * MIN)
    expect(evaluateFlood(state, due - 1)).toMatchObject({ changed: false, state: { active: true } })
    const end = evaluateFlood(state, due)
    expect(end).toMatchObject({ changed: true, state: { active: false, since: 400 * S } })
    expect(floodCount(end.state, due)).toBe(4)
  })

  it('5 alarms in the last 10 min keep the flood on', () => {
    const { state } = feed(twelveIn8Min)
    const step = recordAnnunciation(evaluateFlood(state, 279 * S + 10 * MIN).state, 279 * S + 10 * MIN)
    expect(step.state.active).toBe(true)
  })

  it('no check is needed outside a flood', () => {
    expect(nextFloodCheckAt(feed([0, 1, 2]).state)).toBeNull()
  })
})
