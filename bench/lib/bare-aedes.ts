// The baseline (issue #8 item 1): the same aedes as Vigil's, with no authentication, no ACL and no
// ingest, relaying to whoever subscribes. Its sockets get TCP_NODELAY like Vigil's broker does
// (broker/create-broker.ts), so the comparison is about the work Vigil adds, not socket options.
import net from 'node:net'
import { Aedes } from 'aedes'

const broker = await Aedes.createBroker()
const server = net.createServer((socket) => {
  socket.setNoDelay(true)
  broker.handle(socket)
})
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as net.AddressInfo
  process.stdout.write(JSON.stringify({ event: 'listening', mqtt: port, http: 0 }) + '\n')
})
process.on('SIGTERM', () => {
  server.close()
  broker.close(() => process.exit(0))
})
