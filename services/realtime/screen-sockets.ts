// The TCP sockets under the screens' socket.io connections, so several WebSocket frames can leave in
// one write (issue #8 profile: one `writev` system call per frame and screen was the largest single
// cost of the ingest with 10 screens connected).
import type net from 'node:net'
import type { RealtimeServer } from './realtime.service.js'

interface EngineClient {
  transport?: { name?: string; socket?: { _socket?: net.Socket } }
}

/** Only an io attached to an HTTP server has an engine (and screens). */
const hasEngine = (io: RealtimeServer): boolean => (io as { engine?: unknown }).engine !== undefined

/** The TCP socket of a WebSocket connection (the transport every Vigil client tries first). */
function tcpOf(client: EngineClient): net.Socket | undefined {
  // ws keeps the upgraded connection's socket in `_socket`; it has no public accessor.
  const tcp = client.transport?.name === 'websocket' ? client.transport.socket?._socket : undefined
  return tcp !== undefined && !tcp.destroyed ? tcp : undefined
}

export function* screenSockets(io: RealtimeServer): Iterable<net.Socket> {
  // A worker's server-less io (it emits through the Redis adapter, issue #9) has no engine.
  if (!hasEngine(io)) return
  // engine.io's own map of connections (typed protected; read-only use).
  const clients = (io.engine as unknown as { clients: Record<string, EngineClient> }).clients
  for (const client of Object.values(clients)) {
    const tcp = tcpOf(client)
    if (tcp !== undefined) yield tcp
  }
}

/**
 * engine.io sends the frames a screen's connection buffered while its previous write was under way
 * one by one, each its own system call; its `flush` and `drain` events bracket that loop, so the
 * socket is corked for its length and the frames leave in one write.
 */
export function corkBufferedFlushes(io: RealtimeServer): void {
  if (!hasEngine(io)) return
  const engine = io.engine
  const corked = new WeakMap<EngineClient, net.Socket>()
  engine.on('flush', (client: EngineClient, buffered: readonly unknown[]) => {
    if (buffered.length < 2) return
    const tcp = tcpOf(client)
    if (tcp === undefined) return
    tcp.cork()
    corked.set(client, tcp)
    // Should the send throw before `drain`, the screen must not stay corked (frozen).
    process.nextTick(() => uncork(client))
  })
  const uncork = (client: EngineClient): void => {
    const tcp = corked.get(client)
    if (tcp === undefined) return
    corked.delete(client)
    tcp.uncork()
  }
  engine.on('drain', uncork)
}
