// SLA arithmetic (DOMAIN.md §2 table, §1 #18 tiers, #24/#42 complaints, #37 appointments) and the
// site override setting.
import { describe, expect, it } from 'vitest'
import { computeDues, NO_OVERRIDES, parseSlaOverrides, slaMinutes, type DueInput } from '../../services/core/work-orders/sla.js'

const T = Date.UTC(2026, 0, 1, 8)
const min = (m: number | null): number | null => (m === null ? null : T + m * 60_000)
const base: DueInput = { priority: 2, source: 'rule', createdAt: T, appointmentAt: null, distanceTier: null, overrides: NO_OVERRIDES }

describe('default SLA per priority (DOMAIN.md §2)', () => {
  it.each([
    [1, 5, 15, 60, 30],
    [2, 15, 30, 240, null],
    [3, 30, 120, 1440, null],
    [4, null, null, 4320, null],
  ] as const)('P%i: accept %s, arrive %s, resolve %s min, specialist %s', (priority, accept, arrive, resolve, specialist) => {
    expect(computeDues({ ...base, priority })).toEqual({
      dueIntakeBy: null, dueAcceptBy: min(accept), dueArriveBy: min(arrive), dueResolveBy: min(resolve), dueSpecialistArriveBy: min(specialist),
    })
  })
})

describe('overrides', () => {
  const parsed = parseSlaOverrides({ P2: { acceptMin: 10, resolveMin: 180 }, 3: { arriveMin: 60 }, tiers: { outer: { arriveMin: 90 } }, complaint: { intakeMin: 60 } })
  if (!parsed.ok) throw new Error(parsed.errors.join())
  const overrides = parsed.value

  it('a site override replaces only the minutes it names', () => {
    expect(slaMinutes(2, null, overrides)).toEqual({ acceptMin: 10, arriveMin: 30, resolveMin: 180 })
    expect(slaMinutes(3, null, overrides)).toEqual({ acceptMin: 30, arriveMin: 60, resolveMin: 1440 })
  })

  it.each([
    ['core', 1, { acceptMin: 5, arriveMin: 5, resolveMin: 60 }],
    ['service', 1, { acceptMin: 15, arriveMin: 30, resolveMin: 60 }],
    ['outer', 2, { acceptMin: 60, arriveMin: 60, resolveMin: 240 }],
    ['core', 3, { acceptMin: 30, arriveMin: 120, resolveMin: 1440 }],
  ] as const)('distance tier %s sets response and arrival of P%i (S2 #18; P3 and P4 keep theirs)', (tier, priority, expected) => {
    expect(slaMinutes(priority, tier, NO_OVERRIDES)).toEqual(expected)
  })

  it('a site may override a tier', () => {
    expect(slaMinutes(2, 'outer', overrides)).toMatchObject({ acceptMin: 60, arriveMin: 90 })
  })

  it('a complaint gets the 2 h intake, 24 h response and 72 h resolution clocks and no arrival clock', () => {
    expect(computeDues({ ...base, priority: 3, source: 'complaint' })).toEqual({
      dueIntakeBy: min(120), dueAcceptBy: min(1440), dueArriveBy: null, dueSpecialistArriveBy: null, dueResolveBy: min(4320),
    })
    expect(computeDues({ ...base, source: 'complaint', overrides }).dueIntakeBy).toBe(min(60))
  })

  it('an appointment is the arrival deadline (S4 #37)', () => {
    const at = T + 3 * 3_600_000
    expect(computeDues({ ...base, priority: 3, source: 'appointment', appointmentAt: at }).dueArriveBy).toBe(at)
  })

  it('accepts the flat spelling of issue #2 (p1ArriveMin)', () => {
    const r = parseSlaOverrides({ p1ArriveMin: 10, P1: { acceptMin: 3 } })
    expect(r.ok && slaMinutes(1, null, r.value)).toEqual({ acceptMin: 3, arriveMin: 10, resolveMin: 60 })
  })

  it.each([
    [{ P5: {} }, 'sla.P5'],
    [{ P1: { acceptMin: -1 } }, 'sla.P1.acceptMin'],
    [{ P1: { acceptIn: 3 } }, 'sla.P1.acceptIn'],
    [{ tiers: { far: { arriveMin: 5 } } }, 'sla.tiers.far'],
    [[1, 2], 'object'],
  ])('rejects a malformed setting %j', (raw, mention) => {
    const r = parseSlaOverrides(raw)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.errors.join(' ')).toContain(mention)
  })
})
