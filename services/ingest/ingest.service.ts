// Ingest: every device publish, from the broker to storage, live state and rules (services/README.md
// "The message path"). Per message: topic, size, JSON, schema (core/device-schemas), seq; then the
// group commit stores the batch and only then settles the publishes' promises, which is what lets
// the broker hold back a QoS 1 PUBACK until the message is durable (CONTRACT.md §2).
import type { Logger } from 'pino'
import type { Metrics } from '../adapters/metrics.js'
import type { Clock } from '../core/clock.js'
import { validateDeviceMessage } from '../core/device-schemas/validate.js'
import { AppError } from '../core/errors.js'
import type { Device, DeviceLive, RejectionReason } from '../core/model.js'
import type { AcceptedMessage, PersistedDeviceState, Repos, TelemetryStore } from '../core/ports.js'
import { parseTopic } from '../core/topics.js'
import type { IngestService, LiveStateService, RuleEngine } from '../contracts.js'
import type { DeviceDirectory } from '../devices/device-directory.js'
import { createGroupCommit } from './group-commit.js'
import { createDeadLetter, type RejectionRow } from './dead-letter.js'
import { createSeqTracker } from './seq-tracker.js'

export interface IngestOptions {
  commitIntervalMs?: number
  maxBatch?: number
  deadLetterMax?: number
  maxPayloadBytes?: number
}

export const INGEST_DEFAULTS: Readonly<Required<IngestOptions>> = Object.freeze({
  commitIntervalMs: 0, // ms a message may wait for companions; 0 = the same event-loop turn (under load the running commit is the window)
  maxBatch: 1000, // messages per commit
  deadLetterMax: 10_000, // rejections kept (the dead-letter list is bounded, CONTRACT.md §2)
  maxPayloadBytes: 16_384, // CONTRACT.md §2: payloads are at most 16 KiB
})

export interface IngestDeps {
  clock: Clock
  directory: DeviceDirectory
  liveState: LiveStateService
  telemetry: TelemetryStore
  repos: Repos
  rules: RuleEngine
  metrics: Metrics
  logger: Logger
  options?: IngestOptions
  /** Called after each group commit with the accepted messages, in arrival order (issue #7: access events). */
  onCommitted?: (msgs: readonly AcceptedMessage[]) => void
  /** Per-device message rate (issue #7 "Limits"); false = refuse this message as `rate-limited`. */
  admit?: (deviceId: string) => boolean
}

export interface IngestStats {
  accepted: number
  outOfOrder: number
  duplicates: number
  rejected: Partial<Record<RejectionReason, number>>
  commits: number
  failedCommits: number
}

export interface IngestServiceWithStats extends IngestService {
  stats(): IngestStats
  /** Resolves once everything received so far is committed (tests, shutdown). */
  drain(): Promise<void>
}

interface Pending {
  msg: AcceptedMessage
  /** False for an out-of-order message: stored, but older than what the live state shows. */
  apply: boolean
  device: Device
  resolve(): void
  reject(err: unknown): void
}
interface PendingRejection {
  row: RejectionRow
  resolve(): void
}

export function createIngestService(deps: IngestDeps): IngestServiceWithStats {
  const { clock, directory, liveState, telemetry, repos, rules, metrics, logger } = deps
  const opts = { ...INGEST_DEFAULTS, ...deps.options }
  const seqs = createSeqTracker()
  const stats: Omit<IngestStats, 'rejected'> = { accepted: 0, outOfOrder: 0, duplicates: 0, commits: 0, failedCommits: 0 }
  let stopped = false
  const deadLetter = createDeadLetter({ repos, metrics, logger, clock, max: opts.deadLetterMax })
  // Last-state rows the operational database refused (PostgreSQL down, issue #10): the messages
  // themselves are in the telemetry store, so the batch still counts as committed; the rows go
  // again with the next commit, newest per device.
  const unsavedStates = new Map<string, PersistedDeviceState>()
  let statesFailing = false

  function statesToSave(): PersistedDeviceState[] {
    const fresh = liveState.takeDirty()
    if (unsavedStates.size === 0) return fresh
    for (const row of fresh) unsavedStates.set(row.deviceId, row)
    const rows = [...unsavedStates.values()]
    unsavedStates.clear()
    return rows
  }

  async function storeAccepted(batch: Pending[]): Promise<void> {
    if (batch.length === 0) return
    const started = performance.now()
    // Live state first, in memory, so its rows go into this same commit.
    const lives: (DeviceLive | null)[] = batch.map((p) => (p.apply ? liveState.apply(p.msg) : null))
    const rows = statesToSave()
    const [stored, states] = await Promise.allSettled([telemetry.append(batch.map((p) => p.msg)), rows.length > 0 ? repos.deviceStates.saveMany(rows) : undefined])
    if (states.status === 'rejected') {
      for (const row of rows) if (!unsavedStates.has(row.deviceId)) unsavedStates.set(row.deviceId, row)
      // Once per outage, not once per batch.
      if (!statesFailing) logger.warn({ err: states.reason, devices: rows.length }, 'last device states not saved (database down); messages are stored and the states are retried')
      statesFailing = true
    } else if (statesFailing) {
      statesFailing = false
      logger.info('last device states saved again')
    }
    if (stored.status === 'rejected') {
      const err: unknown = stored.reason
      stats.failedCommits++
      logger.error({ err, messages: batch.length }, 'ingest commit failed: the batch is not acknowledged and will be resent')
      for (const p of batch) {
        if (p.msg.seq !== null) seqs.unsee(p.msg.deviceId, p.msg.seq)
        p.reject(err)
      }
      return
    }
    stats.commits++
    metrics.ingestCommitSeconds.observe((performance.now() - started) / 1000)
    for (const p of batch) {
      metrics.ingestAccepted.inc({ kind: p.msg.kind })
      p.resolve()
    }
    stats.accepted += batch.length
    if (deps.onCommitted) {
      try {
        deps.onCommitted(batch.map((p) => p.msg))
      } catch (err) {
        logger.error({ err }, 'onCommitted listener failed')
      }
    }
    // Committed, so now announced and evaluated (ARCHITECTURE.md "Durability"), in arrival order.
    liveState.announce(batch.filter((p) => p.apply).map((p) => p.msg.deviceId))
    for (let i = 0; i < batch.length; i++) {
      const live = lives[i]
      const p = batch[i]!
      if (live == null) continue
      try {
        rules.onMessage(p.msg, live, p.device)
      } catch (err) {
        logger.error({ err, deviceId: p.msg.deviceId }, 'rule evaluation failed for a message')
      }
    }
  }

  const commits = createGroupCommit<Pending, PendingRejection>({
    intervalMs: opts.commitIntervalMs,
    maxBatch: opts.maxBatch,
    commit: async (accepted, rejected) => {
      await Promise.all([
        storeAccepted(accepted),
        // Acknowledged even if the row could not be kept: a payload that can never be valid must
        // not be resent forever (CONTRACT.md §2).
        deadLetter.store(rejected.map((p) => p.row)).then(() => rejected.forEach((p) => p.resolve())),
      ])
    },
    onBacklog: (n) => metrics.ingestBacklog.set(n),
    onError: (err) => logger.error({ err }, 'ingest commit loop failed'),
  })

  function reject(...args: Parameters<typeof deadLetter.row>): Promise<void> {
    const row = deadLetter.row(...args)
    return new Promise<void>((resolve) => commits.pushRejected({ row, resolve }))
  }

  return {
    handle(input) {
      if (stopped) return Promise.reject(new AppError('DEPENDENCY_DOWN', 'ingest is stopped'))
      const rxTs = clock.now()
      const topic = parseTopic(input.topic)
      const unknownWho = { deviceId: input.deviceId, siteId: topic?.siteId ?? null }
      if (topic === null || topic.suffix === 'cmd' || topic.deviceId !== input.deviceId) {
        return reject('bad-topic', 'not a device topic bldg/{site}/{type}/{id}/{telemetry|event|status} of this device', input, unknownWho)
      }
      const device = directory.device(topic.deviceId)
      if (device === undefined) return reject('unknown-device', `device ${topic.deviceId} is not registered`, input, unknownWho)
      const who = { deviceId: device.id, siteId: device.siteId }
      if (device.siteId !== topic.siteId || device.type !== topic.type) {
        return reject('bad-topic', `device ${device.id} is a ${device.type} of site ${device.siteId}`, input, who)
      }
      // Before any parsing: a flooding device costs a counter, not a JSON parse (issue #7 "Limits").
      if (deps.admit !== undefined && !deps.admit(device.id)) {
        return reject('rate-limited', `device ${device.id} exceeds its message rate`, input, who)
      }
      if (input.payload.length > opts.maxPayloadBytes) {
        return reject('too-large', `payload of ${input.payload.length} bytes exceeds ${opts.maxPayloadBytes}`, input, who)
      }
      let raw: unknown
      try {
        raw = JSON.parse(input.payload.toString('utf8'))
      } catch (err) {
        return reject('bad-json', `not JSON: ${(err as Error).message.slice(0, 120)}`, input, who)
      }
      const v = validateDeviceMessage(device.type, topic.suffix, raw)
      if (!v.ok) return reject(v.reason, v.message, input, who, raw)

      let apply = true
      if (v.seq !== undefined) {
        const verdict = seqs.check(device.id, v.seq)
        if (verdict === 'duplicate') {
          stats.duplicates++
          metrics.ingestDuplicates.inc()
          return Promise.resolve()
        }
        if (verdict === 'out-of-order') {
          stats.outOfOrder++
          apply = false
        }
      }
      const msg: AcceptedMessage = {
        siteId: device.siteId,
        deviceId: device.id,
        type: device.type,
        kind: topic.suffix,
        fields: v.fields,
        ts: v.ts ?? rxTs,
        rxTs,
        seq: v.seq ?? null,
        drill: v.drill,
      }
      return new Promise<void>((resolve, rejectFn) => commits.pushAccepted({ msg, apply, device, resolve, reject: rejectFn }))
    },

    deviceConnected(deviceId) {
      seqs.connected(deviceId)
    },

    async start() {
      stopped = false
    },

    async stop() {
      stopped = true
      await commits.drain()
    },

    drain: () => commits.drain(),

    stats: () => ({ ...stats, rejected: deadLetter.counts() }),
  }
}
