// An access-control door (DOMAIN.md §3.4, GB 50396): people badge in (granted, sometimes denied),
// press the exit button (rex), the door opens and closes again. Credentials leave the reader only
// as HMAC-SHA256(siteKey, cardUID); the raw card uid is never sent (DOMAIN.md §3.4, OUR).
import { createHmac } from 'node:crypto'
import { createRandom, type Random } from '../random.js'
import { createCadence, createEnvelope, createStepTimer, type DeviceSim, type SimMessage } from './device-sim.js'

export interface AccessDoorOptions {
  id: string
  requiredLevel: number
  perimeter: boolean
  /** The site's credential key; the edge controller hashes card uids with it. */
  siteKey?: string
  seed?: number | string
}

export interface AccessDoorSim extends DeviceSim {
  readonly type: 'access-door'
  readonly requiredLevel: number
  readonly perimeter: boolean
  /** The door is opened without a grant or exit request (AC-01) and shut again at `closeAtMs`. */
  forceOpen(nowMs: number, closeAtMs: number): void
  /** Someone badges in and leaves the door standing open until `closeAtMs` (AC-02 held open). */
  holdOpen(nowMs: number, closeAtMs: number): void
  /** The fire linkage unlocks the door (`fire_unlock`) from `nowMs` until `untilMs` (GB 50116 §4.10.3). */
  fireUnlock(nowMs: number, untilMs: number): void
}

type Phase = 'locked' | 'unlocked' | 'open' | 'forced' | 'fire-unlocked'

const PERIOD_MS = 20_000
const CREDENTIAL_TYPES = ['card', 'card', 'card', 'qr', 'face', 'pin', 'remote'] as const
const DENIAL_REASONS = ['expired', 'no_permission', 'time_window', 'unknown_credential'] as const

interface Subject {
  ref: string
  cardUid: string
}

function subjects(rnd: Random, count: number): Subject[] {
  return Array.from({ length: count }, () => ({ ref: `S-${rnd.int(1000, 9999)}`, cardUid: rnd.hex(7) }))
}

export function createAccessDoorSim(opts: AccessDoorOptions): AccessDoorSim {
  const rnd = createRandom(opts.seed ?? opts.id)
  const env = createEnvelope()
  const cadence = createCadence()
  const elapsed = createStepTimer()
  const siteKey = opts.siteKey ?? 'vigil-demo-site-key'
  const people = subjects(rnd, 40)
  // Busy lobby doors see traffic every ~40 s; plant rooms a few times an hour.
  const ratePerSec = opts.requiredLevel >= 3 ? 1 / 900 : opts.perimeter ? 1 / 40 : 1 / 120
  let phase: Phase = 'locked'
  let nextAtMs = 0
  let changed = false
  const pending: SimMessage[] = []

  const token = (cardUid: string): string => createHmac('sha256', siteKey).update(cardUid).digest('hex')
  const event = (nowMs: number, body: Record<string, unknown>): void => {
    pending.push(env.stamp('event', nowMs, { requiredLevel: opts.requiredLevel, ...body }))
  }
  const setPhase = (p: Phase, nowMs: number, holdMs: number): void => {
    phase = p
    nextAtMs = nowMs + holdMs
    changed = true
  }
  const state = (): { doorState: string; lockState: string } => ({
    doorState: phase === 'open' || phase === 'forced' ? 'open' : 'closed',
    // A forced door is open while its lock stays engaged.
    lockState: phase === 'locked' || phase === 'forced' ? 'locked' : 'unlocked',
  })

  const arrival = (nowMs: number): void => {
    const who = rnd.pick(people)
    const credType = rnd.pick(CREDENTIAL_TYPES)
    if (rnd.chance(0.15)) {
      setPhase('unlocked', nowMs, 800)
      event(nowMs, { event: 'rex', ...state() })
    } else if (rnd.chance(0.06)) {
      const reason = rnd.pick(DENIAL_REASONS)
      event(nowMs, {
        event: 'denied',
        credential: { token: token(who.cardUid + (reason === 'unknown_credential' ? '-x' : '')), type: credType },
        ...(reason === 'unknown_credential' ? {} : { subjectRef: who.ref }),
        reason,
        ...state(),
      })
    } else {
      setPhase('unlocked', nowMs, rnd.between(800, 2500))
      event(nowMs, { event: 'granted', credential: { token: token(who.cardUid), type: credType }, subjectRef: who.ref, ...state() })
    }
  }

  const advance = (dt: number, nowMs: number): void => {
    if (phase === 'locked') {
      if (nowMs >= nextAtMs && rnd.chance(dt * ratePerSec)) arrival(nowMs)
    } else if (nowMs >= nextAtMs) {
      if (phase === 'fire-unlocked') {
        setPhase('locked', nowMs, 0)
        event(nowMs, { event: 'door_closed', ...state() })
      } else if (phase === 'unlocked') {
        setPhase('open', nowMs, rnd.between(3_000, 8_000))
      } else {
        setPhase('locked', nowMs, 0)
        event(nowMs, { event: 'door_closed', ...state() })
      }
    }
  }

  return {
    id: opts.id,
    type: 'access-door',
    requiredLevel: opts.requiredLevel,
    perimeter: opts.perimeter,
    forceOpen(nowMs, closeAtMs) {
      setPhase('forced', nowMs, closeAtMs - nowMs)
      event(nowMs, { event: 'forced_open', ...state() })
    },
    holdOpen(nowMs, closeAtMs) {
      const who = rnd.pick(people)
      setPhase('unlocked', nowMs, 0)
      event(nowMs, { event: 'granted', credential: { token: token(who.cardUid), type: 'card' }, subjectRef: who.ref, ...state() })
      setPhase('open', nowMs, closeAtMs - nowMs)
    },
    fireUnlock(nowMs, untilMs) {
      setPhase('fire-unlocked', nowMs, untilMs - nowMs)
      event(nowMs, { event: 'fire_unlock', ...state() })
    },
    step(nowMs) {
      advance(elapsed(nowMs), nowMs)
      const out = pending.splice(0)
      if (cadence.due(nowMs, changed, PERIOD_MS)) out.push(env.stamp('telemetry', nowMs, { ...state(), tamper: false, mains: true }))
      changed = false
      return out
    },
  }
}
