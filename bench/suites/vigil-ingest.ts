// Issue #8 item 2: sustained ingest into a whole Vigil (authentication, ACL, validation, live state,
// every rule, the telemetry store, socket.io to 10 dashboard clients), QoS 1 and QoS 0, with the
// load generator in processes beside it.
import type { LoadFleet } from '../lib/load-fleet.js'
import type { Screens } from '../lib/screens.js'
import { ackStepper, ingestStepper } from '../lib/steppers.js'
import { measureSustained, type Sustained } from '../lib/sustained.js'
import { readIngestCounters } from '../lib/vigil-metrics.js'

export interface IngestResult {
  connections: number
  qos1: Sustained
  qos0: Sustained | null
  /** Payloads Vigil refused during the measurement: should be 0, the generator sends valid ones. */
  rejected: number
  /** `device` events the 10 dashboard clients received per second of measurement, and `alarm` events. */
  screenDeviceEventsPerSec: number
  screenAlarmEvents: number
}

export async function benchVigilIngest(o: {
  http: string
  fleet: LoadFleet
  screens: Screens
  qos0: boolean
  runs: number
  start: number
  log: (line: string) => void
}): Promise<IngestResult> {
  const label = `Vigil, ${o.fleet.size} connections`
  const before = await readIngestCounters(o.http)
  const screens0 = await o.screens.counts()
  const t0 = performance.now()
  const qos1 = await measureSustained(ackStepper(o.fleet, o.http), { label: `${label}, QoS 1`, start: o.start, runs: o.runs, log: o.log })
  const qos0 = o.qos0 ? await measureSustained(await ingestStepper(o.fleet, o.http), { label: `${label}, QoS 0`, start: o.start, runs: o.runs, log: o.log }) : null
  const after = await readIngestCounters(o.http)
  const screens1 = await o.screens.counts()
  return {
    connections: o.fleet.size,
    qos1,
    qos0,
    rejected: after.rejected - before.rejected,
    screenDeviceEventsPerSec: (screens1.device - screens0.device) / ((performance.now() - t0) / 1000),
    screenAlarmEvents: screens1.alarm - screens0.alarm,
  }
}
