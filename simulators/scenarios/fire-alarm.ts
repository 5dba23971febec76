import { devicesOf, seconds, ScenarioError, type Scenario } from './scenario.js'

// The fire signal lasts 120 s; FD-05 supervises the doors 60 s after it (GB 50116 §4.6.1), so a
// holder that sticks until 75 s raises FD-05 and then clears when the door finally shuts.
const FIRE_MS = 120_000
const STUCK_CLOSES_AT_MS = 75_000
const RELATCH_AFTER_MS = 10_000

export const fireAlarm: Scenario = {
  name: 'fire-alarm',
  summary: "the fire alarm panel signals a fire in one zone for 120 s: the zone's fire doors close (one NO door's holder sticks until 75 s: FD-05), evacuation doors unlock, elevators return home",
  play(ctx) {
    const panel = ctx.pick(devicesOf(ctx.devices, 'fire-panel'), 'a fire alarm panel')
    const building = panel.spec.location.building
    const doors = devicesOf(ctx.devices, 'fire-door').filter((d) => d.spec.location.building === building)
    // A zone with a normally-open door, so the linkage has something to release.
    const zone = doors.find((d) => d.sim.doorType === 'NO')?.spec.location.zone ?? doors[0]?.spec.location.zone
    if (!zone) throw new ScenarioError(`fire-alarm needs fire doors with a zone in building ${building}, where ${panel.spec.id} reports`)
    const now = ctx.nowMs
    const clearAt = now + FIRE_MS
    panel.sim.fireUntil(now, zone, clearAt)

    const zoneDoors = doors.filter((d) => d.spec.location.zone === zone)
    const stuck = zoneDoors.find((d) => d.sim.doorType === 'NO')
    for (const door of zoneDoors) {
      const closesAt = door === stuck ? now + STUCK_CLOSES_AT_MS : now + 3_000 + (door.spec.id.length % 5) * 1_000
      door.sim.fireRelease(now, closesAt, clearAt + RELATCH_AFTER_MS)
    }
    for (const door of devicesOf(ctx.devices, 'access-door')) {
      if (door.spec.location.building === building && door.spec.attributes.evacuationRoute === true) door.sim.fireUnlock(now, clearAt)
    }
    for (const car of devicesOf(ctx.devices, 'elevator')) {
      if (car.spec.location.building === building) car.sim.fireRecall(clearAt)
    }
    return {
      device: panel,
      durationMs: FIRE_MS + RELATCH_AFTER_MS,
      description: `${panel.spec.name} (${panel.spec.id}) fire in zone ${zone} of building ${building} for ${seconds(FIRE_MS)}: its fire doors close${stuck ? `, but ${stuck.spec.id}'s holder sticks until ${seconds(STUCK_CLOSES_AT_MS)} (FD-05 P1, emergency E2, after 60 s)` : ''}; evacuation doors unlock; elevators return to their home floor`,
    }
  },
}
