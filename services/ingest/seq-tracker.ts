// Per-device `seq` bookkeeping (CONTRACT.md §2, DOMAIN.md §2 "Duplicates (same deviceId+seq)
// dropped; readings older than the last processed seq ignored for rule state"):
//   - a seq already seen since the device's last (re)connect is a duplicate (dropped);
//   - a lower seq with no reconnect in between arrived out of order (stored, not applied);
//   - the first seq after a reconnect is the new baseline, lower or not: a device restart.
// "Seen" is a window of the last SEQ_WINDOW seqs, a fixed 512 bytes per device, so 10,000 devices
// cost about 5 MB whatever their rate. A QoS 1 resend across a reconnect is the baseline of the new
// connection and may be stored twice: at-least-once is what QoS 1 promises.
export const SEQ_WINDOW = 64

export type SeqVerdict = 'new' | 'duplicate' | 'out-of-order'

interface DeviceSeq {
  last: number
  ring: Float64Array
  pos: number
  /** The device (re)connected and has not sent a seq since. */
  fresh: boolean
}

export interface SeqTracker {
  check(deviceId: string, seq: number): SeqVerdict
  /** The next seq from this device starts a new baseline. */
  connected(deviceId: string): void
  /** Forgets a seq whose message was not stored, so the device's resend is not taken for a duplicate. */
  unsee(deviceId: string, seq: number): void
  forget(deviceId: string): void
}

export function createSeqTracker(window = SEQ_WINDOW): SeqTracker {
  const devices = new Map<string, DeviceSeq>()

  const remember = (d: DeviceSeq, seq: number): void => {
    d.ring[d.pos] = seq
    d.pos = (d.pos + 1) % window
  }

  return {
    check(deviceId, seq) {
      let d = devices.get(deviceId)
      if (d === undefined) {
        d = { last: seq, ring: new Float64Array(window).fill(NaN), pos: 0, fresh: false }
        devices.set(deviceId, d)
        remember(d, seq)
        return 'new'
      }
      if (d.fresh) {
        d.fresh = false
        d.ring.fill(NaN)
        d.last = seq
        remember(d, seq)
        return 'new'
      }
      if (d.ring.includes(seq)) return 'duplicate'
      remember(d, seq)
      if (seq < d.last) return 'out-of-order'
      d.last = seq
      return 'new'
    },
    connected(deviceId) {
      const d = devices.get(deviceId)
      if (d !== undefined) d.fresh = true
    },
    unsee(deviceId, seq) {
      const d = devices.get(deviceId)
      if (d === undefined) return
      const i = d.ring.indexOf(seq)
      if (i >= 0) d.ring[i] = NaN
    },
    forget(deviceId) {
      devices.delete(deviceId)
    },
  }
}
