// The engineer's phone (issue #6 item 7): my shift, the work orders assigned to me and my
// notifications, kept live over the socket (CONTRACT.md §4 `workorder`, `notification`).
import type { Socket } from 'socket.io-client'
import { dutyApi } from '../api/duty-api.js'
import { connectLive } from '../api/socket.js'
import { api, ApiError } from '../api/http.js'
import type { Notification, Shift } from '../api/types.js'
import { Connection } from './connection.svelte.js'
import { t } from '../i18n/catalog.js'
import { errorText } from '../i18n/errors.js'
import type { Session } from './session.svelte.js'
import type { Toasts } from './toasts.svelte.js'
import { WorkOrderDesk } from './work-orders.svelte.js'

export class Phone {
  shift = $state<Shift | null>(null)
  notifications = $state<Notification[]>([])
  connection = new Connection()
  desk: WorkOrderDesk
  loaded = $state(false)
  unacked = $derived(this.notifications.filter((n) => !n.ackedAt))

  #socket: Socket | null = null
  #siteIds: string[] = []

  constructor(
    private readonly session: Session,
    private readonly toasts: Toasts,
  ) {
    this.desk = new WorkOrderDesk(() => session.token, (err) => this.handleError(err), (wo) => wo.assignee === session.user?.username)
  }

  async start(): Promise<void> {
    const token = this.session.token
    const me = this.session.user?.username
    if (!token || !me) return
    try {
      const [sites, shift, notifications] = await Promise.all([api.sites(token), dutyApi.currentShift(token), dutyApi.notifications(token)])
      this.#siteIds = sites.map((s) => s.id)
      this.shift = shift
      this.notifications = notifications
      await this.desk.load({ assignee: me })
      this.loaded = true
    } catch (err) {
      this.handleError(err)
    }
    this.#socket?.disconnect()
    this.#socket = connectLive(() => this.session.token, () => this.#siteIds, {
      snapshot: false,
      onSubscribed: () => {
        this.connection.up()
        // Anything that changed while the link was down.
        void this.desk.load({ assignee: me })
      },
      onDisconnected: () => this.connection.down(),
      onUnauthorized: () => this.handleError(new ApiError(401, 'UNAUTHORIZED', 'session expired')),
      onWorkOrder: (wo) => this.desk.upsert(wo),
      onNotification: (n) => {
        this.notifications = [n as Notification, ...this.notifications.filter((x) => x.id !== n.id)]
      },
    })
  }

  stop(): void {
    this.#socket?.disconnect()
    this.#socket = null
  }

  async toggleShift(): Promise<void> {
    const token = this.session.token
    if (!token) return
    try {
      this.shift = this.shift && !this.shift.endedAt ? (await dutyApi.endShift(token), null) : await dutyApi.startShift(token)
      await this.desk.load({ assignee: this.session.user?.username ?? '' })
    } catch (err) {
      this.handleError(err)
    }
  }

  async ack(n: Notification): Promise<void> {
    const token = this.session.token
    if (!token) return
    try {
      const updated = await dutyApi.ackNotification(token, n.id)
      this.notifications = this.notifications.map((x) => (x.id === n.id ? { ...x, ...updated } : x))
    } catch (err) {
      this.handleError(err)
    }
  }

  handleError(err: unknown): void {
    console.error(err)
    if (err instanceof ApiError && err.status === 401) {
      this.stop()
      this.session.logout(t('session.ended'))
      return
    }
    this.toasts.push(errorText(err))
  }
}
