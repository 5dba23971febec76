// Runs the wall display: initial data from REST, then the live stream from socket.io. On every
// (re)connect the subscription's snapshot refreshes the devices and the alarm list is reloaded,
// with alarm events that arrive meanwhile held back and replayed in order, so nothing sent
// while the link was down or the list was loading is lost.
import { api, ApiError } from '../api/http.js'
import { connectLive, type LiveSocket } from '../api/socket.js'
import type { Alarm, Device, DeviceLive, Site } from '../api/types.js'
import { AlarmBoard } from './alarms.svelte.js'
import { Connection } from './connection.svelte.js'
import { DeviceBoard } from './devices.svelte.js'
import type { Session } from './session.svelte.js'
import type { Toasts } from './toasts.svelte.js'

export const ALL_SITES = '*'
const ACK_EVENT_GRACE_MS = 5000

export class Wall {
  devices = new DeviceBoard()
  alarms = new AlarmBoard()
  connection = new Connection()
  sites = $state<Site[]>([])
  /** A site id, or ALL_SITES. */
  siteId = $state<string | null>(null)
  loaded = $state(false)

  siteName = $derived(this.siteId === ALL_SITES ? 'All sites' : (this.sites.find((s) => s.id === this.siteId)?.name ?? this.siteId ?? ''))

  #socket: LiveSocket | null = null
  #alarmBuffer: Alarm[] | null = null
  #fetchingMeta = new Set<string>()
  #generation = 0

  constructor(
    private readonly session: Session,
    private readonly toasts: Toasts,
  ) {}

  /** Starts (or restarts, for another site) the display. `wanted` comes from the URL. */
  async start(wanted: string | null): Promise<void> {
    this.stop()
    const gen = ++this.#generation
    const token = this.session.token
    if (!token) return
    try {
      const sites = await api.sites(token).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 401) throw err
        return [] as Site[]
      })
      if (gen !== this.#generation) return
      this.sites = sites
      this.siteId = wanted && (wanted === ALL_SITES || sites.some((s) => s.id === wanted)) ? wanted : (sites[0]?.id ?? ALL_SITES)
      const filter = this.siteId === ALL_SITES ? null : this.siteId
      const [devices, live, alarms] = await Promise.all([api.devices(token, filter), api.state(token, filter), api.activeAlarms(token, filter)])
      if (gen !== this.#generation) return
      this.devices.replaceMeta(devices)
      for (const l of live) this.devices.applyLive(l)
      this.alarms.replace(alarms)
      if (this.sites.length === 0) this.sites = [...new Set(devices.map((d) => d.siteId))].map((id) => ({ id, name: id }))
      this.loaded = true
      this.#connect(token, gen)
    } catch (err) {
      this.handleError(err)
    }
  }

  stop(): void {
    this.#generation++
    this.#socket?.disconnect()
    this.#socket = null
    this.#alarmBuffer = null
    this.connection.status = 'connecting'
  }

  /**
   * The list changes from the `alarm` event, not from the HTTP answer: an answer overtaken by a
   * later event (the alarm cleared meanwhile) must not bring back an old state. The button shows
   * progress until the event arrives.
   */
  async acknowledge(alarm: Alarm): Promise<void> {
    const token = this.session.token
    if (!token || this.alarms.pendingAck.has(alarm.id)) return
    this.alarms.pendingAck.add(alarm.id)
    try {
      const updated = await api.ack(token, alarm.id)
      // Should the event never come (the link dropped just then), fall back to the answer.
      setTimeout(() => {
        if (!this.alarms.pendingAck.delete(updated.id)) return
        if (this.alarms.byId.get(updated.id)?.acked === false) this.alarms.upsert(updated)
      }, ACK_EVENT_GRACE_MS)
    } catch (err) {
      this.alarms.pendingAck.delete(alarm.id)
      // 409: someone else acknowledged it first; the `alarm` event brings the new state.
      if (err instanceof ApiError && err.status === 409) return
      this.handleError(err)
    }
  }

  handleError(err: unknown): void {
    console.error(err)
    if (err instanceof ApiError && err.status === 401) {
      this.stop()
      this.session.logout('Your session has ended. Sign in again.')
      return
    }
    this.toasts.push(err instanceof Error ? err.message : String(err))
  }

  #subscribedSites(): string[] {
    if (this.siteId !== ALL_SITES && this.siteId) return [this.siteId]
    return this.sites.map((s) => s.id)
  }

  #connect(token: string, gen: number): void {
    this.#socket = connectLive(token, () => this.#subscribedSites(), {
      onSubscribed: (_siteIds, snapshot) => {
        if (gen !== this.#generation) return
        this.connection.up()
        for (const l of snapshot) this.#applyDevice(l)
        void this.#reloadAlarms(token, gen)
      },
      onDisconnected: () => this.connection.down(),
      onUnauthorized: () => this.handleError(new ApiError(401, 'UNAUTHORIZED', 'session expired')),
      onError: (err) => this.handleError(err),
      onDevice: (l) => this.#applyDevice(l),
      onAlarm: (a) => this.#applyAlarm(a),
    })
  }

  async #reloadAlarms(token: string, gen: number): Promise<void> {
    this.#alarmBuffer = []
    try {
      const alarms = await api.activeAlarms(token, this.siteId === ALL_SITES ? null : this.siteId)
      if (gen !== this.#generation) return
      this.alarms.replace(alarms)
    } catch (err) {
      this.handleError(err)
    } finally {
      const buffered = this.#alarmBuffer ?? []
      this.#alarmBuffer = null
      for (const a of buffered) this.alarms.upsert(a)
    }
  }

  #applyAlarm(alarm: Alarm): void {
    if (this.#alarmBuffer) this.#alarmBuffer.push(alarm)
    else this.alarms.upsert(alarm)
  }

  #applyDevice(l: DeviceLive): void {
    this.devices.applyLive(l)
    if (!this.devices.meta.has(l.deviceId)) void this.#fetchMeta(l.deviceId)
  }

  /** A device registered after the page loaded: fetch its name and location once. */
  async #fetchMeta(id: string): Promise<void> {
    const token = this.session.token
    if (!token || this.#fetchingMeta.has(id)) return
    this.#fetchingMeta.add(id)
    try {
      const d: Device = await api.device(token, id)
      this.devices.addMeta(d)
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) this.handleError(err)
    } finally {
      this.#fetchingMeta.delete(id)
    }
  }
}
