// Issue #9 item 4: Mosquitto as the external broker (docs/mosquitto/vigil.conf), Vigil's workers as
// its clients with persistent per-site sessions, device logins and the CONTRACT.md §2 topic ACL
// provisioned by `vigil api` into Mosquitto's dynamic security. The core of the multi-process
// suite: alarms and work orders once, socket.io events once, and a killed worker's site taken
// over with the message the broker queued meanwhile.
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Alarm } from '../../services/core/model.js'
import { createClusterHarness, type ClusterDevice, type ClusterHarness } from '../helpers/cluster-harness.js'
import { startMosquitto, type MosquittoServer } from '../helpers/mosquitto-server.js'
import type { SpawnedVigil } from '../helpers/spawn-vigil.js'
import { clusterSuite, type Topology } from './cluster-suite.js'

const LEASE_MS = 3000
let h: ClusterHarness
let mosquitto: MosquittoServer
let apiP: SpawnedVigil
let doorN: ClusterDevice
let topology: Topology

const allAlarms = async (): Promise<Alarm[]> => (await h.api(apiP, 'GET', '/api/v1/alarms?state=all&limit=1000')).json.items as Alarm[]

beforeAll(async () => {
  mosquitto = await startMosquitto()
  h = await createClusterHarness(LEASE_MS)
  apiP = await h.start('api', ['api'], { VIGIL_MOSQUITTO_DYNSEC_URL: mosquitto.adminUrl })
  const { workerN, workerS } = await h.twoWorkers(apiP, mosquitto.url)
  const screens = [await h.watch(apiP, ['north', 'south'])]
  doorN = await h.device(apiP, 'door-n', 'north', mosquitto.url)
  const doorS = await h.device(apiP, 'door-s', 'south', mosquitto.url)
  topology = { h, apis: [apiP], screens, doorN, doorS, workerN, workerS, leaseMs: LEASE_MS }
}, 120_000)

afterAll(async () => {
  await h?.close()
  await mosquitto?.stop()
}, 60_000)

describe('Mosquitto as the external broker', () => {
  it('refuses a wrong secret and keeps a device to its own topics (CONTRACT.md §2)', async () => {
    const refused = await mqtt.connectAsync(mosquitto.url, { username: 'door-n', password: 'not-the-secret', reconnectPeriod: 0, connectTimeout: 5000 })
      .then((c) => { void c.endAsync(); return null }, (err: { code?: number }) => err)
    expect([4, 5]).toContain(refused?.code)
    // mqtt.js rejects a SUBACK with a failure code; the code is on the packet.
    const suback = await doorN.client.subscribeAsync('bldg/south/access-door/door-s/cmd', { qos: 1 })
      .then((g) => g.map((x) => x.qos), (err: { packet?: { granted?: number[] } }) => err.packet?.granted)
    expect(suback).toEqual([128])
    const own = await doorN.client.subscribeAsync('bldg/north/access-door/door-n/cmd', { qos: 1 })
    expect(own.map((g) => g.qos)).toEqual([1])
    // A publish to another device's topic is dropped by the broker: no alarm for door-s follows.
    await doorN.send('event', { event: 'forced_open', requiredLevel: 3, doorState: 'open' }, 'bldg/south/access-door/door-s')
    await new Promise((r) => setTimeout(r, 1000))
    expect(await allAlarms()).toEqual([])
  })

  clusterSuite(() => topology)
})
