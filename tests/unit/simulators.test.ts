// The simulators' generators and scenarios, driven on simulated time: everything they publish is
// valid for Vigil's schemas (DOMAIN.md §3), heartbeats keep DOMAIN.md §2's periods, and each
// scenario produces the condition its rule waits for.
import { describe, expect, it } from 'vitest'
import { HEARTBEAT_PERIOD_SEC, ID_REGEX, offlineTimeoutMs, type DeviceType } from '../../services/core/device-types.js'
import { validateDeviceMessage } from '../../services/core/device-schemas/index.js'
import { createAccessDoorSim } from '../../simulators/devices/access-door.js'
import type { DeviceSim, SimMessage } from '../../simulators/devices/device-sim.js'
import { createElevatorSim } from '../../simulators/devices/elevator.js'
import { createFireDoorSim } from '../../simulators/devices/fire-door.js'
import { createFirePanelSim } from '../../simulators/devices/fire-panel.js'
import { createPumpStationSim } from '../../simulators/devices/pump-station.js'
import { DEMO_COUNTS, planFleet } from '../../simulators/fleet-plan.js'
import { createFleet } from '../../simulators/fleet.js'
import { ALL_SCENARIOS, CONTRACT_SCENARIOS, SCENARIOS, ScenarioError } from '../../simulators/scenarios/index.js'
import { createSiteSimulation, type OutboundMessage, type SiteSimulation } from '../../simulators/site-simulation.js'

const T0 = Date.UTC(2025, 2, 1, 0, 0, 0)
const HOUR = 3_600_000

interface Sent {
  t: number
  msg: SimMessage
}

function run(sim: DeviceSim, durationMs: number, stepMs = 1000): Sent[] {
  const out: Sent[] = []
  for (let t = T0; t <= T0 + durationMs; t += stepMs) for (const msg of sim.step(t)) out.push({ t, msg })
  return out
}

const telemetry = (sent: Sent[]): Array<Record<string, unknown>> => sent.filter((s) => s.msg.kind === 'telemetry').map((s) => s.msg.payload)
const distinct = (values: unknown[]): number => new Set(values.map((v) => JSON.stringify(v))).size

const generators: Array<[string, DeviceType, () => DeviceSim]> = [
  ['elevator', 'elevator', () => createElevatorSim({ id: 'EL-A1' })],
  ['domestic booster', 'pump', () => createPumpStationSim({ id: 'PS-DOM', system: 'domestic' })],
  ['sump station', 'pump', () => createPumpStationSim({ id: 'PS-SUMP', system: 'sump' })],
  ['fire pump set', 'pump', () => createPumpStationSim({ id: 'PS-FIRE', system: 'fire' })],
  ['NC fire door', 'fire-door', () => createFireDoorSim({ id: 'FD-1', doorType: 'NC', zone: 'Z1' })],
  ['NO fire door', 'fire-door', () => createFireDoorSim({ id: 'FD-2', doorType: 'NO', zone: 'Z2' })],
  ['perimeter access door', 'access-door', () => createAccessDoorSim({ id: 'AC-MAIN', requiredLevel: 1, perimeter: true })],
  ['plant-room access door', 'access-door', () => createAccessDoorSim({ id: 'AC-PUMP', requiredLevel: 3, perimeter: false })],
  ['fire panel', 'fire-panel', () => createFirePanelSim({ id: 'FP-1' })],
]

describe('device generators', () => {
  it.each(generators)('every message of a %s over 6 hours is valid for its schema', (_name, type, make) => {
    const sent = run(make(), 6 * HOUR)
    expect(sent.length).toBeGreaterThan(100)
    const invalid = sent
      .map((s) => ({ s, r: validateDeviceMessage(type, s.msg.kind, s.msg.payload) }))
      .filter(({ r }) => !r.ok)
      .slice(0, 3)
      .map(({ s, r }) => ({ payload: s.msg.payload, problem: r }))
    expect(invalid).toEqual([])
  })

  it.each(generators)('a %s numbers its messages with an increasing seq and stamps ts in epoch ms', (_name, _type, make) => {
    const sent = run(make(), HOUR)
    const seqs = sent.map((s) => s.msg.payload.seq as number)
    expect(seqs.every((v, i) => i === 0 || v > (seqs[i - 1] as number))).toBe(true)
    expect(sent.every((s) => s.msg.payload.ts === s.t)).toBe(true)
  })

  it.each(generators)('a quiet %s still publishes at least once per DOMAIN.md heartbeat period', (_name, type, make) => {
    const sent = run(make(), 2 * HOUR)
    const gaps = sent.map((s, i) => (i === 0 ? s.t - T0 : s.t - (sent[i - 1] as Sent).t))
    expect(Math.max(...gaps)).toBeLessThanOrEqual(HEARTBEAT_PERIOD_SEC[type] * 1000)
  })

  it('an elevator travels between floors, opens its doors at stops, carries passengers and counts trips', () => {
    const t = telemetry(run(createElevatorSim({ id: 'EL-A1' }), 2 * HOUR))
    expect(distinct(t.map((p) => p.floor))).toBeGreaterThan(5)
    expect(t.some((p) => p.carStatus === 1 && (p.speed as number) > 1)).toBe(true)
    const stops = t.filter((p) => p.doorClosed === false)
    expect(stops.length).toBeGreaterThan(5)
    // Doors only open at a level stop: stopped, inside the door zone.
    expect(stops.every((p) => p.carStatus === 0 && p.doorZone === true)).toBe(true)
    expect(t.some((p) => p.occupied === true && (p.loadPct as number) > 0)).toBe(true)
    expect((t.at(-1)?.trips as number) - (t[0]?.trips as number)).toBeGreaterThan(5)
  })

  it('a domestic booster holds outlet pressure near its setpoint on 380–400 V with its duty pump running', () => {
    const t = telemetry(run(createPumpStationSim({ id: 'PS-DOM', system: 'domestic', setpointP: 0.6 }), 6 * HOUR))
    expect(t.every((p) => Math.abs((p.outletP as number) - 0.6) < 0.05)).toBe(true)
    expect(distinct(t.map((p) => p.outletP))).toBeGreaterThan(10)
    expect(distinct(t.map((p) => p.levelPct))).toBeGreaterThan(10)
    expect(t.every((p) => ['vL1', 'vL2', 'vL3'].every((k) => (p[k] as number) >= 380 && (p[k] as number) <= 400))).toBe(true)
    expect(t.every((p) => (p.pumps as Array<{ role: string; running: boolean }>).some((x) => x.role === 'duty' && x.running))).toBe(true)
  })

  it('a sump cycles its pumps on level and alternates duty with start and stop events', () => {
    const sent = run(createPumpStationSim({ id: 'PS-SUMP', system: 'sump' }), 3 * HOUR)
    const starts = sent.filter((s) => s.msg.kind === 'event' && s.msg.payload.event === 'pumpStart').map((s) => s.msg.payload.pumpId)
    expect(starts.length).toBeGreaterThan(3)
    expect(new Set(starts)).toEqual(new Set(['P1', 'P2']))
    expect(telemetry(sent).every((p) => (p.levelPct as number) < 80)).toBe(true)
  })

  it('an NC fire door is mostly closed with short passages; an NO door stands open on its holder', () => {
    const nc = telemetry(run(createFireDoorSim({ id: 'FD-1', doorType: 'NC', zone: 'Z1' }), 6 * HOUR))
    expect(nc.filter((p) => p.position === 'open').length).toBeGreaterThan(5)
    expect(nc.filter((p) => p.position === 'closed').length).toBeGreaterThan(nc.length / 2)
    const no = telemetry(run(createFireDoorSim({ id: 'FD-2', doorType: 'NO', zone: 'Z1' }), HOUR))
    expect(no.every((p) => p.position === 'open' && p.holder === 'energized')).toBe(true)
  })

  it('an access door reports grants, denials, exit requests and closings with hashed credential tokens only', () => {
    const sent = run(createAccessDoorSim({ id: 'AC-MAIN', requiredLevel: 1, perimeter: true }), 6 * HOUR)
    const events = sent.filter((s) => s.msg.kind === 'event').map((s) => s.msg.payload)
    expect(new Set(events.map((e) => e.event))).toEqual(new Set(['granted', 'denied', 'rex', 'door_closed']))
    const tokens = events.flatMap((e) => (e.credential ? [(e.credential as { token: string }).token] : []))
    expect(tokens.length).toBeGreaterThan(50)
    expect(tokens.every((tok) => /^[0-9a-f]{64}$/.test(tok))).toBe(true)
    expect(events.filter((e) => e.event === 'denied').every((e) => typeof e.reason === 'string')).toBe(true)
  })

  it('a fire panel stays quiet: mains present, battery ok, no events', () => {
    const sent = run(createFirePanelSim({ id: 'FP-1' }), HOUR)
    expect(sent.every((s) => s.msg.kind === 'telemetry')).toBe(true)
    expect(telemetry(sent).every((p) => p.mains === true && p.battery === 'ok' && p.fault === false)).toBe(true)
  })
})

describe('the demo fleet', () => {
  const specs = planFleet({ counts: DEMO_COUNTS, nowMs: T0 })
  const of = (type: DeviceType) => specs.filter((s) => s.type === type)

  it('has the issue #2 site: 4 elevators, 2 pump stations, 12 fire doors in 3 zones of 2 buildings, 8 access doors, a fire panel', () => {
    expect(of('elevator')).toHaveLength(4)
    expect(of('pump').map((s) => s.attributes.system)).toEqual(['domestic', 'sump'])
    const doors = of('fire-door')
    expect(doors).toHaveLength(12)
    expect(new Set(doors.map((d) => `${d.location.building}/${d.location.zone}`)).size).toBe(3)
    expect(new Set(doors.map((d) => d.location.building)).size).toBe(2)
    expect(new Set(doors.map((d) => d.attributes.doorType))).toEqual(new Set(['NC', 'NO']))
    const access = of('access-door')
    expect(access).toHaveLength(8)
    expect(access.some((d) => d.attributes.perimeter === true)).toBe(true)
    expect(access.some((d) => d.attributes.requiredLevel === 3)).toBe(true)
    expect(of('fire-panel')).toHaveLength(1)
  })

  it('uses unique device ids that match the contract id pattern', () => {
    expect(new Set(specs.map((s) => s.id)).size).toBe(specs.length)
    expect(specs.every((s) => ID_REGEX.test(s.id))).toBe(true)
    expect(planFleet({ idPrefix: 'north-', nowMs: T0 }).every((s) => s.id.startsWith('north-') && ID_REGEX.test(s.id))).toBe(true)
  })
})

/** Runs the demo site at 1 s steps, plays `scenario` at `playAt`, and returns everything sent. */
/** The demo site, with a fire pump set added (`--pumps 3`) for the scenarios that need one. */
const WITH_FIRE_PUMPS = { ...DEMO_COUNTS, pumps: 3 }

function playOnDemoSite(scenario: string, durationMs: number, counts = DEMO_COUNTS): { site: SiteSimulation; deviceId: string; playAt: number; sent: Array<OutboundMessage & { t: number }> } {
  const site = createSiteSimulation(createFleet(planFleet({ nowMs: T0, counts }), 'test-site-key'))
  const sent: Array<OutboundMessage & { t: number }> = []
  const playAt = T0 + 60_000
  let deviceId = ''
  for (let t = T0; t <= playAt + durationMs; t += 1000) {
    if (t === playAt) deviceId = site.play(scenario, t).deviceId
    for (const m of site.tick(t)) sent.push({ ...m, t })
  }
  return { site, deviceId, playAt, sent }
}

/** The device's merged state after each of its messages. */
function states(sent: Array<OutboundMessage & { t: number }>, deviceId: string): Array<{ t: number; s: Record<string, unknown>; event?: unknown }> {
  let s: Record<string, unknown> = {}
  return sent
    .filter((m) => m.deviceId === deviceId)
    .map((m) => {
      const { ts: _ts, seq: _seq, event, ...fields } = m.payload
      s = { ...s, ...fields }
      return { t: m.t, s, ...(m.kind === 'event' ? { event } : {}) }
    })
}

/** How long `pred` held from the first message that made it true to the first that made it false. */
function heldFor(series: Array<{ t: number; s: Record<string, unknown> }>, pred: (s: Record<string, unknown>) => boolean): { ms: number; endIndex: number | null } {
  const start = series.findIndex((x) => pred(x.s))
  if (start < 0) return { ms: 0, endIndex: null }
  const end = series.findIndex((x, i) => i > start && !pred(x.s))
  const startT = (series[start] as { t: number }).t
  return end < 0 ? { ms: Infinity, endIndex: null } : { ms: (series[end] as { t: number }).t - startT, endIndex: end }
}

describe('scenarios', () => {
  it('fire-door-propped keeps an NC fire door open for more than 60 s, then closes it', () => {
    const { site, deviceId, sent } = playOnDemoSite('fire-door-propped', 180_000)
    expect(site.devices.find((d) => d.spec.id === deviceId)?.spec.attributes.doorType).toBe('NC')
    const series = states(sent, deviceId)
    const open = heldFor(series, (s) => s.position === 'open')
    expect(open.ms).toBeGreaterThan(60_000)
    expect(open.ms).toBeLessThan(Infinity)
  })

  it('door-forced reports forced_open on a perimeter or plant-room door, which closes later', () => {
    const { site, deviceId, sent } = playOnDemoSite('door-forced', 60_000)
    const attrs = site.devices.find((d) => d.spec.id === deviceId)?.spec.attributes ?? {}
    expect(attrs.perimeter === true || (attrs.requiredLevel as number) >= 3).toBe(true)
    const events = states(sent, deviceId).filter((x) => x.event !== undefined)
    const forced = events.findIndex((e) => e.event === 'forced_open')
    expect(forced).toBeGreaterThanOrEqual(0)
    expect(events[forced]?.s).toMatchObject({ doorState: 'open', lockState: 'locked' })
    expect(events.slice(forced + 1).some((e) => e.event === 'door_closed')).toBe(true)
  })

  it('trapped-passenger stops an occupied car between floors with doors closed for more than 30 s, then lets the passengers out', () => {
    const { deviceId, sent } = playOnDemoSite('trapped-passenger', 120_000)
    const series = states(sent, deviceId)
    const trapped = heldFor(series, (s) => s.serviceMode === 1 && s.carStatus === 0 && s.doorZone === false && s.doorClosed === true && s.occupied === true)
    expect(trapped.ms).toBeGreaterThan(30_000)
    expect(trapped.endIndex).not.toBeNull()
    expect(series[trapped.endIndex as number]?.s).toMatchObject({ doorZone: true, doorClosed: false, occupied: false })
  })

  it('pump-low-pressure holds a domestic booster in auto below 0.8×setpoint for more than 60 s, then recovers above 0.9×setpoint', () => {
    const { deviceId, sent } = playOnDemoSite('pump-low-pressure', 240_000)
    const series = states(sent, deviceId)
    expect(series.at(-1)?.s).toMatchObject({ system: 'domestic', ctrlMode: 'auto' })
    const low = heldFor(series, (s) => (s.outletP as number) < 0.8 * (s.setpointP as number))
    expect(low.ms).toBeGreaterThan(60_000)
    const after = series.slice(low.endIndex as number)
    expect(after.length).toBeGreaterThan(6)
    expect(after.every((x) => (x.s.outletP as number) >= 0.9 * (x.s.setpointP as number))).toBe(true)
  })

  it('device-offline silences one device for longer than its offline timeout, then it publishes again', () => {
    const { site, deviceId, playAt, sent } = playOnDemoSite('device-offline', 240_000)
    const type = site.devices.find((d) => d.spec.id === deviceId)?.spec.type as DeviceType
    const times = sent.filter((m) => m.deviceId === deviceId).map((m) => m.t)
    const before = times.filter((t) => t < playAt).at(-1) as number
    const resumed = times.find((t) => t >= playAt) as number
    expect(resumed - before).toBeGreaterThan(offlineTimeoutMs(type))
    expect(times.filter((t) => t > resumed).length).toBeGreaterThan(2)
  })

  it.each(ALL_SCENARIOS.map((s) => [s.name]))('everything sent while %s plays is valid for the schemas', (name) => {
    const { sent } = playOnDemoSite(name, 150_000, WITH_FIRE_PUMPS)
    const invalid = sent.filter((m) => !validateDeviceMessage(m.type, m.kind, m.payload).ok)
    expect(invalid.slice(0, 3)).toEqual([])
  })

  it('plays the same scenario on another device the next time', () => {
    const site = createSiteSimulation(createFleet(planFleet({ nowMs: T0 }), 'k'))
    const first = site.play('fire-door-propped', T0)
    const second = site.play('fire-door-propped', T0 + 1000)
    expect(second.deviceId).not.toBe(first.deviceId)
  })

  it('has every scenario CONTRACT.md §5 names, and the demo rotates through some of them', () => {
    expect(ALL_SCENARIOS.map((s) => s.name)).toEqual([...CONTRACT_SCENARIOS])
    expect(SCENARIOS.every((s) => ALL_SCENARIOS.includes(s))).toBe(true)
  })

  it('fire-pump-fail on a site without a fire pump set says what it needs', () => {
    const site = createSiteSimulation(createFleet(planFleet({ nowMs: T0 }), 'k'))
    expect(() => site.play('fire-pump-fail', T0)).toThrow(ScenarioError)
    expect(() => site.play('fire-pump-fail', T0)).toThrow(/fire pump set.*--pumps 3/)
  })

  it('elevator-fault: the empty car stops at a landing out of service with fault 08, then the fault clears', () => {
    const { deviceId, playAt, sent } = playOnDemoSite('elevator-fault', 120_000)
    const during = states(sent, deviceId).filter((x) => x.t >= playAt + 5_000 && x.t < playAt + 90_000)
    expect(during.length).toBeGreaterThan(0)
    expect(during.every((x) => x.s.serviceMode === 0 && x.s.occupied === false && x.s.doorClosed === true && x.s.carStatus === 0)).toBe(true)
    const faults = states(sent, deviceId).filter((x) => x.event === 'fault').map((x) => [x.t - playAt, x.s.gbCode, x.s.active])
    expect(faults).toEqual([[0, '08', true], [90_000, '08', false]])
    expect(states(sent, deviceId).at(-1)?.s.serviceMode).toBe(1)
  })

  it('pump-dry-run: the break tank empties below 10 % with the duty pump running, then it trips on dry_run; refilled afterwards', () => {
    const { deviceId, playAt, sent } = playOnDemoSite('pump-dry-run', 90_000)
    const st = states(sent, deviceId)
    const dry = st.find((x) => x.t > playAt && typeof x.s.levelPct === 'number' && x.s.levelPct < 10)
    expect(dry).toBeDefined()
    const tripped = st.find((x) => x.t > playAt && (x.s.pumps as Array<{ fault: string }> | undefined)?.some((p) => p.fault === 'dry_run'))
    expect(tripped?.t).toBeLessThan(playAt + 60_000)
    const after = st.filter((x) => x.t > playAt + 61_000 && x.s.pumps).at(-1)
    expect((after?.s.pumps as Array<{ fault: string }>).every((p) => p.fault === 'none')).toBe(true)
    expect(after?.s.levelPct).toBeGreaterThan(20)
  })

  it('pump-room-flood: the sump room floor is wet for 40 s', () => {
    const { deviceId, playAt, sent } = playOnDemoSite('pump-room-flood', 60_000)
    const wet = states(sent, deviceId).filter((x) => x.s.floodWet === true).map((x) => x.t - playAt)
    expect(wet[0]).toBe(0)
    expect(Math.max(...wet)).toBeLessThan(40_000)
    expect(states(sent, deviceId).at(-1)?.s.floodWet).toBe(false)
  })

  it('fire-pump-fail: fire demand while both main pumps are tripped and only the jockey runs', () => {
    const { site, deviceId, playAt, sent } = playOnDemoSite('fire-pump-fail', 160_000, WITH_FIRE_PUMPS)
    expect(site.devices.find((d) => d.spec.id === deviceId)?.spec.attributes.system).toBe('fire')
    const during = states(sent, deviceId).filter((x) => x.t >= playAt && x.t < playAt + 150_000 && x.event === undefined)
    expect(during.length).toBeGreaterThan(5)
    for (const x of during) {
      expect(x.s.fireDemand).toBe(true)
      const pumps = x.s.pumps as Array<{ id: string; running: boolean; fault: string }>
      expect(pumps.filter((p) => p.id !== 'J1').every((p) => !p.running && p.fault === 'overload')).toBe(true)
    }
    expect(states(sent, deviceId).at(-1)?.s.fireDemand).toBe(false)
  })

  it('door-held: a valid entry, then the door stands open for 45 s and closes', () => {
    const { deviceId, playAt, sent } = playOnDemoSite('door-held', 60_000)
    const st = states(sent, deviceId).filter((x) => x.t >= playAt)
    expect(st[0]?.event).toBe('granted')
    const open = st.filter((x) => x.s.doorState === 'open').map((x) => x.t - playAt)
    expect(open[0]).toBeLessThan(2_000)
    const closed = st.find((x) => x.t > playAt && x.event === 'door_closed')
    expect(closed?.t).toBe(playAt + 45_000)
  })

  it('fire-alarm: fire in one zone; its doors close (one late), evacuation doors unlock, elevators go home, then all clears', () => {
    const { site, deviceId, playAt, sent } = playOnDemoSite('fire-alarm', 150_000)
    const panel = states(sent, deviceId).filter((x) => x.event === 'fire').map((x) => [x.t - playAt, x.s.state])
    expect(panel).toEqual([[0, 'active'], [120_000, 'cleared']])
    const zone = states(sent, deviceId).find((x) => x.event === 'fire')?.s.zone
    const zoneDoors = site.devices.filter((d) => d.spec.type === 'fire-door' && d.spec.location.zone === zone)
    const positionAt = (id: string, t: number) => states(sent, id).filter((x) => x.t <= t).at(-1)?.s.position
    expect(zoneDoors.filter((d) => positionAt(d.spec.id, playAt + 10_000) !== 'closed')).toHaveLength(1)
    expect(zoneDoors.every((d) => positionAt(d.spec.id, playAt + 75_000) === 'closed')).toBe(true)
    const building = site.devices.find((d) => d.spec.id === deviceId)?.spec.location.building
    const evacuation = site.devices.filter((d) => d.spec.type === 'access-door' && d.spec.location.building === building && d.spec.attributes.evacuationRoute === true)
    expect(evacuation.length).toBeGreaterThan(0)
    for (const d of evacuation) expect(states(sent, d.spec.id).some((x) => x.event === 'fire_unlock' && x.s.lockState === 'unlocked')).toBe(true)
    const cars = site.devices.filter((d) => d.spec.type === 'elevator' && d.spec.location.building === building)
    for (const car of cars) {
      const home = (car.spec.attributes.homeFloor as number | undefined) ?? 1
      expect(states(sent, car.spec.id).some((x) => x.t > playAt && x.t < playAt + 120_000 && x.s.serviceMode === 3 && x.s.floor === home && x.s.doorClosed === false)).toBe(true)
      expect(states(sent, car.spec.id).at(-1)?.s.serviceMode).toBe(1)
    }
  })

  it('an unknown scenario name is refused with the list of names', () => {
    const site = createSiteSimulation(createFleet(planFleet({ nowMs: T0 }), 'k'))
    expect(() => site.play('meteor-strike', T0)).toThrow(/unknown scenario 'meteor-strike'.*fire-door-propped/)
  })
})
