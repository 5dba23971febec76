// The device-facing half of Vigil, assembled from its real parts on port 0 with a temp data dir
// and a manual clock: SQL repos, the SQLite telemetry store, the device directory, live state,
// ingest and the aedes broker. The rule engine is a recorder: a real consumer of what ingest
// hands on, so tests can see which messages reached the rules and with what live state.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { pino } from 'pino'
import { createBroker, type VigilBroker } from '../../broker/create-broker.js'
import { createManualClock, type ManualClock } from '../../services/adapters/clock.js'
import { createMetrics, type Metrics } from '../../services/adapters/metrics.js'
import { openSqlRepos } from '../../services/adapters/sql/sql-repos.js'
import { createSqliteTelemetryStore } from '../../services/adapters/telemetry/sqlite-telemetry.store.js'
import type { DeviceType } from '../../services/core/device-types.js'
import { createEventBus, type EventBus } from '../../services/core/events.js'
import type { Device, DeviceLive } from '../../services/core/model.js'
import type { AcceptedMessage, Repos, TelemetryStore } from '../../services/core/ports.js'
import { deviceTopic, type TopicSuffix } from '../../services/core/topics.js'
import { dropTestDatabase, testDatabaseFor } from './test-database.js'
import type { LiveStateService, RuleEngine } from '../../services/contracts.js'
import { createDeviceDirectory, type DeviceDirectory } from '../../services/devices/device-directory.js'
import { createDeviceSecrets, type DeviceSecrets } from '../../services/devices/device-secrets.js'
import { createIngestService, type IngestOptions, type IngestServiceWithStats } from '../../services/ingest/ingest.service.js'
import { createLiveStateService } from '../../services/live-state/live-state.service.js'

export interface RecordedRuleCall {
  msg: AcceptedMessage
  live: DeviceLive
  device: Device
}
export interface RecordingRules extends RuleEngine {
  calls: RecordedRuleCall[]
}

export function createRecordingRules(): RecordingRules {
  const calls: RecordedRuleCall[] = []
  return { calls, onMessage: (msg, live, device) => void calls.push({ msg, live, device }) }
}

export interface HarnessOptions {
  /** Reuse a data dir (restart tests); a fresh temp dir otherwise. */
  dataDir?: string
  clock?: ManualClock
  ingestOptions?: IngestOptions
  /** Wraps the real telemetry store (e.g. to hold a commit back); the real one is closed by the harness. */
  wrapTelemetry?: (real: TelemetryStore) => TelemetryStore
}

export interface BrokerHarness {
  dataDir: string
  clock: ManualClock
  metrics: Metrics
  events: EventBus
  /** Every DeviceChanged payload, in order. */
  changes: DeviceLive[]
  repos: Repos
  telemetry: TelemetryStore
  directory: DeviceDirectory
  secrets: DeviceSecrets
  liveState: LiveStateService
  ingest: IngestServiceWithStats
  rules: RecordingRules
  broker: VigilBroker
  url: string
  addDevice(d: { id: string; type: DeviceType; siteId?: string }): Promise<{ device: Device; secret: string }>
  topic(deviceId: string, suffix: TopicSuffix): string
  connect(deviceId: string, secret: string, opts?: IClientOptions): Promise<MqttClient>
  /** The current value of a counter or gauge, by labels. */
  metric(name: keyof Metrics, labels?: Record<string, string>): Promise<number>
  /** Stops everything; keeps the data dir when asked (restart tests). */
  close(opts?: { keepData?: boolean }): Promise<void>
}

export async function startBrokerHarness(opts: HarnessOptions = {}): Promise<BrokerHarness> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-broker-'))
  const clock = opts.clock ?? createManualClock()
  const logger = pino({ level: 'silent' })
  const metrics = createMetrics()
  const changes: DeviceLive[] = []
  const events = createEventBus((err) => {
    throw err
  })
  events.on('DeviceChanged', (d) => void changes.push(d))
  const repos = await openSqlRepos({ ...(await testDatabaseFor(dataDir)).target, clock })
  const realTelemetry = createSqliteTelemetryStore({ dataDir })
  const telemetry = opts.wrapTelemetry ? opts.wrapTelemetry(realTelemetry) : realTelemetry
  const secrets = createDeviceSecrets(Buffer.from('broker-harness-key'))

  const directory = createDeviceDirectory()
  const stored = new Map((await repos.devices.allSecrets()).map((s) => [s.deviceId, s]))
  for (const device of await repos.devices.all()) {
    const s = stored.get(device.id)
    if (s) directory.upsert({ device, ...s })
  }

  const liveState = createLiveStateService({ clock, repos, events, directory, metrics })
  const rules = createRecordingRules()
  const ingest = createIngestService({ clock, directory, liveState, telemetry, repos, rules, metrics, logger, ...(opts.ingestOptions ? { options: opts.ingestOptions } : {}) })
  await liveState.start()
  await ingest.start()
  const broker = await createBroker({ directory, secrets, ingest, liveState, metrics, clock, logger })
  const server = net.createServer((socket) => broker.handleConnection(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`
  const clients = new Set<MqttClient>()

  return {
    dataDir, clock, metrics, events, changes, repos, telemetry, directory, secrets, liveState, ingest, rules, broker, url,

    async addDevice({ id, type, siteId = 'S1' }) {
      if (!(await repos.sites.get(siteId))) await repos.sites.create({ id: siteId, name: siteId, timezone: 'Asia/Shanghai' })
      const secret = secrets.generate()
      const device = await repos.devices.create({ id, siteId, type, name: id, location: { building: 'B1', floor: 1 }, attributes: {} }, secrets.hash(secret))
      directory.upsert({ device, secretHash: secrets.hash(secret), previousSecretHash: null, previousValidUntil: 0 })
      liveState.ensure(device)
      return { device, secret }
    },

    topic(deviceId, suffix) {
      const device = directory.device(deviceId)
      if (!device) throw new Error(`no device ${deviceId}`)
      return deviceTopic(device, suffix)
    },

    async connect(deviceId, secret, clientOpts = {}) {
      const client = await mqtt.connectAsync(url, {
        username: deviceId,
        password: secret,
        clientId: `${deviceId}-${randomBytes(4).toString('hex')}`,
        reconnectPeriod: 0,
        connectTimeout: 5000,
        ...clientOpts,
      })
      clients.add(client)
      return client
    },

    async metric(name, labels = {}) {
      const m = metrics[name] as { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> }
      const { values } = await m.get()
      const hit = values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))
      return hit?.value ?? 0
    },

    async close({ keepData = false } = {}) {
      await Promise.all([...clients].map((c) => c.endAsync(true).catch(() => undefined)))
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()))
      await broker.close()
      await serverClosed
      await ingest.stop()
      await liveState.stop()
      await realTelemetry.close()
      await repos.close()
      if (keepData) return
      await dropTestDatabase(dataDir)
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
