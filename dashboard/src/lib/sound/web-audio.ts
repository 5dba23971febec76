// The wall's sounds, synthesised with Web Audio (no audio files). Browsers keep an AudioContext
// suspended until a user gesture, so nothing here makes sound before `arm()` has been called from
// a click: the operator arms the wall once after signing in, and the header shows whether it is.

export type AudioState = 'off' | 'armed' | 'blocked'

export interface AudioEngine {
  /** Call from a click handler. Resolves to the state reached ('blocked' when the browser refused). */
  arm(): Promise<AudioState>
  disarm(): void
  state(): AudioState
  /** The AudioContext's own state ('running', 'suspended', 'closed'), or 'none' before arming. */
  contextState(): string
  chime(): void
  tone(): void
  /** Starts the repeating siren pattern; idempotent. */
  sirenOn(): void
  sirenOff(): void
}

/** One siren cycle: a rising and falling wail, then a short gap so speech remains possible. */
const SIREN_CYCLE_MS = 3200
const SIREN_WAIL_S = 2.4

export function createAudioEngine(): AudioEngine {
  let ctx: AudioContext | null = null
  let master: GainNode | null = null
  let sirenTimer: ReturnType<typeof setInterval> | null = null
  let state: AudioState = 'off'

  const ready = (): { ctx: AudioContext; out: GainNode } | null => (state === 'armed' && ctx && master ? { ctx, out: master } : null)

  function note(freq: number, start: number, duration: number, type: OscillatorType, peak: number): void {
    const r = ready()
    if (!r) return
    const t0 = r.ctx.currentTime + start
    const osc = r.ctx.createOscillator()
    const gain = r.ctx.createGain()
    osc.type = type
    osc.frequency.setValueAtTime(freq, t0)
    gain.gain.setValueAtTime(0.0001, t0)
    gain.gain.exponentialRampToValueAtTime(peak, t0 + 0.015)
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + duration)
    osc.connect(gain).connect(r.out)
    osc.start(t0)
    osc.stop(t0 + duration + 0.05)
  }

  function wail(): void {
    const r = ready()
    if (!r) return
    const t0 = r.ctx.currentTime
    const osc = r.ctx.createOscillator()
    const gain = r.ctx.createGain()
    osc.type = 'sawtooth'
    // Two sweeps 600 → 1200 → 600 Hz: the pattern people read as "emergency" without words.
    osc.frequency.setValueAtTime(600, t0)
    osc.frequency.linearRampToValueAtTime(1200, t0 + SIREN_WAIL_S * 0.25)
    osc.frequency.linearRampToValueAtTime(600, t0 + SIREN_WAIL_S * 0.5)
    osc.frequency.linearRampToValueAtTime(1200, t0 + SIREN_WAIL_S * 0.75)
    osc.frequency.linearRampToValueAtTime(600, t0 + SIREN_WAIL_S)
    gain.gain.setValueAtTime(0.0001, t0)
    gain.gain.exponentialRampToValueAtTime(0.18, t0 + 0.05)
    gain.gain.setValueAtTime(0.18, t0 + SIREN_WAIL_S - 0.1)
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + SIREN_WAIL_S)
    osc.connect(gain).connect(r.out)
    osc.start(t0)
    osc.stop(t0 + SIREN_WAIL_S + 0.05)
  }

  const engine: AudioEngine = {
    async arm() {
      try {
        ctx ??= new AudioContext()
        if (!master) {
          master = ctx.createGain()
          master.gain.value = 0.9
          master.connect(ctx.destination)
        }
        if (ctx.state !== 'running') await ctx.resume()
        state = ctx.state === 'running' ? 'armed' : 'blocked'
      } catch {
        state = 'blocked'
      }
      if (state === 'armed' && sirenTimer !== null) wail()
      return state
    },
    disarm() {
      state = 'off'
      void ctx?.suspend()
    },
    state: () => state,
    contextState: () => ctx?.state ?? 'none',
    chime() {
      // A soft two-note bell: noticeable, not alarming (P3).
      note(1318.5, 0, 0.9, 'sine', 0.35)
      note(987.8, 0.22, 1.2, 'sine', 0.3)
    },
    tone() {
      // One firm square-ish tone (P2).
      note(880, 0, 0.7, 'triangle', 0.45)
      note(880, 0, 0.7, 'square', 0.08)
    },
    sirenOn() {
      if (sirenTimer !== null) return
      wail()
      sirenTimer = setInterval(wail, SIREN_CYCLE_MS)
    },
    sirenOff() {
      if (sirenTimer !== null) clearInterval(sirenTimer)
      sirenTimer = null
    },
  }
  return engine
}
