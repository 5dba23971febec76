// What the wall display shows for a device and in which order (dashboard/src/lib), without a
// browser: tile colors by state (the normal / warning / alarm / offline), tile content
// per device type (DOMAIN.md §3 fields), alarm and building ordering.
import { describe, expect, it } from 'vitest'
import { tileBody, tileLook, countByStatus, type DeviceAlarmSummary } from '../../dashboard/src/lib/device-view.js'
import { compareAlarms, groupDevices } from '../../dashboard/src/lib/wall-order.js'
import type { Alarm, Device, DeviceLive, DeviceType, FlatState } from '../../dashboard/src/lib/api/types.js'

const device = (id: string, type: DeviceType, building = 'A', floor = 1, extra: Partial<Device> = {}): Device => ({
  id, siteId: 'S1', type, name: id, location: { building, floor }, ...extra,
})
const live = (state: FlatState, over: Partial<DeviceLive> = {}): DeviceLive => ({ deviceId: 'd', siteId: 'S1', type: 'elevator', online: true, stale: false, state, ...over })
const summary = (priority: 1 | 2 | 3 | 4, unacked: boolean): DeviceAlarmSummary => ({ priority, unacked, count: 1 })

describe('tile look', () => {
  it.each([
    ['an online device without alarms is normal', live({}), undefined, { status: 'normal', flashing: false, badge: null }],
    ['a device that never spoke is offline', undefined, undefined, { status: 'offline', offline: true }],
    ['an offline device is grey', live({}, { online: false }), undefined, { status: 'offline', offline: true, flashing: false }],
    ['an unacked P1 is a flashing alarm', live({}), summary(1, true), { status: 'alarm', flashing: true, badge: 'P1' }],
    ['an acked P2 is a steady alarm', live({}), summary(2, false), { status: 'alarm', flashing: false, badge: 'P2' }],
    ['an unacked P3 is a flashing warning', live({}), summary(3, true), { status: 'warning', flashing: true, badge: 'P3' }],
    ['an acked P4 is a steady warning', live({}), summary(4, false), { status: 'warning', flashing: false }],
    ['an alarm outranks offline, which still shows', live({}, { online: false }), summary(2, true), { status: 'alarm', offline: true }],
    ['a stale last state is dimmed', live({}, { online: false, stale: true }), undefined, { status: 'offline', stale: true }],
  ] as const)('%s', (_what, l, a, expected) => {
    expect(tileLook(l, a)).toMatchObject(expected)
  })

  it('counts every device in exactly one state', () => {
    const looks = [tileLook(live({}), undefined), tileLook(undefined, undefined), tileLook(live({}), summary(1, true)), tileLook(live({}), summary(3, false)), tileLook(live({}), undefined)]
    expect(countByStatus(looks)).toEqual({ normal: 2, warning: 1, alarm: 1, offline: 1 })
  })
})

describe('tile body', () => {
  it.each([
    ['elevator going up at floor 12', device('e', 'elevator'), { serviceMode: 1, carStatus: 1, direction: 1, floor: 12, doorClosed: true, occupied: true }, { primary: '12', primaryAside: '▲', lines: ['Doors closed', 'Occupied · Normal'] }],
    ['elevator going down in a basement', device('e', 'elevator'), { serviceMode: 1, carStatus: 1, direction: 2, floor: -2, doorClosed: true }, { primary: 'B2', primaryAside: '▼' }],
    ['elevator in inspection mode', device('e', 'elevator'), { serviceMode: 2, carStatus: 0, direction: 0, floor: 3, doorClosed: false }, { primaryAside: '■', emphasis: 'INSPECTION', lines: ['Doors open', 'Inspection'] }],
    ['elevator with an active GB/T 24476 fault', device('e', 'elevator'), { serviceMode: 1, floor: 3, 'fault.11': true, 'fault.03': false }, { lines: ['Doors –', 'Fault 11'] }],
    ['pump station below setpoint with one of two running', device('p', 'pump'), { outletP: 0.3, setpointP: 0.45, ctrlMode: 'auto', 'pumps.P1.running': true, 'pumps.P2.running': false }, { primary: '0.30', primaryAside: 'MPa', lines: ['Set 0.45 · 1/2 running', 'Running P1'], gauge: { low: true } }],
    ['pump station in manual', device('p', 'pump'), { outletP: 0.45, setpointP: 0.45, ctrlMode: 'manual', 'pumps.P1.running': false, 'pumps.P1.fault': 'overload' }, { emphasis: 'MANUAL', lines: ['Set 0.45 · 0/1 running', 'Fault P1'] }],
    ['sump read by its level, high level flagged', device('s', 'pump'), { system: 'sump', levelPct: 85, 'pumps.S1.running': true, 'pumps.S2.running': true }, { primary: '85', primaryAside: '% level', lines: ['2/2 running', 'Running S1 S2'], gauge: { low: true } }],
    ['sump with a wet floor', device('s', 'pump'), { system: 'sump', levelPct: 40, floodWet: true }, { emphasis: 'FLOOD' }],
    ['NC fire door open', device('f', 'fire-door', 'A', 1, { location: { building: 'A', floor: 1, zone: 'Z2' } }), { doorType: 'NC', position: 'open' }, { primary: 'Open', emphasis: 'OPEN', lines: ['NC · Zone Z2', ''] }],
    ['NO fire door open is its normal position', device('f', 'fire-door'), { doorType: 'NO', position: 'open', holder: 'energized' }, { primary: 'Open', lines: ['NO', ''] }],
    ['access door closed and locked', device('a', 'access-door'), { doorState: 'closed', lockState: 'locked' }, { primary: 'Closed', lines: ['Locked', ''] }],
    ['access door tampered', device('a', 'access-door'), { doorState: 'open', lockState: 'unlocked', tamper: true }, { primary: 'Open', emphasis: 'TAMPER', lines: ['Unlocked', 'Tamper'] }],
    ['fire panel with two zones in fire', device('fp', 'fire-panel'), { 'fire.Z3': true, 'fire.Z1': true, 'fire.Z2': false, mains: true }, { primary: 'FIRE', emphasis: 'FIRE', lines: ['Zones Z1, Z3', ''] }],
    ['fire panel quiet but on battery', device('fp', 'fire-panel'), { 'fire.Z1': false, mains: false, battery: 'low' }, { primary: 'No fire', lines: ['All zones clear', 'Mains lost · Battery low'] }],
  ] as const)('%s', (_what, d, state, expected) => {
    expect(tileBody(d, live(state as FlatState))).toMatchObject(expected)
  })

  it('shows dashes, not stale numbers, for a device that never reported', () => {
    expect(tileBody(device('e', 'elevator'), undefined)).toMatchObject({ primary: '–' })
  })
})

describe('ordering', () => {
  const alarm = (id: string, priority: 1 | 2 | 3 | 4, raisedAt: string): Alarm =>
    ({ id, priority, raisedAt, siteId: 'S1', deviceId: 'd', deviceType: 'fire-door', ruleId: 'FD-02', title: '', active: true, acked: false, state: 'unacked' }) as Alarm

  it('lists alarms highest priority first, then newest first', () => {
    const list = [
      alarm('old-p3', 3, '2026-01-01T08:00:00.000Z'),
      alarm('new-p3', 3, '2026-01-01T09:00:00.000Z'),
      alarm('old-p1', 1, '2026-01-01T07:00:00.000Z'),
      alarm('p4', 4, '2026-01-01T10:00:00.000Z'),
      alarm('new-p1', 1, '2026-01-01T08:30:00.000Z'),
    ]
    expect(list.sort(compareAlarms).map((a) => a.id)).toEqual(['new-p1', 'old-p1', 'new-p3', 'old-p3', 'p4'])
  })

  it('groups devices by building in natural order, then by type, then by floor', () => {
    const groups = groupDevices([
      device('fd-2', 'fire-door', 'Tower 10', 2),
      device('el-1', 'elevator', 'Tower 2', 1),
      device('fd-1', 'fire-door', 'Tower 2', 5),
      device('fd-0', 'fire-door', 'Tower 2', -1),
      device('fp', 'fire-panel', 'Tower 2', 1),
    ])
    expect(groups.map((g) => g.building)).toEqual(['Tower 2', 'Tower 10'])
    expect(groupDevices([device('x', 'pump', 'B')]).map((g) => g.building)).toEqual(['Building B'])
    expect(groups[0]!.types.map((t) => t.type)).toEqual(['fire-panel', 'elevator', 'fire-door'])
    expect(groups[0]!.types[2]!.devices.map((d) => d.id)).toEqual(['fd-0', 'fd-1'])
  })
})
