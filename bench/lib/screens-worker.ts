// The dashboard clients of the ingest measurement (issue #8 item 2: "socket.io to 10 dashboard
// clients"), in a process of their own: each logs in with the bench's token, subscribes to the
// bench's sites (CONTRACT.md §4) as the wall display does (with `batch`) and counts the device
// changes and `alarm` events it receives. Like a wall display, a screen reconnects when its link
// drops, signing in again (fresh-token.ts).
import { io, type Socket } from 'socket.io-client'
import { reconnectLikeAWall, tokenSource, type Credentials } from './fresh-token.js'

export type ToScreens = { cmd: 'init'; url: string; token: string; login?: Credentials; siteIds: string[]; clients: number } | { cmd: 'snapshot' } | { cmd: 'close' }
export type FromScreens =
  | { kind: 'ready'; connected: number; error: string | null }
  | { kind: 'snapshot'; device: number; alarm: number; connected: number; reconnects: number }
  | { kind: 'closed' }

const send = (m: FromScreens): void => void process.send?.(m)
const sockets: Socket[] = []
let device = 0
let alarm = 0
let reconnects = 0

function connectOne(url: string, token: () => Promise<string>, siteIds: string[]): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let subscribed = false
    // A generous timeout: Vigil may be busy with thousands of devices when the screens connect.
    const s = io(url, {
      auth: (cb) => void token().then((t) => cb({ token: t }), () => cb({ token: '' })),
      transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 2000, timeout: 120_000,
    })
    // Like the wall display, a screen takes device changes batched (`devices`, one array per moment);
    // a `device` event would mean the server ignored `batch`, and is counted the same.
    s.on('devices', (list: unknown[]) => void (device += list.length))
    s.on('device', () => void device++)
    s.on('alarm', () => void alarm++)
    s.once('connect_error', (err) => { if (!subscribed) reject(err) })
    reconnectLikeAWall(s, () => subscribed)
    s.on('connect', () => {
      s.emit('subscribe', { siteIds, batch: true }, (res: { error?: { message: string } }) => {
        if (res.error) return subscribed ? undefined : reject(new Error(res.error.message))
        if (subscribed) reconnects++
        subscribed = true
        resolve(s)
      })
    })
  })
}

process.on('message', (m: ToScreens) => {
  switch (m.cmd) {
    case 'init': {
      const token = tokenSource(m.url, m.token, m.login)
      Promise.all(Array.from({ length: m.clients }, () => connectOne(m.url, token, m.siteIds))).then(
        (list) => {
          sockets.push(...list)
          send({ kind: 'ready', connected: list.length, error: null })
        },
        (err: unknown) => send({ kind: 'ready', connected: 0, error: String(err) }),
      )
      return
    }
    case 'snapshot':
      send({ kind: 'snapshot', device, alarm, connected: sockets.filter((s) => s.connected).length, reconnects })
      return
    case 'close':
      for (const s of sockets) s.disconnect()
      send({ kind: 'closed' })
      setTimeout(() => process.exit(0), 100).unref()
      return
  }
})
process.on('disconnect', () => process.exit(0))
