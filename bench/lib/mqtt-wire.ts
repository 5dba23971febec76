// The few MQTT 3.1.1 packets the load generator needs, encoded and parsed by hand (OASIS MQTT
// 3.1.1 §2-§3). A full client (mqtt.js) spends more CPU per message than the broker under test
// does, and on a 2-core machine every cycle the generator burns is taken from the system it
// measures; both the bare-aedes baseline and Vigil are driven by this same code.

export const PACKET = { CONNECT: 1, CONNACK: 2, PUBLISH: 3, PUBACK: 4, SUBSCRIBE: 8, SUBACK: 9, PINGREQ: 12, PINGRESP: 13, DISCONNECT: 14 } as const

export interface Will {
  topic: string
  payload: string
  qos: 0 | 1
  retain: boolean
}

export interface ConnectOptions {
  clientId: string
  username?: string
  password?: string
  will?: Will
  keepaliveSec: number
}

/** §2.2.3 remaining length: 7 bits per byte, high bit = more. */
function remainingLength(n: number): Buffer {
  const bytes: number[] = []
  do {
    let b = n % 128
    n = Math.floor(n / 128)
    if (n > 0) b |= 0x80
    bytes.push(b)
  } while (n > 0)
  return Buffer.from(bytes)
}

/** §1.5.3 UTF-8 string (or binary data) with a 2-byte length prefix. */
function prefixed(value: string | Buffer): Buffer {
  const body = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  const len = Buffer.allocUnsafe(2)
  len.writeUInt16BE(body.length, 0)
  return Buffer.concat([len, body])
}

function packet(firstByte: number, parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts)
  return Buffer.concat([Buffer.from([firstByte]), remainingLength(body.length), body])
}

/** §3.1 CONNECT, clean session, protocol level 4. */
export function encodeConnect(o: ConnectOptions): Buffer {
  let flags = 0x02
  const payload: Buffer[] = [prefixed(o.clientId)]
  if (o.will) {
    flags |= 0x04 | (o.will.qos << 3) | (o.will.retain ? 0x20 : 0)
    payload.push(prefixed(o.will.topic), prefixed(Buffer.from(o.will.payload)))
  }
  if (o.username !== undefined) {
    flags |= 0x80
    payload.push(prefixed(o.username))
  }
  if (o.password !== undefined) {
    flags |= 0x40
    payload.push(prefixed(o.password))
  }
  const keepalive = Buffer.allocUnsafe(2)
  keepalive.writeUInt16BE(o.keepaliveSec, 0)
  return packet(PACKET.CONNECT << 4, [prefixed('MQTT'), Buffer.from([4, flags]), keepalive, ...payload])
}

/** §3.3 PUBLISH; `packetId` only for QoS 1. The topic is passed pre-encoded: it never changes per device. */
export function encodePublish(topic: Buffer, payload: Buffer, qos: 0 | 1, packetId: number, retain = false): Buffer {
  const idLen = qos === 1 ? 2 : 0
  const bodyLen = topic.length + idLen + payload.length
  const rl = remainingLength(bodyLen)
  const out = Buffer.allocUnsafe(1 + rl.length + bodyLen)
  let o = 0
  out[o++] = (PACKET.PUBLISH << 4) | (qos << 1) | (retain ? 1 : 0)
  o += rl.copy(out, o)
  o += topic.copy(out, o)
  if (qos === 1) o = out.writeUInt16BE(packetId, o)
  payload.copy(out, o)
  return out
}

/** A topic as §3.3.2.1 puts it on the wire (length prefix included), for encodePublish. */
export const encodeTopic = (topic: string): Buffer => prefixed(topic)

export function encodePuback(packetId: number): Buffer {
  const out = Buffer.from([PACKET.PUBACK << 4, 2, 0, 0])
  out.writeUInt16BE(packetId, 2)
  return out
}

/** §3.8 SUBSCRIBE with one topic filter. */
export function encodeSubscribe(packetId: number, filter: string, qos: 0 | 1): Buffer {
  const id = Buffer.allocUnsafe(2)
  id.writeUInt16BE(packetId, 0)
  return packet((PACKET.SUBSCRIBE << 4) | 0x02, [id, prefixed(filter), Buffer.from([qos])])
}

export const PINGREQ = Buffer.from([PACKET.PINGREQ << 4, 0])
export const DISCONNECT = Buffer.from([PACKET.DISCONNECT << 4, 0])

export interface Packet {
  type: number
  flags: number
  body: Buffer
}

/** Splits a byte stream into packets; keeps a partial packet until the rest arrives. */
export function createPacketReader(onPacket: (p: Packet) => void): (chunk: Buffer) => void {
  let pending: Buffer | null = null
  return (chunk) => {
    const buf = pending === null ? chunk : Buffer.concat([pending, chunk])
    pending = null
    let o = 0
    for (;;) {
      if (buf.length - o < 2) break
      let len = 0
      let mul = 1
      let i = o + 1
      let complete = false
      for (; i < buf.length && i < o + 5; i++) {
        const b = buf[i]!
        len += (b & 0x7f) * mul
        mul *= 128
        if ((b & 0x80) === 0) {
          complete = true
          i++
          break
        }
      }
      if (!complete || buf.length - i < len) break
      const first = buf[o]!
      onPacket({ type: first >> 4, flags: first & 0x0f, body: buf.subarray(i, i + len) })
      o = i + len
    }
    // Copied: the socket may reuse the chunk's memory.
    if (o < buf.length) pending = Buffer.from(buf.subarray(o))
  }
}

/** Topic, packet id (0 at QoS 0) and payload of a PUBLISH body (§3.3.2). */
export function decodePublish(p: Packet): { topic: string; packetId: number; payload: Buffer; qos: number } {
  const qos = (p.flags >> 1) & 0x03
  const topicLen = p.body.readUInt16BE(0)
  const topic = p.body.toString('utf8', 2, 2 + topicLen)
  let o = 2 + topicLen
  let packetId = 0
  if (qos > 0) {
    packetId = p.body.readUInt16BE(o)
    o += 2
  }
  return { topic, packetId, payload: p.body.subarray(o), qos }
}
