// Where the fire panels signal fire (services/rules/fire-zones.ts): per site and building, the
// zones at least one panel signals, as panels change, move and go away.
import { describe, expect, it } from 'vitest'
import type { Device } from '../../services/core/model.js'
import { createFireZones } from '../../services/rules/fire-zones.js'

const panel = (id: string, building: string, siteId = 's1'): Device => ({
  id, siteId, type: 'fire-panel', name: id, location: { building, floor: 1 }, attributes: {}, createdAt: '', updatedAt: '',
})

describe('fire zones', () => {
  it('is quiet before any panel signals', () => {
    const fire = createFireZones()
    expect(fire.updatePanel(panel('P1', 'A'), { 'fire.Z1': false, mains: true })).toBe(false)
    expect(fire.buildingActive('s1', 'A')).toBe(false)
    expect(fire.zoneActive('s1', 'A', 'Z1')).toBe(false)
  })

  it('marks a zone and its building while a panel signals it, for that site and building only', () => {
    const fire = createFireZones()
    expect(fire.updatePanel(panel('P1', 'A'), { 'fire.Z1': true, 'fire.Z2': false })).toBe(true)
    expect(fire.zoneActive('s1', 'A', 'Z1')).toBe(true)
    expect(fire.zoneActive('s1', 'A', 'Z2')).toBe(false)
    expect(fire.zoneActive('s1', 'A', undefined)).toBe(false)
    expect(fire.buildingActive('s1', 'A')).toBe(true)
    expect(fire.buildingActive('s1', 'B')).toBe(false)
    expect(fire.buildingActive('s2', 'A')).toBe(false)
    expect(fire.zoneActive('s2', 'A', 'Z1')).toBe(false)
  })

  it('keeps a zone active until the last of two panels signalling it clears', () => {
    const fire = createFireZones()
    fire.updatePanel(panel('P1', 'A'), { 'fire.Z1': true })
    fire.updatePanel(panel('P2', 'A'), { 'fire.Z1': true, 'fire.Z3': true })
    expect(fire.updatePanel(panel('P1', 'A'), { 'fire.Z1': false })).toBe(true)
    expect(fire.zoneActive('s1', 'A', 'Z1')).toBe(true)
    expect(fire.updatePanel(panel('P2', 'A'), { 'fire.Z1': false, 'fire.Z3': true })).toBe(true)
    expect(fire.zoneActive('s1', 'A', 'Z1')).toBe(false)
    expect(fire.zoneActive('s1', 'A', 'Z3')).toBe(true)
    fire.updatePanel(panel('P2', 'A'), { 'fire.Z3': false })
    expect(fire.buildingActive('s1', 'A')).toBe(false)
  })

  it('says unchanged when a panel repeats the same zones', () => {
    const fire = createFireZones()
    fire.updatePanel(panel('P1', 'A'), { 'fire.Z1': true })
    expect(fire.updatePanel(panel('P1', 'A'), { 'fire.Z1': true, mains: false })).toBe(false)
    expect(fire.zoneActive('s1', 'A', 'Z1')).toBe(true)
  })

  it('follows a panel moved to another building, and forgets a deleted one', () => {
    const fire = createFireZones()
    fire.updatePanel(panel('P1', 'A'), { 'fire.Z1': true })
    fire.updatePanel(panel('P1', 'B'), { 'fire.Z1': true })
    expect(fire.buildingActive('s1', 'A')).toBe(false)
    expect(fire.zoneActive('s1', 'B', 'Z1')).toBe(true)
    fire.forget('P1')
    expect(fire.buildingActive('s1', 'B')).toBe(false)
    fire.forget('P1')
    expect(fire.buildingActive('s1', 'B')).toBe(false)
  })
})
