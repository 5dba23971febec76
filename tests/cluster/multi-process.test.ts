// Issue #9: Vigil as separate processes on PostgreSQL and Redis, started from the built CLI: two
// clustered brokers, two API processes and two workers, devices on both brokers (cluster-suite.ts).
import { afterAll, beforeAll, describe } from 'vitest'
import { createClusterHarness, type ClusterHarness } from '../helpers/cluster-harness.js'
import { clusterSuite, type Topology } from './cluster-suite.js'

const LEASE_MS = 3000
let h: ClusterHarness
let topology: Topology

beforeAll(async () => {
  h = await createClusterHarness(LEASE_MS)
  // One at a time, so the migrations and the admin user are made once.
  const api1 = await h.start('api1', ['api'])
  const broker1 = await h.start('broker1', ['broker'])
  const broker2 = await h.start('broker2', ['broker'])
  const api2 = await h.start('api2', ['api'])
  const { workerN, workerS } = await h.twoWorkers(api1, `${broker1.mqttUrl},${broker2.mqttUrl}`)
  const screens = [await h.watch(api1, ['north', 'south']), await h.watch(api2, ['north', 'south'])]
  // Registered through API 1; broker 2 learns of it through the relay (or re-reads on the first CONNECT).
  const doorN = await h.device(api1, 'door-n', 'north', broker1.mqttUrl)
  const doorS = await h.device(api1, 'door-s', 'south', broker2.mqttUrl)
  topology = { h, apis: [api1, api2], screens, doorN, doorS, workerN, workerS, leaseMs: LEASE_MS }
}, 120_000)

afterAll(async () => {
  await h?.close()
}, 60_000)

describe('two clustered brokers, two API processes, two workers', () => {
  clusterSuite(() => topology)
})
