// One lean MQTT 3.1.1 connection over the hand-written packets of mqtt-wire.ts: CONNECT, QoS 0/1
// PUBLISH with PUBACK tracking, SUBSCRIBE (the baseline's subscriber acknowledges what it gets),
// keepalive pings. Latencies are performance.now() differences inside one process.
import net from 'node:net'
import {
  createPacketReader, decodePublish, DISCONNECT, encodeConnect, encodePuback, encodePublish, encodeSubscribe, PACKET, PINGREQ,
  type ConnectOptions,
} from './mqtt-wire.js'

export interface ConnHandlers {
  /** A PUBACK for a publish sent `latencyMs` earlier. */
  onAck?(latencyMs: number): void
  /** An incoming PUBLISH (subscribers); QoS 1 ones are acknowledged before this runs. */
  onMessage?(topic: string, payload: Buffer): void
  onClose?(): void
}

export interface MqttConn {
  readonly inFlight: number
  /** False while the socket's buffer is over its high-water mark (QoS 0 back-pressure). */
  readonly writable: boolean
  readonly closed: boolean
  /** Sends one PUBLISH; the topic comes pre-encoded (encodeTopic). */
  publish(topic: Buffer, payload: Buffer, qos: 0 | 1, retain?: boolean): void
  subscribe(filter: string, qos: 0 | 1): Promise<number>
  /** Sends PINGREQ when nothing was sent for half the keepalive. */
  keepAlive(nowMs: number): void
  end(): void
  destroy(): void
}

export class ConnackError extends Error {
  constructor(readonly returnCode: number) {
    super(`CONNACK refused with return code ${returnCode}`)
  }
}

export function connectMqtt(host: string, port: number, opts: ConnectOptions, h: ConnHandlers = {}): Promise<MqttConn> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, noDelay: true })
    const sentAt = new Map<number, number>()
    let nextId = 1
    let lastSendMs = Date.now()
    let writable = true
    let closed = false
    let connected = false
    let suback: ((code: number) => void) | null = null

    const write = (buf: Buffer): void => {
      lastSendMs = Date.now()
      if (!socket.write(buf)) writable = false
    }
    socket.on('drain', () => (writable = true))

    const conn: MqttConn = {
      get inFlight() {
        return sentAt.size
      },
      get writable() {
        return writable
      },
      get closed() {
        return closed
      },
      publish(topic, payload, qos, retain = false) {
        if (closed) return
        let id = 0
        if (qos === 1) {
          id = nextId
          nextId = nextId === 65535 ? 1 : nextId + 1
          sentAt.set(id, performance.now())
        }
        write(encodePublish(topic, payload, qos, id, retain))
      },
      subscribe(filter, qos) {
        return new Promise((res) => {
          suback = res
          write(encodeSubscribe(nextId++, filter, qos))
        })
      },
      keepAlive(nowMs) {
        if (!closed && opts.keepaliveSec > 0 && nowMs - lastSendMs >= (opts.keepaliveSec * 1000) / 2) write(PINGREQ)
      },
      end() {
        if (closed) return
        socket.end(DISCONNECT)
      },
      destroy() {
        socket.destroy()
      },
    }

    const read = createPacketReader((p) => {
      switch (p.type) {
        case PACKET.CONNACK: {
          const rc = p.body[1] ?? 255
          if (rc === 0) {
            connected = true
            resolve(conn)
          } else {
            reject(new ConnackError(rc))
            socket.destroy()
          }
          return
        }
        case PACKET.PUBACK: {
          const id = p.body.readUInt16BE(0)
          const t = sentAt.get(id)
          if (t === undefined) return
          sentAt.delete(id)
          h.onAck?.(performance.now() - t)
          return
        }
        case PACKET.PUBLISH: {
          const m = decodePublish(p)
          if (m.qos === 1) write(encodePuback(m.packetId))
          h.onMessage?.(m.topic, m.payload)
          return
        }
        case PACKET.SUBACK:
          suback?.(p.body[2] ?? 128)
          suback = null
          return
        default:
          return
      }
    })
    socket.on('data', read)
    socket.on('error', (err) => {
      if (!connected) reject(err)
    })
    socket.on('close', () => {
      closed = true
      if (!connected) reject(new Error('connection closed before CONNACK'))
      h.onClose?.()
    })
    socket.once('connect', () => write(encodeConnect(opts)))
  })
}
