// Turns the alarm list into sound (sound-plan.ts decides, the audio engine plays) and keeps what
// the header's sound control and the tests read: armed or not, the siren running, the last sound.
import type { Alarm } from '../api/types.js'
import { planSounds, type SoundKind, type SoundMemory } from '../sound-plan.js'
import type { AudioEngine, AudioState } from '../sound/web-audio.js'

export class Annunciator {
  state = $state<AudioState>('off')
  contextState = $state('none')
  siren = $state(false)
  lastSound = $state<SoundKind | null>(null)
  soundCount = $state(0)
  #memory: SoundMemory = new Map()

  constructor(private readonly engine: AudioEngine) {}

  /** From the click on "Arm sound": the browser allows audio only after a user gesture. */
  async arm(): Promise<void> {
    this.state = await this.engine.arm()
    this.contextState = this.engine.contextState()
  }

  disarm(): void {
    this.engine.disarm()
    this.state = this.engine.state()
    this.contextState = this.engine.contextState()
  }

  /** Called whenever the alarms or the flood state change, and on the page's tick (P2 repeats). */
  update(alarms: Iterable<Alarm>, isFlooded: (siteId: string) => boolean, now: number): void {
    const plan = planSounds(this.#memory, alarms, isFlooded, now)
    this.#memory = plan.memory
    if (plan.siren !== this.siren) {
      this.siren = plan.siren
      if (plan.siren) {
        this.engine.sirenOn()
        this.#played('siren')
      } else this.engine.sirenOff()
    }
    if (plan.play === 'tone') this.engine.tone()
    if (plan.play === 'chime') this.engine.chime()
    if (plan.play) this.#played(plan.play)
  }

  stop(): void {
    this.engine.sirenOff()
    this.siren = false
    this.#memory = new Map()
  }

  #played(kind: SoundKind): void {
    this.lastSound = kind
    this.soundCount++
  }
}
