// An elevator car (DOMAIN.md §3.1, fields after GB/T 24476): it answers calls, travels between
// floors with acceleration, opens its doors at stops, and passengers get in and out.
import { createRandom, round, clamp } from '../random.js'
import { createCadence, createEnvelope, createStepTimer, type DeviceSim, type SimMessage } from './device-sim.js'

export interface ElevatorOptions {
  id: string
  lowestFloor?: number
  highestFloor?: number
  homeFloor?: number
  /** m/s */
  ratedSpeed?: number
  seed?: number | string
}

export interface ElevatorSim extends DeviceSim {
  readonly type: 'elevator'
  /** Stops the car between floors with the doors closed and someone inside until `untilMs` (EL-01). */
  trap(untilMs: number): void
  /**
   * A fault (GB/T 24476 `gbCode`, e.g. 08 "other fault preventing restart") stops the empty car at
   * a landing, doors closed and out of service, from `nowMs` until `untilMs`; then the fault clears (EL-06).
   */
  faultStop(gbCode: string, nowMs: number, untilMs: number): void
  /** Fire recall (GB 50116 §4.7) until `untilMs`: fire return mode, to the home floor, doors open. */
  fireRecall(untilMs: number): void
  readonly snapshot: Readonly<Record<string, unknown>>
}

const FLOOR_HEIGHT_M = 3.5
const ACCEL_MS2 = 0.8
const DOOR_OPEN_SEC = [4, 9] as const
// One passenger is about 75 kg of a 1,000 kg rated car (13 persons, GB/T 10058 class).
const LOAD_PER_PASSENGER_PCT = 7.5
const RUNNING_PERIOD_MS = 1_000
const IDLE_PERIOD_MS = 30_000

type Phase = 'idle' | 'running' | 'doors-open' | 'trapped' | 'fault-stop'

export function createElevatorSim(opts: ElevatorOptions): ElevatorSim {
  const rnd = createRandom(opts.seed ?? opts.id)
  const env = createEnvelope()
  const cadence = createCadence()
  const elapsed = createStepTimer()
  const low = opts.lowestFloor ?? -2
  const high = opts.highestFloor ?? 24
  const ratedSpeed = opts.ratedSpeed ?? 2.5
  let position = opts.homeFloor ?? 1
  let target = position
  let speed = 0
  let phase: Phase = 'idle'
  let phaseUntilMs = 0
  let passengers = 0
  let trips = rnd.int(20_000, 90_000)
  let runHours = rnd.between(4_000, 20_000)
  const battery = rnd.int(180, 420)
  const homeFloor = opts.homeFloor ?? 1
  let faultCode: string | null = null
  let fireUntilMs = 0
  const events: SimMessage[] = []

  const snapshot = (): Record<string, unknown> => {
    const floor = Math.round(position)
    const doorZone = Math.abs(position - floor) < 0.08
    const running = phase === 'running'
    return {
      serviceMode: phase === 'fault-stop' ? 0 : fireUntilMs > 0 ? 3 : 1,
      carStatus: running ? 1 : 0,
      direction: running ? (target > position ? 1 : 2) : 0,
      floor,
      doorZone,
      doorClosed: phase !== 'doors-open',
      occupied: passengers > 0,
      loadPct: round(passengers * LOAD_PER_PASSENGER_PCT + (passengers > 0 ? rnd.noise(1) : 0), 1),
      speed: round(speed, 2),
      alarmButton: false,
      safetyCircuit: 'closed',
      power: 'mains',
      upLimit: false,
      downLimit: false,
      remoteAlarmBatteryMin: battery,
      runHours: Math.floor(runHours),
      trips,
    }
  }
  let last = snapshot()

  const openDoors = (nowMs: number): void => {
    phase = 'doors-open'
    phaseUntilMs = nowMs + rnd.between(...DOOR_OPEN_SEC) * 1000
    passengers -= rnd.int(0, passengers)
    passengers = clamp(passengers + (rnd.chance(0.6) ? rnd.int(1, 5) : 0), 0, 13)
  }

  const move = (dt: number, nowMs: number): void => {
    const distM = Math.abs(target - position) * FLOOR_HEIGHT_M
    const brakingM = (speed * speed) / (2 * ACCEL_MS2)
    speed = distM <= brakingM ? Math.max(0.15, speed - ACCEL_MS2 * dt) : Math.min(ratedSpeed, speed + ACCEL_MS2 * dt)
    const stepFloors = (speed * dt) / FLOOR_HEIGHT_M
    runHours += dt / 3600
    if (stepFloors >= Math.abs(target - position)) {
      position = target
      speed = 0
      trips += 1
      openDoors(nowMs)
    } else {
      position += Math.sign(target - position) * stepFloors
    }
  }

  /** In fire return the car goes home, opens its doors and stays there; a trapped or faulted car cannot. */
  const recall = (dt: number, nowMs: number): void => {
    if (nowMs >= fireUntilMs) {
      fireUntilMs = 0
      phase = 'idle'
      return
    }
    if (phase === 'running') return move(dt, nowMs)
    if (position !== homeFloor) {
      target = homeFloor
      phase = 'running'
      return
    }
    phase = 'doors-open'
    phaseUntilMs = fireUntilMs
    passengers = 0
  }

  const advance = (dt: number, nowMs: number): void => {
    if (fireUntilMs > 0 && phase !== 'trapped' && phase !== 'fault-stop') return recall(dt, nowMs)
    switch (phase) {
      case 'idle':
        // Calls arrive at random, more often when people are already inside.
        if (rnd.chance(Math.min(1, dt * (passengers > 0 ? 0.5 : 0.06)))) {
          let next = rnd.int(low, high)
          if (next === position) next = position === high ? low : high
          target = next
          phase = 'running'
        }
        return
      case 'running':
        move(dt, nowMs)
        return
      case 'doors-open':
        if (nowMs >= phaseUntilMs) phase = 'idle'
        return
      case 'fault-stop':
        if (nowMs >= phaseUntilMs) {
          // The maintenance engineer cleared the fault and put the car back in service.
          events.push(env.stamp('event', nowMs, { event: 'fault', gbCode: faultCode ?? '08', active: false }))
          faultCode = null
          phase = 'idle'
        }
        return
      case 'trapped':
        if (nowMs >= phaseUntilMs) {
          // Released (rescue operation): levelled to the nearest floor, doors open, everyone out.
          position = Math.round(position)
          target = position
          phase = 'doors-open'
          phaseUntilMs = nowMs + 10_000
          passengers = 0
        }
        return
    }
  }

  const changedFields = (a: Record<string, unknown>, b: Record<string, unknown>): boolean =>
    ['serviceMode', 'carStatus', 'floor', 'doorClosed', 'doorZone', 'occupied', 'direction'].some((k) => a[k] !== b[k])

  return {
    id: opts.id,
    type: 'elevator',
    get snapshot() {
      return last
    },
    trap(untilMs) {
      const base = Math.floor(position)
      position = clamp(base, low, high - 1) + 0.5
      target = position
      speed = 0
      passengers = Math.max(passengers, rnd.int(1, 3))
      phase = 'trapped'
      phaseUntilMs = untilMs
    },
    fireRecall(untilMs) {
      fireUntilMs = untilMs
    },
    faultStop(gbCode, nowMs, untilMs) {
      // Levelled at the nearest floor in the shaft, everyone out, doors shut.
      position = clamp(Math.round(position), low, high)
      target = position
      speed = 0
      passengers = 0
      faultCode = gbCode
      phase = 'fault-stop'
      phaseUntilMs = untilMs
      events.push(env.stamp('event', nowMs, { event: 'fault', gbCode, active: true }))
    },
    step(nowMs) {
      advance(elapsed(nowMs), nowMs)
      const snap = snapshot()
      const changed = changedFields(snap, last)
      const period = phase === 'running' ? RUNNING_PERIOD_MS : IDLE_PERIOD_MS
      const out: SimMessage[] = events.splice(0)
      if (cadence.due(nowMs, changed || out.length > 0, period)) {
        out.push(env.stamp('telemetry', nowMs, snap))
        last = snap
      }
      return out
    },
  }
}
