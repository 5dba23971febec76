// The per-turn batch of `device` events (services/realtime/turn-batch.ts) on real TCP sockets:
// what is pushed in one turn is sent in order with every screen socket corked, so each screen gets
// one write; an alarm flushes what waits before it.
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTurnBatch } from '../../services/realtime/turn-batch.js'

let server: net.Server
let client: net.Socket
let accepted: net.Socket

beforeAll(async () => {
  server = net.createServer()
  const gotConnection = new Promise<net.Socket>((resolve) => server.once('connection', resolve))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  client = net.connect(port, '127.0.0.1')
  accepted = await gotConnection
})

afterAll(async () => {
  client.destroy()
  accepted.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('turn batch', () => {
  it('sends the items of one turn together and in order, after the turn, with the sockets corked', async () => {
    const sent: { items: readonly number[]; corked: number }[] = []
    const batch = createTurnBatch<number>({ sockets: () => [accepted], send: (items) => sent.push({ items: [...items], corked: accepted.writableCorked }), onError: (err) => { throw err } })
    batch.push(1)
    batch.push(2)
    batch.push(3)
    expect(sent).toEqual([])
    await nextTurn()
    expect(sent).toEqual([{ items: [1, 2, 3], corked: 1 }])
    expect(accepted.writableCorked).toBe(0)
    batch.push(4)
    await nextTurn()
    expect(sent.at(-1)).toEqual({ items: [4], corked: 1 })
  })

  it('delivers the bytes written while corked', async () => {
    const received: Buffer[] = []
    client.on('data', (b: Buffer) => received.push(b))
    const batch = createTurnBatch<string>({ sockets: () => [accepted], send: (items) => items.forEach((item) => accepted.write(item)), onError: (err) => { throw err } })
    for (const part of ['a', 'b', 'c']) batch.push(part)
    await nextTurn()
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('the batch did not arrive at the peer within 2 s')), 2000)
      const check = (): void => {
        if (Buffer.concat(received).toString() === 'abc') {
          clearTimeout(deadline)
          resolve()
        } else setImmediate(check)
      }
      check()
    })
    client.removeAllListeners('data')
  })

  it('flushNow sends what waits at once, so an event emitted next follows it', () => {
    const order: string[] = []
    const batch = createTurnBatch<string>({ sockets: () => [], send: (items) => order.push(...items), onError: (err) => { throw err } })
    batch.push('device')
    batch.flushNow()
    order.push('alarm')
    expect(order).toEqual(['device', 'alarm'])
  })

  it('keeps going after a send that throws, and uncorks the sockets', async () => {
    const errors: unknown[] = []
    const batch = createTurnBatch<number>({ sockets: () => [accepted], send: () => { throw new Error('boom') }, onError: (err) => errors.push(err) })
    batch.push(1)
    await nextTurn()
    expect(errors).toHaveLength(1)
    expect(accepted.writableCorked).toBe(0)
  })

  it('drops what waits when closed', async () => {
    const sent: number[] = []
    const batch = createTurnBatch<number>({ sockets: () => [], send: (items) => sent.push(...items), onError: (err) => { throw err } })
    batch.push(1)
    batch.close()
    await nextTurn()
    expect(sent).toEqual([])
  })
})
