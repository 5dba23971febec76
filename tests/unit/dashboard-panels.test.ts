// The wall's per-type panels and fleet overview without a browser (dashboard/src/lib): elevator
// cars and shafts, pump stations, fire doors by zone, access events with masked credentials
// (DOMAIN.md §7.3), and the filters and virtual layout that keep 5,000 devices fast.
import { describe, expect, it } from 'vitest'
import { accessChanges, accessEventEntry, maskToken } from '../../dashboard/src/lib/access-view.js'
import { car, fireDoorStatus, fireZones, shaftRange, station } from '../../dashboard/src/lib/panel-view.js'
import { buildingSummaries, filterDevices, NO_FILTER, virtualLayout, visibleRows, worstStatus } from '../../dashboard/src/lib/overview.js'
import { groupDevices } from '../../dashboard/src/lib/wall-order.js'
import type { TileStatus } from '../../dashboard/src/lib/device-view.js'
import type { Device, DeviceLive, DeviceType, FlatState } from '../../dashboard/src/lib/api/types.js'

const device = (id: string, type: DeviceType, over: Partial<Device> = {}): Device => ({ id, siteId: 'S1', type, name: id, location: { building: 'A', floor: 1 }, ...over })
const live = (state: FlatState, over: Partial<DeviceLive> = {}): DeviceLive => ({ deviceId: 'd', siteId: 'S1', type: 'elevator', online: true, state, ...over })

describe('elevator car', () => {
  it('reads floor, direction, door, mode, occupancy and load', () => {
    expect(car(live({ floor: 12, direction: 2, carStatus: 1, doorClosed: true, serviceMode: 1, occupied: false, loadPct: 40, 'fault.03': true }))).toEqual({
      floor: 12, direction: 'down', running: true, doorOpen: false, mode: 'Normal', modeNormal: true, occupied: true, loadPct: 40, faults: ['03'],
    })
  })

  it('knows nothing of a car that never spoke', () => {
    expect(car(undefined)).toMatchObject({ floor: null, doorOpen: null, mode: '–', occupied: false })
  })

  it('spans the shafts over the ledger floors and every reported floor', () => {
    const a = device('a', 'elevator', { attributes: { topFloor: 30 } })
    const b = device('b', 'elevator')
    const states: Record<string, DeviceLive> = { a: live({ floor: 3 }), b: live({ floor: -2 }) }
    expect(shaftRange([a, b], (id) => states[id])).toEqual({ bottom: -2, top: 30 })
    expect(shaftRange([b], () => undefined)).toEqual({ bottom: 1, top: 10 })
  })
})

describe('pump station', () => {
  it('lists each pump with running and fault, and flags pressure under 80 % of setpoint', () => {
    const st = station(live({ system: 'domestic', outletP: 0.34, setpointP: 0.45, 'pumps.P2.running': false, 'pumps.P2.fault': 'overload', 'pumps.P1.running': true, 'pumps.P1.role': 'duty', 'pumps.P1.fault': 'none' }))
    expect(st.low).toBe(true)
    expect(st.pumps).toEqual([
      { id: 'P1', role: 'duty', running: true, fault: null, freqHz: null, currentA: null },
      { id: 'P2', role: null, running: false, fault: 'overload', freqHz: null, currentA: null },
    ])
    expect(station(live({ outletP: 0.4, setpointP: 0.45 })).low).toBe(false)
  })
})

describe('fire doors', () => {
  it.each<[string, FlatState, Record<string, unknown>, ReturnType<typeof fireDoorStatus>]>([
    ['NC closed', { position: 'closed' }, { doorType: 'NC' }, 'closed'],
    ['NC open', { position: 'open' }, { doorType: 'NC' }, 'open'],
    ['NO held open by its magnet', { doorType: 'NO', position: 'open', holder: 'energized' }, {}, 'held'],
    ['NO released', { doorType: 'NO', position: 'closed', holder: 'released' }, {}, 'released'],
    ['wiring fault', { position: 'closed', fault: 'wiring_open' }, {}, 'fault'],
    ['closer fault', { position: 'closed', closer: 'fault', fault: 'none' }, {}, 'fault'],
    ['never reported', {}, {}, 'unknown'],
  ])('%s', (_what, state, attributes, expected) => {
    expect(fireDoorStatus(device('f', 'fire-door', { attributes }), live(state))).toBe(expected)
  })

  it('groups doors by fire zone, zones on fire first', () => {
    const doors = [
      device('d1', 'fire-door', { location: { building: 'A', floor: 1, zone: 'Z1' } }),
      device('d2', 'fire-door', { location: { building: 'A', floor: 2, zone: 'Z3' } }),
      device('d3', 'fire-door', { location: { building: 'A', floor: 3, zone: 'Z1' } }),
    ]
    const panel = device('facp', 'fire-panel')
    const states: Record<string, DeviceLive> = { d1: live({ position: 'open' }), d2: live({ position: 'closed' }), d3: live({ position: 'closed' }), facp: live({ 'fire.Z3': true }) }
    const zones = fireZones(doors, (id) => states[id], [panel])
    expect(zones.map((z) => [z.zone, z.fire, z.doors.length])).toEqual([['Z3', true, 1], ['Z1', false, 2]])
    expect(zones[1]!.counts).toMatchObject({ open: 1, closed: 1 })
  })
})

describe('access doors: credentials masked', () => {
  it.each<[string | undefined, string | null]>([
    ['9f8e7d6c5b4aa41b', '…a41b'],
    ['…A41B', '…a41b'],
    ['Zhang Wei', null],
    ['ab1', null],
    [undefined, null],
  ])('token %s shows as %s', (token, shown) => {
    expect(maskToken(token)).toBe(shown)
  })

  it('never shows more than the suffix of what the feed sends', () => {
    const e = accessEventEntry({ deviceId: 'AC1', event: 'denied', at: '2026-01-01T08:00:00Z', credential: { type: 'card', tokenSuffix: '0123456789abcdef' }, reason: 'no_permission' })
    expect(e).toMatchObject({ text: 'Access denied · no permission', tone: 'warn', credential: 'card …cdef' })
  })

  it('turns state changes into ticker lines', () => {
    const before = live({ doorState: 'closed', lockState: 'locked' }, { deviceId: 'AC1', type: 'access-door' })
    const after = live({ doorState: 'open', lockState: 'locked', tamper: true }, { deviceId: 'AC1', type: 'access-door' })
    expect(accessChanges(before, after, 1).map((e) => [e.text, e.tone])).toEqual([['Door opened', 'info'], ['Tamper', 'alarm']])
    expect(accessChanges(undefined, after, 1)).toEqual([])
  })
})

describe('fleet overview', () => {
  const fleet = Array.from({ length: 5000 }, (_, i) =>
    device(`D${i}`, (['elevator', 'pump', 'fire-door', 'access-door'] as const)[i % 4]!, { location: { building: `B${i % 25}`, floor: i % 30 } }))
  const statusOf = (id: string): TileStatus => (id === 'D7' ? 'alarm' : id.endsWith('3') ? 'offline' : 'normal')

  it('filters by building, type and state', () => {
    expect(filterDevices(fleet, { building: 'S1/B7', type: null, status: null }, statusOf)).toHaveLength(200)
    expect(filterDevices(fleet, { building: 'S1/B7', type: 'access-door', status: 'alarm' }, statusOf).map((d) => d.id)).toEqual(['D7'])
    expect(filterDevices(fleet, NO_FILTER, statusOf)).toHaveLength(5000)
  })

  it('counts states per building, worst first for the color', () => {
    const b7 = buildingSummaries(fleet, statusOf).find((b) => b.key === 'S1/B7')!
    expect(b7).toMatchObject({ label: 'Building B7', total: 200 })
    expect(b7.counts.alarm).toBe(1)
    expect(worstStatus(b7.counts)).toBe('alarm')
  })

  it('lays 5,000 devices out as rows and puts only the rows in view on the page', () => {
    const layout = virtualLayout(groupDevices(fleet), 8, { building: 46, type: 30, tiles: 100 })
    // 25 buildings × 4 types × ceil(50 / 8) = 7 tile rows, plus the headings.
    expect(layout.rows.filter((r) => r.kind === 'tiles')).toHaveLength(25 * 4 * 7)
    expect(layout.height).toBe(25 * 46 + 100 * 30 + 700 * 100)
    const shown = visibleRows(layout, 30_000, 1000, 200)
    expect(shown.length).toBeLessThan(20)
    expect(shown.every((r) => r.top + r.height > 30_000 - 200 && r.top < 31_200)).toBe(true)
    const tiles = shown.flatMap((r) => (r.kind === 'tiles' ? r.ids : []))
    expect(tiles.length).toBeLessThanOrEqual(8 * 14)
  })
})
