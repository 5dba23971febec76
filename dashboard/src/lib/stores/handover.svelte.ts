// The handover screen (DOMAIN.md §7.1; CONTRACT.md §3 duty): the outgoing operator's draft and
// signed submission, the incoming operator's signature, and the list of past handovers.
import { dutyApi } from '../api/duty-api.js'
import { ApiError } from '../api/http.js'
import type { Handover, HandoverDraft } from '../api/types.js'
import { errorText } from '../i18n/errors.js'

export class HandoverDesk {
  draft = $state<HandoverDraft | null>(null)
  list = $state<Handover[]>([])
  people = $state<string[]>([])
  busy = $state(false)
  /** The refusal in words: a 409 says which priority-1 alarm is still unacknowledged. */
  error = $state<string | null>(null)

  constructor(
    private readonly token: () => string | null,
    private readonly me: () => string | null,
    private readonly onError: (err: unknown) => void,
  ) {}

  pendingForMe = $derived(this.list.filter((h) => h.status === 'pending' && h.incoming === this.me()))

  async load(): Promise<void> {
    const token = this.token()
    if (!token) return
    try {
      const [draft, list] = await Promise.all([dutyApi.handoverDraft(token), dutyApi.handovers(token)])
      this.draft = draft
      this.list = list
      const users = await dutyApi.users(token).catch(() => [])
      const control = ['admin', 'manager', 'supervisor', 'operator']
      this.people = users.filter((u) => control.includes(u.role) && u.username !== this.me()).map((u) => u.username)
    } catch (err) {
      this.onError(err)
    }
  }

  async submit(incoming: string, notes: string): Promise<boolean> {
    return this.#run(async (token) => void (await dutyApi.submitHandover(token, incoming, notes)))
  }

  async sign(id: string): Promise<boolean> {
    return this.#run(async (token) => void (await dutyApi.signHandover(token, id)))
  }

  async #run(fn: (token: string) => Promise<void>): Promise<boolean> {
    const token = this.token()
    if (!token || this.busy) return false
    this.busy = true
    this.error = null
    try {
      await fn(token)
      await this.load()
      return true
    } catch (err) {
      this.error = errorText(err)
      // A refusal (409, 400) is shown on the form; anything else also goes to the toasts.
      if (!(err instanceof ApiError && (err.status === 409 || err.status === 400))) this.onError(err)
      return false
    } finally {
      this.busy = false
    }
  }
}
