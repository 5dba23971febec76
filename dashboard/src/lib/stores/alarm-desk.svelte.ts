// The operator's desk for one alarm: the drawer with its details and history, and the actions
// that change it (CONTRACT.md §3: reset, shelve, unshelve, out-of-service, return-to-service).
import { api, ApiError, type AlarmAction } from '../api/http.js'
import type { Alarm } from '../api/types.js'
import { t, type MessageKey } from '../i18n/catalog.js'
import { errorText } from '../i18n/errors.js'
import type { AlarmBoard } from './alarms.svelte.js'
import type { Session } from './session.svelte.js'

export type DeskForm = 'shelve' | 'reset' | 'out-of-service' | null

const VERB: Record<AlarmAction, MessageKey> = {
  reset: 'alarms.form.resetTitle',
  shelve: 'alarms.form.shelveTitle',
  unshelve: 'alarms.unshelve',
  'out-of-service': 'alarms.form.oosTitle',
  'return-to-service': 'alarms.returnToService',
}

export class AlarmDesk {
  openId = $state<string | null>(null)
  /** The open alarm as last fetched, with its history. */
  detail = $state<Alarm | null>(null)
  form = $state<DeskForm>(null)
  busy = $state(false)
  /** The last refusal, shown in the drawer next to the form that caused it. */
  error = $state<string | null>(null)
  #loadSeq = 0

  constructor(
    private readonly session: Session,
    private readonly board: AlarmBoard,
    private readonly onError: (err: unknown) => void,
  ) {}

  open(id: string, form: DeskForm = null): void {
    this.openId = id
    this.form = form
    this.error = null
    if (this.detail?.id !== id) this.detail = null
    void this.refresh()
  }

  close(): void {
    this.openId = null
    this.detail = null
    this.form = null
    this.error = null
  }

  async refresh(): Promise<void> {
    const token = this.session.token
    const id = this.openId
    if (!token || !id) return
    const seq = ++this.#loadSeq
    try {
      const a = await api.alarm(token, id)
      if (seq === this.#loadSeq && this.openId === id) this.detail = a
    } catch (err) {
      if (seq === this.#loadSeq) this.onError(err)
    }
  }

  /** An `alarm` event for the open alarm: its history grew. */
  changed(alarm: Alarm): void {
    if (alarm.id === this.openId) void this.refresh()
  }

  /**
   * The answer is applied at once unless an `alarm` event overtook it (the board no longer shows
   * the state the action started from): the event is then the newer truth.
   */
  async run(alarm: Alarm, action: AlarmAction, body: object = {}): Promise<boolean> {
    const token = this.session.token
    if (!token || this.busy) return false
    this.busy = true
    this.error = null
    const startedFrom = this.board.get(alarm.id)?.state
    try {
      const updated = await api.alarmAction(token, alarm.id, action, body)
      if (this.board.get(alarm.id)?.state === startedFrom) this.board.upsert(updated)
      this.form = null
      if (this.openId === alarm.id) void this.refresh()
      return true
    } catch (err) {
      if (err instanceof ApiError && err.status !== 401) {
        // The server's own words: "a priority-1 alarm cannot be shelved", "the condition still holds".
        this.error = t('alarms.refused', { action: t(VERB[action]), reason: errorText(err) })
        this.onError(new Error(this.error))
      } else this.onError(err)
      return false
    } finally {
      this.busy = false
    }
  }
}
