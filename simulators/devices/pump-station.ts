// A pump-station controller (DOMAIN.md §3.2): one device reporting all its pumps. A domestic booster
// holds outlet pressure at its setpoint with a VFD duty pump; a sump cycles on level; a fire set
// keeps pressure with its jockey pump while the main fire pumps stand by in auto.
import { createRandom, round, clamp } from '../random.js'
import { createCadence, createEnvelope, createStepTimer, type DeviceSim, type SimMessage } from './device-sim.js'

export type PumpSystem = 'domestic' | 'sump' | 'fire'

export interface PumpStationOptions {
  id: string
  system: PumpSystem
  /** MPa; domestic and fire only. */
  setpointP?: number
  seed?: number | string
}

export interface PumpStationSim extends DeviceSim {
  readonly type: 'pump'
  readonly system: PumpSystem
  readonly setpointP: number
  /** A demand surge the duty pump cannot meet: outlet pressure well below 0.8×setpoint until `untilMs` (PU-01). */
  lowPressure(untilMs: number): void
  /** The break tank runs empty (float valve stuck) until `untilMs`: the duty pump runs dry, then its protection trips it (PU-03). */
  dryRun(untilMs: number): void
  /** Water on the pump-room floor (burst pipe) until `untilMs` (SU-02). */
  flood(untilMs: number): void
  /** A fire demand (hydrant opened) the main fire pumps fail to answer until `untilMs` (FP-02); fire sets only. */
  fireDemandNoStart(untilMs: number): void
}

interface Pump {
  id: string
  role: 'duty' | 'standby' | 'jockey'
  ratedA: number
  running: boolean
  fault: string
  freqHz: number
  motorTempC: number
  vibBase: number
  runHours: number
  starts: number[]
}

const PERIOD_MS = 10_000
const HOUR_MS = 3_600_000

export const PUMP_RATED_A: Readonly<Record<PumpSystem, Readonly<Record<string, number>>>> = {
  domestic: { P1: 30, P2: 30 },
  sump: { P1: 18, P2: 18 },
  fire: { FP1: 75, FP2: 75, J1: 8 },
}

export function createPumpStationSim(opts: PumpStationOptions): PumpStationSim {
  const rnd = createRandom(opts.seed ?? opts.id)
  const env = createEnvelope()
  const cadence = createCadence()
  const elapsed = createStepTimer()
  const system = opts.system
  const setpointP = opts.setpointP ?? (system === 'fire' ? 0.9 : system === 'domestic' ? 0.6 : 0.3)
  const pump = (id: string, role: Pump['role']): Pump => ({
    id,
    role,
    ratedA: PUMP_RATED_A[system][id] ?? 30,
    running: false,
    fault: 'none',
    freqHz: 0,
    motorTempC: rnd.between(24, 30),
    vibBase: rnd.between(0.9, 1.6),
    runHours: rnd.between(2_000, 12_000),
    starts: [],
  })
  const pumps: Pump[] =
    system === 'fire' ? [pump('FP1', 'duty'), pump('FP2', 'standby'), pump('J1', 'jockey')] : [pump('P1', 'duty'), pump('P2', 'standby')]
  let outletP = system === 'sump' ? 0 : setpointP
  let levelPct = system === 'sump' ? rnd.between(25, 45) : system === 'fire' ? 96 : rnd.between(78, 90)
  let flow = 0
  let refilling = false
  let lowUntilMs = 0
  let dryUntilMs = 0
  let floodUntilMs = 0
  let demandUntilMs = 0
  /** Whether an abnormal condition was on at the last step: its start and end are reported at once. */
  let wasAbnormal = false
  let dutyIndex = 0
  const events: SimMessage[] = []

  const setRunning = (p: Pump, running: boolean, nowMs: number): void => {
    if (p.running === running) return
    p.running = running
    p.freqHz = running ? 30 : 0
    if (running) p.starts.push(nowMs)
    events.push(env.stamp('event', nowMs, { event: running ? 'pumpStart' : 'pumpStop', pumpId: p.id, cause: 'auto' }))
  }

  // Demand follows the day: a morning and an evening peak (residential tower).
  const demand = (nowMs: number): number => {
    const h = (nowMs / HOUR_MS + 8) % 24
    const peak = Math.exp(-((h - 7.5) ** 2) / 2) + Math.exp(-((h - 19.5) ** 2) / 3)
    return clamp(8 + 30 * peak + rnd.noise(3), 2, 60)
  }

  const domestic = (dt: number, nowMs: number): void => {
    const duty = pumps[0] as Pump
    if (nowMs < dryUntilMs) return runDry(duty, dt, nowMs)
    if (duty.fault === 'dry_run') {
      // Tank refilled and the trip reset: the duty pump takes the load again.
      duty.fault = 'none'
      levelPct = 80
    }
    setRunning(duty, true, nowMs)
    if (nowMs < lowUntilMs) {
      flow = clamp(85 + rnd.noise(4), 60, 110)
      duty.freqHz = 50
      outletP = setpointP * clamp(0.62 + rnd.noise(0.02), 0.55, 0.7)
    } else {
      flow = demand(nowMs)
      duty.freqHz = clamp(28 + (flow / 60) * 20 + rnd.noise(0.5), 25, 50)
      outletP = setpointP + rnd.noise(0.006)
    }
    // A 200 m³ break tank refilled through a float valve between 70 % and 95 %.
    if (levelPct < 70) refilling = true
    if (levelPct > 95) refilling = false
    levelPct = clamp(levelPct + (((refilling ? 45 : 0) - flow) / 3600) * dt * 0.5, 0, 100)
  }

  // The tank empties in a minute; the pump sucks air for ~15 s before its dry-run protection trips.
  const runDry = (duty: Pump, dt: number, nowMs: number): void => {
    levelPct = clamp(levelPct - 3 * dt, 4, 100)
    flow = duty.running ? clamp(flow * 0.8, 0, 60) : 0
    outletP = setpointP * (duty.running ? 0.85 : 0.3)
    if (levelPct <= 6 && duty.fault === 'none' && rnd.chance(dt / 15)) {
      duty.fault = 'dry_run'
      setRunning(duty, false, nowMs)
    }
  }

  const sump = (dt: number, nowMs: number): void => {
    const running = pumps.find((p) => p.running)
    // Duty alternates on every start (DOMAIN.md §3.2 duty/standby policy).
    if (!running && levelPct >= 60) {
      setRunning(pumps[dutyIndex % pumps.length] as Pump, true, nowMs)
      dutyIndex += 1
    } else if (running && levelPct <= 20) {
      setRunning(running, false, nowMs)
    }
    const on = pumps.find((p) => p.running)
    if (on) on.freqHz = 50
    flow = on ? clamp(24 + rnd.noise(1), 18, 30) : 0
    outletP = on ? clamp(0.22 + rnd.noise(0.005), 0.15, 0.3) : 0
    levelPct = clamp(levelPct + (0.05 + rnd.noise(0.01) - (on ? 0.35 : 0)) * dt, 0, 100)
  }

  const fire = (dt: number, nowMs: number): void => {
    const jockey = pumps[2] as Pump
    if (nowMs < demandUntilMs) {
      // A hydrant draws more than the jockey can make up; FP1 and FP2 trip on start (overload).
      for (const main of pumps.slice(0, 2)) main.fault = 'overload'
      setRunning(jockey, true, nowMs)
      jockey.freqHz = 50
      outletP = clamp(outletP - 0.01 * dt, 0.25, 2.5)
      flow = clamp(12 + rnd.noise(1), 8, 16)
      levelPct = clamp(levelPct - 0.002 * dt, 90, 100)
      return
    }
    for (const main of pumps.slice(0, 2)) main.fault = 'none'
    // The jockey pump makes up system leakage between 0.85 and 0.95 MPa (GB 50974 §5.3).
    if (outletP < setpointP - 0.05) setRunning(jockey, true, nowMs)
    if (outletP > setpointP + 0.05) setRunning(jockey, false, nowMs)
    if (jockey.running) jockey.freqHz = 50
    outletP = clamp(outletP + (jockey.running ? 0.004 : -0.0002 + rnd.noise(0.0001)) * dt, 0, 2.5)
    flow = jockey.running ? clamp(2 + rnd.noise(0.2), 1, 3) : 0
    levelPct = clamp(96 + rnd.noise(0.3), 90, 100)
  }

  const pumpFields = (p: Pump, nowMs: number): Record<string, unknown> => {
    const load = p.running ? (p.freqHz / 50) ** 3 : 0
    p.starts = p.starts.filter((t) => nowMs - t < HOUR_MS)
    return {
      id: p.id,
      role: p.role,
      running: p.running,
      fault: p.fault,
      freqHz: round(p.freqHz, 1),
      currentA: round(p.running ? p.ratedA * (0.35 + 0.6 * load) + rnd.noise(0.3) : 0, 1),
      motorTempC: round(p.motorTempC, 1),
      vibMmS: round(p.running ? clamp(p.vibBase + rnd.noise(0.08), 0.3, 2.4) : 0, 2),
      runHours: round(p.runHours, 1),
      startsLastHour: p.starts.length,
    }
  }

  const snapshot = (nowMs: number): Record<string, unknown> => {
    const volts = 390 + rnd.noise(2)
    const body: Record<string, unknown> = {
      system,
      ctrlMode: 'auto',
      outletP: round(Math.max(0, outletP), 3),
      levelPct: round(levelPct, 1),
      floodWet: nowMs < floodUntilMs,
      flow: round(flow, 1),
      vL1: round(clamp(volts + rnd.noise(1.5), 380, 400), 1),
      vL2: round(clamp(volts + rnd.noise(1.5), 380, 400), 1),
      vL3: round(clamp(volts + rnd.noise(1.5), 380, 400), 1),
      pumps: pumps.map((p) => pumpFields(p, nowMs)),
    }
    if (system !== 'sump') {
      body.setpointP = setpointP
      body.inletP = round(system === 'fire' ? 0.05 + rnd.noise(0.002) : 0.02 + levelPct * 0.0004 + rnd.noise(0.002), 3)
    }
    if (system === 'fire') body.fireDemand = nowMs < demandUntilMs
    return body
  }

  return {
    id: opts.id,
    type: 'pump',
    system,
    setpointP,
    lowPressure(untilMs) {
      lowUntilMs = untilMs
    },
    dryRun(untilMs) {
      dryUntilMs = untilMs
    },
    flood(untilMs) {
      floodUntilMs = untilMs
    },
    fireDemandNoStart(untilMs) {
      demandUntilMs = untilMs
    },
    step(nowMs) {
      const dt = elapsed(nowMs)
      if (system === 'domestic') domestic(dt, nowMs)
      else if (system === 'sump') sump(dt, nowMs)
      else fire(dt, nowMs)
      for (const p of pumps) {
        if (p.running) p.runHours += dt / 3600
        const targetTemp = p.running ? 42 + 25 * (p.freqHz / 50) : 26
        p.motorTempC += (targetTemp - p.motorTempC) * Math.min(1, dt / 600)
      }
      const out = events.splice(0)
      // A fault's start or end is reported at once; otherwise the 10 s heartbeat (DOMAIN.md §2).
      const abnormal = nowMs < lowUntilMs || nowMs < dryUntilMs || nowMs < floodUntilMs || nowMs < demandUntilMs
      const edge = abnormal !== wasAbnormal
      wasAbnormal = abnormal
      if (cadence.due(nowMs, out.length > 0 || edge, PERIOD_MS)) out.push(env.stamp('telemetry', nowMs, snapshot(nowMs)))
      return out
    },
  }
}
