// A TCP proxy between simulated devices and Vigil's MQTT port, to cut the network under them the
// way a switch losing power does: every device connection drops at once. With `halfOpen` the
// Vigil side is left open and silent (Vigil cannot tell the device is gone until keepalive runs
// out), which is what a real outage looks like to a server; a reconnect then takes over the session.
import net from 'node:net'

export interface TcpProxy {
  port: number
  /** Connections currently relayed (device side). */
  connections(): number
  /** Drops every device connection; refuses new ones for `downMs`. */
  outage(opts: { downMs: number; halfOpen: boolean }): Promise<void>
  /** Closes the Vigil-side sockets a half-open outage left behind. */
  closeStale(): void
  close(): Promise<void>
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ device: net.Socket; upstream: net.Socket }>()
  const stale = new Set<net.Socket>()
  let refusing = false
  const server = net.createServer((device) => {
    if (refusing) {
      device.destroy()
      return
    }
    const upstream = net.connect(target.port, target.host)
    const pair = { device, upstream }
    pairs.add(pair)
    device.pipe(upstream)
    upstream.pipe(device)
    const end = (): void => {
      if (!pairs.delete(pair)) return
      device.destroy()
      upstream.destroy()
    }
    device.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => pairs.size,
    async outage({ downMs, halfOpen }) {
      refusing = true
      for (const pair of [...pairs]) {
        pairs.delete(pair)
        pair.device.unpipe(pair.upstream)
        pair.upstream.unpipe(pair.device)
        pair.device.destroy()
        if (halfOpen) {
          pair.upstream.on('error', () => undefined)
          stale.add(pair.upstream)
        } else {
          pair.upstream.destroy()
        }
      }
      await new Promise((r) => setTimeout(r, downMs))
      refusing = false
    },
    closeStale() {
      for (const s of stale) s.destroy()
      stale.clear()
    },
    async close() {
      for (const { device, upstream } of pairs) {
        device.destroy()
        upstream.destroy()
      }
      for (const s of stale) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
