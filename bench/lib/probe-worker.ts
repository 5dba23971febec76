// Latency probes (issue #8 items 3 and 4), timed inside one process so both ends read the same
// performance.now(): probe devices publish over their own MQTT connections, one socket.io client
// watches the probe sites.
//   alarms:  a fresh access door publishes `forced_open` (AC-01 raises at once, DOMAIN.md §3.4);
//            latency = publish → the `alarm` event for that door, and → the `workorder` event
//            that says its work order is assigned (AC-01 needs SECURITY; an engineer is on shift).
//   offline: a pump publishes once and then stays connected but silent; excess = the `device`
//            event with online=false − the last publish − the heartbeat timeout (3 × 10 s).
import { io, type Socket } from 'socket.io-client'
import { reconnectLikeAWall, tokenSource, type Credentials } from './fresh-token.js'
import { connectMqtt, type MqttConn } from './mqtt-conn.js'
import { encodeTopic } from './mqtt-wire.js'

export interface ProbeDevice {
  id: string
  type: 'access-door' | 'pump'
  secret: string
  siteId: string
}
export type ToProbe =
  | { cmd: 'init'; url: string; token: string; login?: Credentials; mqttHost: string; mqttPort: number; devices: ProbeDevice[] }
  | { cmd: 'alarms'; deviceIds: string[]; intervalMs: number; timeoutMs: number }
  | { cmd: 'offline'; deviceIds: string[]; spreadMs: number; timeoutMs: number; offlineAfterMs: number }
  | { cmd: 'close' }
export type FromProbe =
  | { kind: 'ready'; error: string | null }
  | { kind: 'alarms'; latenciesMs: number[]; missing: number; assignedMs: number[]; assignMissing: number; reconnects: number }
  | { kind: 'offline'; excessMs: number[]; missing: number }
  | { kind: 'closed' }

const send = (m: FromProbe): void => void process.send?.(m)
const conns = new Map<string, { conn: MqttConn; base: string; seq: number; reconnect: () => Promise<MqttConn> }>()
// Links a long run had to re-open (the socket.io client or a probe's MQTT connection), reported
// with the next alarm sample: an overloaded Vigil may drop one, and a soak must not stop timing.
let reconnects = 0
const alarmWaiters = new Map<string, (at: number) => void>()
const offlineWaiters = new Map<string, (at: number) => void>()
const assignWaiters = new Map<string, (at: number) => void>()
let socket: Socket | null = null

async function init(m: Extract<ToProbe, { cmd: 'init' }>): Promise<void> {
  for (const d of m.devices) {
    const base = `bldg/${d.siteId}/${d.type}/${d.id}`
    const reconnect = (): Promise<MqttConn> => connectMqtt(m.mqttHost, m.mqttPort, {
      clientId: `probe-${d.id}`, username: d.id, password: d.secret, keepaliveSec: 60,
      will: { topic: `${base}/status`, payload: '{"online":false}', qos: 1, retain: true },
    })
    conns.set(d.id, { conn: await reconnect(), base, seq: 0, reconnect })
  }
  const siteIds = [...new Set(m.devices.map((d) => d.siteId))]
  let subscribed = false
  socket = await new Promise<Socket>((resolve, reject) => {
    const token = tokenSource(m.url, m.token, m.login)
    const s = io(m.url, {
      auth: (cb) => void token().then((t) => cb({ token: t }), () => cb({ token: '' })),
      transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 2000, timeout: 120_000,
    })
    s.on('alarm', (a: { deviceId: string; ruleId: string }) => {
      if (a.ruleId !== 'AC-01') return
      const w = alarmWaiters.get(a.deviceId)
      alarmWaiters.delete(a.deviceId)
      w?.(performance.now())
    })
    s.on('workorder', (wo: { deviceId: string | null; status: string }) => {
      if (wo.status !== 'assigned' || wo.deviceId === null) return
      const w = assignWaiters.get(wo.deviceId)
      assignWaiters.delete(wo.deviceId)
      w?.(performance.now())
    })
    s.on('device', (d: { deviceId: string; online: boolean }) => {
      if (d.online) return
      const w = offlineWaiters.get(d.deviceId)
      offlineWaiters.delete(d.deviceId)
      w?.(performance.now())
    })
    s.once('connect_error', (err) => { if (!subscribed) reject(err) })
    reconnectLikeAWall(s, () => subscribed)
    // Every (re)connection subscribes again.
    s.on('connect', () => s.emit('subscribe', { siteIds }, (res: { error?: { message: string } }) => {
      if (res.error) return subscribed ? undefined : reject(new Error(res.error.message))
      if (subscribed) reconnects++
      subscribed = true
      resolve(s)
    }))
  })
}

async function ensureOpen(id: string): Promise<void> {
  const c = conns.get(id)
  if (c?.conn.closed) {
    c.conn = await c.reconnect()
    reconnects++
  }
}

function publish(id: string, suffix: 'telemetry' | 'event', body: Record<string, unknown>): void {
  const c = conns.get(id)
  if (!c) throw new Error(`probe device ${id} is not connected`)
  const payload = Buffer.from(JSON.stringify({ ts: Date.now(), seq: ++c.seq, ...body }))
  c.conn.publish(encodeTopic(`${c.base}/${suffix}`), payload, 1)
}

function waitFor(waiters: Map<string, (at: number) => void>, id: string, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiters.delete(id)
      resolve(null)
    }, timeoutMs)
    waiters.set(id, (at) => {
      clearTimeout(timer)
      resolve(at)
    })
  })
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function alarms(m: Extract<ToProbe, { cmd: 'alarms' }>): Promise<void> {
  const pending: Promise<number | null>[] = []
  const assigned: Promise<number | null>[] = []
  for (const id of m.deviceIds) {
    const seen = waitFor(alarmWaiters, id, m.timeoutMs)
    const dispatched = waitFor(assignWaiters, id, m.timeoutMs)
    // A link re-opened first, so its time is not counted.
    await ensureOpen(id)
    const t0 = performance.now()
    publish(id, 'event', { event: 'forced_open', requiredLevel: 1, doorState: 'open', lockState: 'locked' })
    pending.push(seen.then((at) => (at === null ? null : at - t0)))
    assigned.push(dispatched.then((at) => (at === null ? null : at - t0)))
    await pause(m.intervalMs)
  }
  const got = await Promise.all(pending)
  const gotAssigned = await Promise.all(assigned)
  const latenciesMs = got.filter((v): v is number => v !== null)
  const assignedMs = gotAssigned.filter((v): v is number => v !== null)
  send({ kind: 'alarms', latenciesMs, missing: got.length - latenciesMs.length, assignedMs, assignMissing: gotAssigned.length - assignedMs.length, reconnects })
  reconnects = 0
}

async function offline(m: Extract<ToProbe, { cmd: 'offline' }>): Promise<void> {
  // Silences spread over the sweep period: detection depends on where in it a device falls silent.
  const step = m.spreadMs / Math.max(1, m.deviceIds.length)
  const pending: Promise<number | null>[] = []
  for (const id of m.deviceIds) {
    const seen = waitFor(offlineWaiters, id, m.timeoutMs)
    await ensureOpen(id)
    const last = performance.now()
    publish(id, 'telemetry', { outletP: 0.6 })
    pending.push(seen.then((at) => (at === null ? null : at - last - m.offlineAfterMs)))
    await pause(step)
  }
  const got = await Promise.all(pending)
  const excessMs = got.filter((v): v is number => v !== null)
  send({ kind: 'offline', excessMs, missing: got.length - excessMs.length })
}

setInterval(() => {
  const now = Date.now()
  for (const c of conns.values()) c.conn.keepAlive(now)
}, 5000)

process.on('message', (m: ToProbe) => {
  const fail = (err: unknown): void => send({ kind: 'ready', error: String(err) })
  switch (m.cmd) {
    case 'init':
      init(m).then(() => send({ kind: 'ready', error: null }), fail)
      return
    case 'alarms':
      void alarms(m)
      return
    case 'offline':
      void offline(m)
      return
    case 'close':
      socket?.disconnect()
      for (const c of conns.values()) c.conn.end()
      send({ kind: 'closed' })
      setTimeout(() => process.exit(0), 100).unref()
      return
  }
})
process.on('disconnect', () => process.exit(0))
