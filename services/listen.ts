// Listening on a TCP port with the one-line error CONTRACT.md §1 asks for (a busy port names itself).
import type net from 'node:net'

export function listen(server: net.Server, port: number, host: string, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(err.code === 'EADDRINUSE' ? `${what} port ${port} on ${host} is already in use` : `${what} cannot listen on ${host}:${port}: ${err.message}`))
    })
    server.listen(port, host, () => resolve((server.address() as net.AddressInfo).port))
  })
}
