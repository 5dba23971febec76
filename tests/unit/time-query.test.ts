// Telemetry history parameters (CONTRACT.md §3): from/to as ISO 8601 or epoch ms, `every` durations.
import { describe, expect, it } from 'vitest'
import { assertTelemetryField, DEFAULT_WINDOW_MS, historyQuery, parseDuration, parseInstant } from '../../services/api/time-query.js'

describe('telemetry history parameters', () => {
  it.each([
    ['1767225600000', 1767225600000],
    ['2026-01-01T00:00:00Z', Date.UTC(2026, 0, 1)],
    ['2026-01-01T08:00:00.000+08:00', Date.UTC(2026, 0, 1)],
  ])('reads instant %s', (raw, ms) => expect(parseInstant(raw, 'from')).toBe(ms))

  it.each(['yesterday', '2026-13-45T00:00:00Z', '', '1e3'])('refuses instant %j with 400', (raw) => {
    expect(() => parseInstant(raw, 'from')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', status: 400 }))
  })

  it.each([['30s', 30_000], ['1m', 60_000], ['1h', 3_600_000], ['1d', 86_400_000], ['5000', 5000], ['1500ms', 1500]])('reads every=%s', (raw, ms) => {
    expect(parseDuration(raw)).toBe(ms)
  })

  it.each(['0s', '10ms', '1w', 'm', '-1m'])('refuses every=%s', (raw) => {
    expect(() => parseDuration(raw)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }))
  })

  it('defaults to the last hour, raw, capped at 10,000 points', () => {
    expect(historyQuery('d1', { field: 'f' }, 5_000_000)).toEqual({ deviceId: 'd1', field: 'f', from: 5_000_000 - DEFAULT_WINDOW_MS, to: 5_000_000, limit: 10_000 })
  })

  it('aggregates with mean unless told otherwise', () => {
    expect(historyQuery('d1', { field: 'f', every: '1m' }, 5_000_000)).toMatchObject({ everyMs: 60_000, agg: 'mean' })
  })

  type Q = Parameters<typeof historyQuery>[1]
  it.each<[Q, string]>([
    [{ field: 'f', from: '2000', to: '1000' }, 'from after to'],
    [{ field: 'f', from: '1000', to: '1000' }, 'empty range'],
    [{ field: 'f', agg: 'max' }, 'agg without every'],
    [{ field: 'f', from: '0', to: String(365 * 86_400_000), every: '1s' }, 'too many buckets'],
  ])('refuses %j (%s)', (q, _why) => {
    expect(() => historyQuery('d1', q, 5_000_000)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }))
  })

  it.each([
    ['elevator', 'speed', true],
    ['elevator', 'position', false],
    ['pump', 'outletP', true],
    ['pump', 'pumps.P1.motorTempC', true],
    ['pump', 'pumps.P1.colour', false],
    ['elevator', 'pumps.P1.running', false],
    ['fire-door', 'position', true],
    ['fire-door', 'constructor', false],
  ] as const)('%s field %s is known: %s', (type, field, known) => {
    const check = () => assertTelemetryField(type, field)
    if (known) expect(check).not.toThrow()
    else expect(check).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }))
  })
})
