// Issue #8 items 3 and 4, measured together on the loaded 10,000-connection Vigil with the
// background load at half its sustained QoS 1 rate:
//   alarm latency: fresh access doors publish `forced_open` (AC-01 raises at once); publish → the
//     `alarm` event at a socket.io client. 3 runs of PROBES_PER_RUN doors.
//   offline detection: pumps (the shortest heartbeat timeout, 3 × 10 s) publish once and fall
//     silent, their silences spread over 3 s so they fall at every point of Vigil's sweep (OFFLINE_SWEEP_MS);
//     silence → offline `device` event, less the timeout. 3 groups of OFFLINE_PER_RUN pumps.
import { forkWorker } from '../lib/child.js'
import type { LoadFleet } from '../lib/load-fleet.js'
import type { FromProbe, ProbeDevice, ToProbe } from '../lib/probe-worker.js'
import { figure, percentile, type Figure } from '../lib/stats.js'
import type { VigilSession } from '../lib/vigil-session.js'
import type { DeviceSpec } from '../../simulators/fleet-plan.js'
import { offlineTimeoutMs } from '../../services/core/device-types.js'
import { loginVigil } from '../lib/vigil-api.js'

export const PROBE_SITE = 'bench-probe'
const PROBES_PER_RUN = 100
const OFFLINE_PER_RUN = 20

export interface AlarmOfflineResult {
  backgroundRate: number
  alarmP50Ms: Figure
  alarmP99Ms: Figure
  alarmMissing: number
  /** Publish → `workorder` assigned; null when no engineer could be put on shift (the reason in assignNote). */
  assignP99Ms: Figure | null
  assignMissing: number
  assignNote: string
  offlineTimeoutMs: number
  offlineExcessP99Ms: Figure
  offlineExcessMaxMs: number
  offlineMissing: number
}

export function probeSpecs(runs: number): DeviceSpec[] {
  const doors: DeviceSpec[] = Array.from({ length: runs * PROBES_PER_RUN }, (_, i) => ({
    id: `probe-AC-${i + 1}`, type: 'access-door', name: `Probe door ${i + 1}`, location: { building: 'P', floor: 1 },
    attributes: { requiredLevel: 1, perimeter: false, heldOpenSec: 30 },
  }))
  const pumps: DeviceSpec[] = Array.from({ length: runs * OFFLINE_PER_RUN }, (_, i) => ({
    id: `probe-PS-${i + 1}`, type: 'pump', name: `Probe pump ${i + 1}`, location: { building: 'P', floor: -1 },
    attributes: { system: 'domestic' },
  }))
  return [...doors, ...pumps]
}

/** An engineer with the SECURITY skill on shift for the probe site, so AC-01's work orders are dispatched. */
async function engineerOnShift(session: VigilSession): Promise<string> {
  const password = 'bench-engineer-password'
  try {
    await session.api.call('POST', '/users', { username: 'bench-eng', password, role: 'engineer', displayName: 'Bench engineer', skills: ['SECURITY'], siteIds: [PROBE_SITE] })
    const eng = await loginVigil(session.vigil.http, 'bench-eng', password)
    await eng.call('POST', '/shifts/start')
    return ''
  } catch (err) {
    return `no engineer on shift: ${err instanceof Error ? err.message : String(err)}`
  }
}

export async function benchAlarmOffline(o: {
  session: VigilSession
  fleet: LoadFleet
  probes: { id: string; type: string; secret: string }[]
  backgroundRate: number
  runs: number
  log: (line: string) => void
}): Promise<AlarmOfflineResult> {
  const w = forkWorker<ToProbe, FromProbe>(new URL('../lib/probe-worker.ts', import.meta.url), 'probe')
  try {
    const devices = o.probes.map((p) => ({ id: p.id, type: p.type, secret: p.secret, siteId: PROBE_SITE }) as ProbeDevice)
    const ready = await w.request({ cmd: 'init', url: o.session.vigil.http, token: o.session.api.token, mqttHost: '127.0.0.1', mqttPort: o.session.vigil.mqttPort, devices }, 'ready', 60_000)
    if (ready.error !== null) throw new Error(`probe worker: ${ready.error}`)
    const assignNote = await engineerOnShift(o.session)
    if (assignNote) o.log(`  ${assignNote}`)
    o.fleet.setRate(o.backgroundRate, 1)
    const timeout = offlineTimeoutMs('pump')
    const pumps = devices.filter((d) => d.type === 'pump').map((d) => d.id)
    const doors = devices.filter((d) => d.type === 'access-door').map((d) => d.id)
    o.log(`  background load ${o.backgroundRate}/s; ${pumps.length} pumps fall silent (timeout ${timeout / 1000} s) while ${o.runs} × ${PROBES_PER_RUN} doors are forced`)
    const offline = w.request({ cmd: 'offline', deviceIds: pumps, spreadMs: 3000, timeoutMs: timeout + 15_000, offlineAfterMs: timeout }, 'offline', timeout + 60_000)
    const p50: number[] = []
    const p99: number[] = []
    const assign99: number[] = []
    let assignMissing = 0
    let alarmMissing = 0
    for (let run = 0; run < o.runs; run++) {
      const ids = doors.slice(run * PROBES_PER_RUN, (run + 1) * PROBES_PER_RUN)
      const r = await w.request({ cmd: 'alarms', deviceIds: ids, intervalMs: 40, timeoutMs: 10_000 }, 'alarms', 60_000)
      p50.push(percentile(r.latenciesMs, 50))
      p99.push(percentile(r.latenciesMs, 99))
      alarmMissing += r.missing
      assign99.push(percentile(r.assignedMs, 99))
      assignMissing += r.assignMissing
      o.log(`  alarm run ${run + 1}: p50 ${p50.at(-1)!.toFixed(1)} ms, p99 ${p99.at(-1)!.toFixed(1)} ms${r.missing ? `, ${r.missing} never arrived` : ''}; work order assigned p99 ${assign99.at(-1)!.toFixed(1)} ms${r.assignMissing ? ` (${r.assignMissing} not assigned)` : ''}`)
    }
    const off = await offline
    o.fleet.setRate(0, 1)
    // Samples come back in the order the pumps fell silent: consecutive groups are the runs.
    const groups = Array.from({ length: o.runs }, (_, i) => off.excessMs.slice(i * OFFLINE_PER_RUN, (i + 1) * OFFLINE_PER_RUN))
    const excessP99 = groups.map((g) => percentile(g, 99))
    o.log(`  offline detection beyond the ${timeout / 1000} s timeout, p99 per run: ${excessP99.map((v) => `${Math.round(v)} ms`).join(', ')}${off.missing ? `; ${off.missing} never reported` : ''}`)
    return {
      backgroundRate: o.backgroundRate,
      alarmP50Ms: figure(p50),
      alarmP99Ms: figure(p99),
      alarmMissing,
      assignP99Ms: assignNote || assign99.every((v) => Number.isNaN(v)) ? null : figure(assign99),
      assignMissing,
      assignNote: assignNote || (assign99.every((v) => Number.isNaN(v)) ? 'no work order was assigned' : ''),
      offlineTimeoutMs: timeout,
      offlineExcessP99Ms: figure(excessP99),
      offlineExcessMaxMs: Math.max(...off.excessMs),
      offlineMissing: off.missing,
    }
  } finally {
    await w.request({ cmd: 'close' }, 'closed', 10_000).catch(() => undefined)
    await w.kill()
  }
}
