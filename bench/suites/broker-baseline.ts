// Issue #8 item 1: bare aedes (the version Vigil embeds, no authentication, ACL or ingest) relaying
// the same devices' payloads from the same load generator to one `bldg/#` subscriber: the limit
// Vigil's sustained rates are compared to, measured in the same run.
import { startLoadFleet } from '../lib/load-fleet.js'
import type { LoadDevice } from '../lib/load-protocol.js'
import { buildPools, planBenchFleet, poolKey } from '../lib/payloads.js'
import { spawnBareAedes } from '../lib/server-process.js'
import { relayStepper } from '../lib/steppers.js'
import { measureSustained, type Sustained } from '../lib/sustained.js'

export interface BaselineResult {
  connections: number
  qos1: Sustained
  qos0: Sustained | null
}

export async function benchBrokerBaseline(o: { connections: number; runs: number; qos0: boolean; log: (line: string) => void }): Promise<BaselineResult> {
  const specs = planBenchFleet('bx-', o.connections)
  const pools = buildPools(specs)
  const devices: LoadDevice[] = specs.map((s) => ({ id: s.id, siteId: 'bench', type: s.type, secret: '', pool: poolKey(s) }))
  const one = async (qos: 0 | 1): Promise<Sustained> => {
    // A fresh broker per QoS: a backlog left from one phase must not be relayed into the next.
    const server = await spawnBareAedes()
    try {
      const fleet = await startLoadFleet({ host: '127.0.0.1', port: server.mqttPort, devices, pools, processes: 2, subscriber: { filter: 'bldg/#', qos } })
      try {
        return await measureSustained(relayStepper(fleet, qos), { label: `bare aedes, ${o.connections} connections, QoS ${qos}`, start: 3000, runs: o.runs, log: o.log })
      } finally {
        await fleet.close()
      }
    } finally {
      await server.stop()
    }
  }
  const qos1 = await one(1)
  const qos0 = o.qos0 ? await one(0) : null
  return { connections: o.connections, qos1, qos0 }
}
