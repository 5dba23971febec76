// Open emergencies of the wall's sites (CONTRACT.md §3 "Emergency object"), kept current from the
// socket's `emergency` event (§4: on open, escalation and close), and the people's actions on them.
import { SvelteMap } from 'svelte/reactivity'
import { dutyApi, type EmergencyAction } from '../api/duty-api.js'
import type { Emergency } from '../api/types.js'
import { errorText } from '../i18n/errors.js'

const RANK = { E1: 0, E2: 1, E3: 2 } as const

export class EmergencyBoard {
  byId = new SvelteMap<string, Emergency>()
  busy = $state<string | null>(null)
  error = $state<string | null>(null)
  /** Highest level first, then the oldest. */
  open = $derived([...this.byId.values()].sort((a, b) => RANK[a.level] - RANK[b.level] || a.openedAt.localeCompare(b.openedAt)))

  constructor(
    private readonly token: () => string | null,
    private readonly onError: (err: unknown) => void,
  ) {}

  replace(list: Emergency[]): void {
    this.byId.clear()
    for (const em of list) this.upsert(em)
  }

  upsert(em: Emergency): void {
    const before = this.byId.get(em.id)
    if (before && before.updatedAt > em.updatedAt) return
    if (em.stage === 'closed') this.byId.delete(em.id)
    else this.byId.set(em.id, em)
  }

  /** The emergency an alarm belongs to, if it is open. */
  ofAlarm(alarmId: string, emergencyId: string | null): Emergency | undefined {
    if (emergencyId) return this.byId.get(emergencyId)
    return this.open.find((em) => em.alarmIds.includes(alarmId))
  }

  async act(id: string, action: EmergencyAction, body: object = {}): Promise<boolean> {
    const token = this.token()
    if (!token || this.busy) return false
    this.busy = id
    this.error = null
    try {
      this.upsert(await dutyApi.emergencyAction(token, id, action, body))
      return true
    } catch (err) {
      this.error = errorText(err)
      this.onError(err)
      return false
    } finally {
      this.busy = null
    }
  }
}
