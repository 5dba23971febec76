// The device detail's and the floor plans' view logic (dashboard/src/lib, issue #6 items 6 and 8)
// without a browser: deep links, chartable fields, history ranges, the ledger and the inspection
// certificate, and where a device sits on which plan.
import { describe, expect, it } from 'vitest'
import type { Alarm, Device, DeviceType } from '../../dashboard/src/lib/api/types.js'
import type { FloorPlan } from '../../dashboard/src/lib/api/floor-plans-api.js'
import { certificateOf, deviceAlarms, HISTORY_RANGES, ledgerRows, numericFields } from '../../dashboard/src/lib/device-detail-view.js'
import { candidatesFor, floorsOf, placementOf, samePositions, toFraction, withoutDevice, withPosition } from '../../dashboard/src/lib/floor-plan-view.js'
import { deviceHref, parseRoute, planHref } from '../../dashboard/src/lib/route.js'

const device = (id: string, building = 'A', floor = 1, type: DeviceType = 'fire-door', siteId = 'S1'): Device => ({ id, siteId, type, name: id, location: { building, floor } })
const plan = (building: string, floor: number, positions: FloorPlan['positions'], siteId = 'S1'): FloorPlan => ({
  siteId, building, floor, positions, contentType: 'image/png', width: 100, height: 50, size: 1, uploadedBy: 'admin', uploadedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z',
})
const alarm = (id: string, deviceId: string, raisedAt: string, state: Alarm['state'] = 'unacked'): Alarm => ({ id, deviceId, raisedAt, state } as Alarm)

describe('deep links', () => {
  it.each([
    ['#/devices/EL-1', { kind: 'device', id: 'EL-1' }],
    ['#/devices/', { kind: 'wall' }],
    ['#/me', { kind: 'phone' }],
    ['', { kind: 'wall' }],
    ['#/plans', { kind: 'plan', siteId: null, building: null, floor: null, deviceId: null }],
    ['#/plans/S1/Tower%20A%E5%BA%A7/-2/PS-1', { kind: 'plan', siteId: 'S1', building: 'Tower A座', floor: -2, deviceId: 'PS-1' }],
    ['#/plans/S1/A/roof/PS-1', { kind: 'plan', siteId: 'S1', building: 'A', floor: null, deviceId: null }],
    ['#/plans/S1/%E0%A4%A/3', { kind: 'plan', siteId: 'S1', building: null, floor: 3, deviceId: null }],
  ])('reads %s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route)
  })

  it('writes links that read back to the same place, whatever the names hold', () => {
    expect(parseRoute(deviceHref('FD/1 #2'))).toEqual({ kind: 'device', id: 'FD/1 #2' })
    expect(parseRoute(planHref({ siteId: 'S1', building: 'B/2 楼', floor: 0 }, 'AC 1'))).toEqual({ kind: 'plan', siteId: 'S1', building: 'B/2 楼', floor: 0, deviceId: 'AC 1' })
  })
})

describe('device detail', () => {
  it('charts the numeric fields, the type\'s usual one first', () => {
    expect(numericFields('elevator', { speed: 1.2, doorClosed: true, loadPct: 30, floor: 7, mode: 'x', direction: 1 })).toEqual(['floor', 'loadPct', 'speed', 'direction'])
    expect(numericFields('pump', { 'pumps.P2.freqHz': 40, 'pumps.P10.freqHz': 41, outletP: 0.5 })).toEqual(['outletP', 'pumps.P2.freqHz', 'pumps.P10.freqHz'])
    expect(numericFields('fire-door', { position: 'open' })).toEqual([])
  })

  it('asks for 120 to 360 buckets per range, within the API\'s limit', () => {
    const ms = (every: string) => Number(every.slice(0, -1)) * ({ s: 1000, m: 60_000, h: 3_600_000 }[every.slice(-1)] ?? NaN)
    for (const r of HISTORY_RANGES) expect(r.ms / ms(r.every)).toBeGreaterThanOrEqual(120)
    for (const r of HISTORY_RANGES) expect(r.ms / ms(r.every)).toBeLessThanOrEqual(360)
    expect(HISTORY_RANGES.map((r) => r.key)).toEqual(['1h', '24h', '7d', '30d'])
  })

  const today = Date.parse('2026-11-26T15:00:00Z')
  it.each([
    ['2026-11-25', { standing: 'expired', days: -1 }],
    ['2026-11-26', { standing: 'due', days: 0 }],
    ['2026-12-26', { standing: 'due', days: 30 }],
    ['2026-12-27', { standing: 'valid', days: 31 }],
  ])('flags a certificate expiring %s (EL-12: 30 days ahead)', (expiry, expected) => {
    expect(certificateOf(expiry, today)).toEqual(expected)
  })
  it('has no certificate standing without a date', () => {
    expect(certificateOf(undefined, today)).toBeNull()
    expect(certificateOf('soon', today)).toBeNull()
  })

  it('lists the ledger in file order, then the site\'s own keys', () => {
    const rows = ledgerRows({ attributes: { zzz: 1, certificateExpiry: '2027-01-01', model: 'M1', ratedA: { P1: 30, P2: 31 }, ratedLoad: null } })
    expect(rows).toEqual([
      { key: 'model', known: true, value: 'M1' },
      { key: 'certificateExpiry', known: true, value: '2027-01-01' },
      { key: 'ratedA', known: true, value: 'P1 30, P2 31' },
      { key: 'zzz', known: false, value: '1' },
    ])
  })

  it('shows the device\'s alarms newest first, the live copy winning', () => {
    const fetched = [alarm('a1', 'D', '2026-01-01T00:00:00Z', 'normal'), alarm('a2', 'D', '2026-01-02T00:00:00Z'), alarm('x', 'OTHER', '2026-01-03T00:00:00Z')]
    const live = [alarm('a2', 'D', '2026-01-02T00:00:00Z', 'acked')]
    expect(deviceAlarms('D', fetched, live).map((a) => `${a.id}:${a.state}`)).toEqual(['a2:acked', 'a1:normal'])
  })
})

describe('floor plans', () => {
  const devices = [device('d1', 'A', 3), device('d2', 'A', 3), device('lift', 'A', 1, 'elevator'), device('b1', 'B', 3), device('far', 'A', 3, 'fire-door', 'S2')]

  it('lists every floor with devices or a plan, buildings in natural order, top floor first', () => {
    const floors = floorsOf(devices, [plan('A', 12, [])])
    expect(floors.map((f) => `${f.siteId}/${f.building}/${f.floor}:${f.devices}${f.hasPlan ? '+plan' : ''}`)).toEqual(['S1/A/12:0+plan', 'S1/A/3:2', 'S1/A/1:1', 'S1/B/3:1', 'S2/A/3:1'])
  })

  it("finds a device on its own floor's plan before another floor's", () => {
    const lobby = plan('A', 1, [{ deviceId: 'd1', x: 0.1, y: 0.1 }])
    const third = plan('A', 3, [{ deviceId: 'd1', x: 0.5, y: 0.5 }, { deviceId: 'lift', x: 0.9, y: 0.9 }])
    expect(placementOf(devices[0], [lobby, third])?.plan.floor).toBe(3)
    expect(placementOf(devices[2], [lobby, third])).toMatchObject({ plan: { floor: 3 }, position: { x: 0.9 } })
    expect(placementOf(devices[1], [lobby, third])).toBeNull()
    expect(placementOf(devices[4], [third])).toBeNull()
  })

  it('offers the floor\'s devices first, then the rest of the building', () => {
    const c = candidatesFor({ siteId: 'S1', building: 'A', floor: 3 }, devices)
    expect(c.onFloor.map((d) => d.id)).toEqual(['d1', 'd2'])
    expect(c.inBuilding.map((d) => d.id)).toEqual(['lift'])
  })

  it('turns a pointer into fractions of the plan, kept inside it', () => {
    const box = { left: 100, top: 50, width: 400, height: 200 }
    expect(toFraction(200, 100, box)).toEqual({ x: 0.25, y: 0.25 })
    expect(toFraction(50, 400, box)).toEqual({ x: 0, y: 1 })
    expect(toFraction(1, 1, { left: 0, top: 0, width: 0, height: 0 })).toEqual({ x: 0, y: 0 })
  })

  it('moves, removes and compares positions', () => {
    const start = [{ deviceId: 'a', x: 0.1, y: 0.1 }, { deviceId: 'b', x: 0.2, y: 0.2 }]
    const moved = withPosition(start, { deviceId: 'a', x: 0.5, y: 0.5 })
    expect(moved).toHaveLength(2)
    expect(samePositions(moved, start)).toBe(false)
    expect(samePositions([...start].reverse(), start)).toBe(true)
    expect(withoutDevice(start, 'a')).toEqual([{ deviceId: 'b', x: 0.2, y: 0.2 }])
  })
})
