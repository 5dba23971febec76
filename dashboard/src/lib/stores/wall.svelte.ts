// Runs the wall display: initial data from REST, then the live stream from socket.io. On every
// (re)connect the subscription's snapshot refreshes the devices and the alarm list is reloaded,
// with alarm events that arrive meanwhile held back and replayed in order, so nothing sent
// while the link was down or the list was loading is lost.
import { api, ApiError } from '../api/http.js'
import { connectLive, type LiveSocket } from '../api/socket.js'
import type { AccessEvent, Alarm, Device, DeviceLive, Site } from '../api/types.js'
import { tileLook } from '../device-view.js'
import { alarmTitle } from '../alarm-view.js'
import { accessChanges, accessEventEntry } from '../access-view.js'
import { AccessTicker } from './access-ticker.svelte.js'
import { AlarmDesk } from './alarm-desk.svelte.js'
import { AlarmBoard, HIDDEN_STATES } from './alarms.svelte.js'
import { Connection } from './connection.svelte.js'
import { DeviceStatusIndex } from './device-status.svelte.js'
import { DeviceBoard } from './devices.svelte.js'
import { EmergencyBoard } from './emergencies.svelte.js'
import { WorkOrderDesk } from './work-orders.svelte.js'
import { dutyApi } from '../api/duty-api.js'
import { FloodBoard } from './flood.svelte.js'
import { t } from '../i18n/catalog.js'
import { errorText } from '../i18n/errors.js'
import { FloorPlanBoard } from './floor-plans.svelte.js'
import { ServerHealth } from './health.svelte.js'
import type { Session } from './session.svelte.js'
import type { Toasts } from './toasts.svelte.js'

export const ALL_SITES = '*'
const ACK_EVENT_GRACE_MS = 5000

export class Wall {
  devices = new DeviceBoard()
  alarms = new AlarmBoard()
  status = new DeviceStatusIndex()
  flood = new FloodBoard()
  health = new ServerHealth()
  access = new AccessTicker()
  desk: AlarmDesk
  workOrders: WorkOrderDesk
  emergencies: EmergencyBoard
  /** Floor plans of the shown sites (issue #6 item 8), reloaded on every (re)connect, then kept by `floorplan` events. */
  floorPlans: FloorPlanBoard
  connection = new Connection()
  sites = $state<Site[]>([])
  /** A site id, or ALL_SITES. */
  siteId = $state<string | null>(null)
  loaded = $state(false)

  siteName = $derived(this.siteId === ALL_SITES ? t('wall.allSites') : (this.sites.find((s) => s.id === this.siteId)?.name ?? this.siteId ?? ''))

  #socket: LiveSocket | null = null
  #alarmBuffer: Alarm[] | null = null
  #fetchingMeta = new Set<string>()
  #generation = 0

  constructor(
    private readonly session: Session,
    private readonly toasts: Toasts,
  ) {
    this.desk = new AlarmDesk(session, this.alarms, (err) => this.handleError(err))
    this.workOrders = new WorkOrderDesk(() => session.token, (err) => this.handleError(err))
    this.emergencies = new EmergencyBoard(() => session.token, (err) => this.handleError(err))
    this.floorPlans = new FloorPlanBoard(() => session.token, (err) => this.handleError(err))
  }

  /** Starts (or restarts, for another site) the display. `wanted` comes from the URL. */
  async start(wanted: string | null): Promise<void> {
    this.stop()
    const gen = ++this.#generation
    const token = this.session.token
    if (!token) return
    this.health.start()
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
      this.access.clear()
      this.#restatusAll()
      if (this.sites.length === 0) this.sites = [...new Set(devices.map((d) => d.siteId))].map((id) => ({ id, name: id }))
      this.loaded = true
      this.#connect(token, gen)
    } catch (err) {
      this.handleError(err)
    }
  }

  stop(): void {
    this.#generation++
    this.health.stop()
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
      this.session.logout(t('session.ended'))
      return
    }
    this.toasts.push(errorText(err))
  }

  #subscribedSites(): string[] {
    if (this.siteId !== ALL_SITES && this.siteId) return [this.siteId]
    return this.sites.map((s) => s.id)
  }

  #connect(token: string, gen: number): void {
    // The session refreshes its token every ~14 min: a reconnect must use the current one.
    this.#socket = connectLive(() => this.session.token ?? token, () => this.#subscribedSites(), {
      onSubscribed: (_siteIds, snapshot) => {
        if (gen !== this.#generation) return
        this.connection.up()
        for (const l of snapshot) this.#applyDevice(l)
        void this.#reloadAlarms(this.session.token ?? token, gen)
      },
      onDisconnected: () => this.connection.down(),
      onUnauthorized: () => this.handleError(new ApiError(401, 'UNAUTHORIZED', 'session expired')),
      onError: (err) => this.handleError(err),
      onDevice: (l) => this.#applyDevice(l),
      onAlarm: (a) => this.#applyAlarm(a),
      onFlood: (f) => this.flood.apply(f),
      onAccess: (e: AccessEvent) => this.access.push([accessEventEntry(e)]),
      onWorkOrder: (wo) => this.workOrders.upsert(wo),
      onEmergency: (em) => this.emergencies.upsert(em),
      onFloorPlan: (change) => this.floorPlans.apply(change),
    })
  }

  /** The shelved, suppressed and out-of-service lists and the flood state, after every (re)connect. */
  async #reloadSecondary(token: string, gen: number): Promise<void> {
    const filter = this.siteId === ALL_SITES ? null : this.siteId
    try {
      // Work orders and emergencies changed while the link was down come back with the reload.
      const [emergencies] = await Promise.all([
        dutyApi.emergencies(token, filter).catch((err: unknown) => (this.handleError(err), null)),
        this.workOrders.load({ siteId: filter }),
        this.floorPlans.load(this.#subscribedSites()),
      ])
      if (gen !== this.#generation) return
      if (emergencies) this.emergencies.replace(emergencies)
      const [floods, ...hidden] = await Promise.all([api.flood(token, filter), ...HIDDEN_STATES.map((s) => api.alarmsInState(token, s, filter))])
      if (gen !== this.#generation) return
      this.flood.replace(floods)
      HIDDEN_STATES.forEach((s, i) => this.alarms.replaceHidden(s, hidden[i] ?? []))
    } catch (err) {
      this.handleError(err)
    }
  }

  #restatus(deviceId: string): void {
    if (!this.devices.meta.has(deviceId)) return
    this.status.set(deviceId, tileLook(this.devices.live.get(deviceId), this.alarms.byDevice.get(deviceId)).status)
  }

  #restatusAll(): void {
    this.status.retain(new Set(this.devices.meta.keys()))
    for (const id of this.devices.meta.keys()) this.#restatus(id)
  }

  async #reloadAlarms(token: string, gen: number): Promise<void> {
    this.#alarmBuffer = []
    try {
      const [alarms] = await Promise.all([api.activeAlarms(token, this.siteId === ALL_SITES ? null : this.siteId), this.#reloadSecondary(token, gen)])
      if (gen !== this.#generation) return
      this.alarms.replace(alarms)
    } catch (err) {
      this.handleError(err)
    } finally {
      const buffered = this.#alarmBuffer ?? []
      this.#alarmBuffer = null
      for (const a of buffered) this.alarms.upsert(a)
      this.#restatusAll()
    }
  }

  #applyAlarm(alarm: Alarm): void {
    if (this.#alarmBuffer) return void this.#alarmBuffer.push(alarm)
    const before = this.alarms.get(alarm.id)
    this.alarms.upsert(alarm)
    this.#restatus(alarm.deviceId)
    this.desk.changed(alarm)
    // Access alarms belong in the door ticker too (AC-01 forced open, AC-02 held, AC-03 denials).
    if (alarm.deviceType === 'access-door' && alarm.state === 'unacked' && before?.state !== 'unacked') {
      this.access.push([{ id: `alarm:${alarm.id}:${alarm.occurrences}`, at: Date.parse(alarm.raisedAt), deviceId: alarm.deviceId, text: `${alarm.ruleId} ${alarmTitle(alarm)}`, tone: alarm.priority <= 2 ? 'alarm' : 'warn', credential: null }])
    }
  }

  #applyDevice(l: DeviceLive): void {
    const before = this.devices.live.get(l.deviceId)
    this.devices.applyLive(l)
    const after = this.devices.live.get(l.deviceId)
    if (l.type === 'access-door' && after && after !== before) this.access.push(accessChanges(before, after, l.ts ? Date.parse(l.ts) : Date.now()))
    if (!this.devices.meta.has(l.deviceId)) void this.#fetchMeta(l.deviceId)
    else this.#restatus(l.deviceId)
  }

  /** A device registered after the page loaded: fetch its name and location once. */
  async #fetchMeta(id: string): Promise<void> {
    const token = this.session.token
    if (!token || this.#fetchingMeta.has(id)) return
    this.#fetchingMeta.add(id)
    try {
      const d: Device = await api.device(token, id)
      this.devices.addMeta(d)
      this.#restatus(id)
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) this.handleError(err)
    } finally {
      this.#fetchingMeta.delete(id)
    }
  }
}
