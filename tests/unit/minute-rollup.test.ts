// The 1-minute rollup arithmetic (services/core/telemetry/minute-rollup.ts): a bucket merged from
// minute rollups gives what the raw readings give, for every aggregate and value type.
import { describe, expect, it } from 'vitest'
import { addReading, aggregateOf, bucketPoints, mergeRollup, minuteOf, type FieldRollup, type Reading, type RollupFields } from '../../services/core/telemetry/minute-rollup.js'
import type { Aggregate } from '../../services/core/ports.js'

const T0 = Date.UTC(2026, 0, 1)
const rollupOf = (readings: Array<[number, Reading]>): FieldRollup => {
  const into: RollupFields = {}
  for (const [ts, v] of readings) addReading(into, 'f', ts, v)
  return into.f!
}

describe('minute rollups', () => {
  it.each([
    [T0, T0],
    [T0 + 59_999, T0],
    [T0 + 60_000, T0 + 60_000],
    [T0 + 61_234, T0 + 60_000],
  ])('puts %i in the minute starting at %i', (ts, minute) => {
    expect(minuteOf(ts)).toBe(minute)
  })

  it.each<[string, Array<[number, Reading]>, Record<Aggregate, Reading | null>]>([
    ['numbers', [[1, 4], [2, 2], [3, 9]], { mean: 5, min: 2, max: 9, last: 9 }],
    ['booleans as 0/1, last as the boolean', [[1, true], [2, false], [3, true], [4, true]], { mean: 0.75, min: 0, max: 1, last: true }],
    ['text only for last', [[1, 'auto'], [2, 'manual']], { mean: null, min: null, max: null, last: 'manual' }],
    ['numbers and text mixed', [[1, 3], [2, 'fault'], [3, 5]], { mean: 4, min: 3, max: 5, last: 5 }],
    ['the newest by device time, not arrival', [[5, 1], [3, 2]], { mean: 1.5, min: 1, max: 2, last: 1 }],
    ['arrival order on a tie in device time', [[5, 1], [5, 2]], { mean: 1.5, min: 1, max: 2, last: 2 }],
  ])('aggregates %s', (_, readings, expected) => {
    const r = rollupOf(readings)
    for (const agg of ['mean', 'min', 'max', 'last'] as const) expect(aggregateOf(r, agg)).toEqual(expected[agg])
  })

  it('merges partial rollups of a minute into what one rollup of all the readings is', () => {
    const readings: Array<[number, Reading]> = [[1, 4], [2, 'x'], [3, true], [9, 7], [4, -2], [6, 0.5]]
    const whole = rollupOf(readings)
    for (let cut = 0; cut <= readings.length; cut++) {
      const merged = mergeRollup(mergeRollup(undefined, rollupOf(readings.slice(0, cut)) ?? [0, 0, null, null, -Infinity, 0]), rollupOf(readings.slice(cut)) ?? [0, 0, null, null, -Infinity, 0])
      expect(merged).toEqual(whole)
    }
  })

  it('buckets minutes into wider buckets, oldest first, without empty ones, up to the limit', () => {
    const m = (i: number): number => T0 + i * 60_000
    const parts = [
      { t: m(3), r: rollupOf([[m(3), 10]]) },
      { t: m(0), r: rollupOf([[m(0), 2], [m(0) + 1, 4]]) },
      { t: m(1), r: rollupOf([[m(1), 6]]) },
      { t: m(6), r: rollupOf([[m(6), 'text']]) },
      { t: m(5) + 30_000, r: rollupOf([[m(5) + 30_000, 1]]) },
    ]
    // 5-minute buckets: [0, 5) holds 2, 4, 6, 10; [5, 10) holds 1 and a text value.
    expect(bucketPoints(parts, 300_000, 'mean', 10)).toEqual([{ t: m(0), v: 5.5 }, { t: m(5), v: 1 }])
    expect(bucketPoints(parts, 300_000, 'last', 10)).toEqual([{ t: m(0), v: 10 }, { t: m(5), v: 'text' }])
    expect(bucketPoints(parts, 60_000, 'max', 2)).toEqual([{ t: m(0), v: 4 }, { t: m(1), v: 6 }])
  })

  it('leaves the rollups it buckets untouched', () => {
    const r = rollupOf([[T0, 1]])
    const copy = structuredClone(r)
    bucketPoints([{ t: T0, r }, { t: T0, r: rollupOf([[T0 + 1, 5]]) }], 60_000, 'mean', 10)
    expect(r).toEqual(copy)
  })
})
