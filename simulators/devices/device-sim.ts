// What every device generator shares: the message shape, the envelope (ts, seq; CONTRACT.md §2)
// and the publish cadence "on change, plus a heartbeat" (DOMAIN.md §2 "Heartbeat").
import type { DeviceType } from '../../services/core/device-types.js'

export interface SimMessage {
  kind: 'telemetry' | 'event'
  payload: Record<string, unknown>
}

export interface DeviceSim {
  readonly id: string
  readonly type: DeviceType
  /** Advances the device's physical state to `nowMs` and returns what it publishes now. */
  step(nowMs: number): SimMessage[]
}

/** Stamps payloads with `ts` (epoch ms) and a per-device `seq` that only increases. */
export interface Envelope {
  stamp(kind: SimMessage['kind'], nowMs: number, body: Record<string, unknown>): SimMessage
  readonly lastSeq: number
}

export function createEnvelope(firstSeq = 1): Envelope {
  let seq = firstSeq - 1
  return {
    stamp(kind, nowMs, body) {
      seq += 1
      return { kind, payload: { ts: Math.round(nowMs), seq, ...body } }
    },
    get lastSeq() {
      return seq
    },
  }
}

/**
 * Decides when a snapshot is due: whenever the caller reports a change, and otherwise once per
 * heartbeat period, so Vigil's offline supervision (3 missed periods) never fires on a quiet device.
 */
export interface Cadence {
  due(nowMs: number, changed: boolean, periodMs: number): boolean
}

export function createCadence(): Cadence {
  let lastMs: number | null = null
  return {
    due(nowMs, changed, periodMs) {
      if (changed || lastMs === null || nowMs - lastMs >= periodMs) {
        lastMs = nowMs
        return true
      }
      return false
    },
  }
}

/** Seconds since the previous step, capped so a paused process does not jump the physics. */
export function createStepTimer(): (nowMs: number) => number {
  let prev: number | null = null
  return (nowMs) => {
    const dt = prev === null ? 0 : Math.min(10, Math.max(0, (nowMs - prev) / 1000))
    prev = nowMs
    return dt
  }
}
