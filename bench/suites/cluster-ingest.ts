// Issue #9: ingest throughput of two workers against one (`npm run bench -- --only cluster`).
// Two clustered brokers, one API process (registration only), and either one worker running both
// sites or two workers running one site each, on PostgreSQL and Redis, from the built CLI. Devices
// split over both brokers and both sites publish QoS 1 telemetry with increasing `seq` as fast as
// the broker acknowledges; the figure is the messages stored per second, from the first publish
// until every device's last `seq` is in the database (device_states.last_seq).
import pg from 'pg'
import { figure, round, type Figure } from '../lib/stats.js'
import { createClusterHarness, type ClusterDevice } from '../../tests/helpers/cluster-harness.js'
import { waitFor } from '../../tests/helpers/devices.js'

export interface ClusterIngestResult {
  devices: number
  messagesPerDevice: number
  oneWorker: Figure
  twoWorkers: Figure
  /** two ÷ one, pairwise per run. */
  ratio: Figure
}

const SITES = ['north', 'south'] as const

async function oneRun(workers: 1 | 2, devices: number, perDevice: number): Promise<number> {
  const h = await createClusterHarness(15_000)
  try {
    const api = await h.start('api', ['api'])
    const brokers = [await h.start('broker1', ['broker']), await h.start('broker2', ['broker'])]
    const env = { VIGIL_BROKER_URL: brokers.map((b) => b.mqttUrl).join(','), VIGIL_DEVICE_RATE: '0', VIGIL_LOG_LEVEL: 'error' }
    const started = workers === 1
      ? [await h.start('worker', ['worker', '--sites', SITES.join(',')], env)]
      : [await h.start('worker-n', ['worker', '--sites', 'north'], env), await h.start('worker-s', ['worker', '--sites', 'south'], env)]
    for (const site of SITES) await waitFor(`a worker for ${site}`, async () => (await h.leaseHolder(site)) !== null, 20_000)
    void started
    await h.login(api)
    for (const id of SITES) await h.api(api, 'POST', '/api/v1/sites', { id, name: id })
    const fleet: ClusterDevice[] = []
    for (let i = 0; i < devices; i++) {
      fleet.push(await h.device(api, `door-${i}`, SITES[i % 2]!, brokers[Math.floor(i / 2) % 2]!.mqttUrl))
    }
    const db = new pg.Client({ connectionString: h.env.databaseUrl })
    await db.connect()
    try {
      const t0 = performance.now()
      await Promise.all(fleet.map(async (d) => {
        // A window of 100 unacknowledged publishes per device, as a busy gateway would keep.
        for (let seq = 1; seq <= perDevice; seq += 100) {
          const batch: Promise<void>[] = []
          for (let s = seq; s < Math.min(seq + 100, perDevice + 1); s++) batch.push(d.send('telemetry', { mains: true, seq: s }))
          await Promise.all(batch)
        }
      }))
      await waitFor('every message stored', async () => {
        const r = await db.query<{ n: string }>('SELECT count(*) AS n FROM device_states WHERE last_seq >= $1', [perDevice])
        return Number(r.rows[0]?.n) === devices
      }, 600_000)
      return round((devices * perDevice) / ((performance.now() - t0) / 1000), 0)
    } finally {
      await db.end()
    }
  } finally {
    await h.close()
  }
}

export async function benchClusterIngest(opts: { runs: number; devices: number; messagesPerDevice: number; log: (line: string) => void }): Promise<ClusterIngestResult> {
  const one: number[] = []
  const two: number[] = []
  for (let run = 1; run <= opts.runs; run++) {
    one.push(await oneRun(1, opts.devices, opts.messagesPerDevice))
    opts.log(`  run ${run}: one worker ${one.at(-1)!.toLocaleString('en-US')} msg/s`)
    two.push(await oneRun(2, opts.devices, opts.messagesPerDevice))
    opts.log(`  run ${run}: two workers ${two.at(-1)!.toLocaleString('en-US')} msg/s`)
  }
  return {
    devices: opts.devices,
    messagesPerDevice: opts.messagesPerDevice,
    oneWorker: figure(one),
    twoWorkers: figure(two),
    ratio: figure(two.map((v, i) => round(v / one[i]!, 3))),
  }
}
