// `npm run bench` (CONTRACT.md §1, issue #8): the benchmark suite. Prints one table and writes
// bench/results.json with every figure (median of 3 runs, min, max), its baseline as a ratio, the
// machine and the commit. See README.md "Performance".
//
//   npm run bench                 the suite (about 12 minutes on a 2-core machine)
//   npm run bench -- --profile    also profiles Vigil (--cpu-prof) during the 1,000-connection ingest
//                                 and writes the top self-time functions to bench/profile.json
//   npm run bench -- --quick      1 run of each, smaller fleets: a smoke test of the suite itself
//   npm run bench -- --soak       adds the one-hour soak of the reliability issue (issue #10) at the
//                                 sustained QoS 1 rate this run measured; --soak-minutes N shortens
//                                 it, --soak-rate N sets the rate
//   npm run bench -- --only soak  just the soak, at --soak-rate (default: the sustained QoS 1 rate in
//                                 bench/results.json); its rows and details are merged into that file
//   npm run bench -- --only influx  just the InfluxDB suite (write throughput, history); prints its
//                                 rows and writes bench/results-influx.json (results.json untouched)
//   npm run bench -- --only cluster  ingest through one worker against two (issue #9; PostgreSQL and
//                                 Redis); writes bench/results-cluster.json
//   npm run bench -- --only profile [--connections N] [--rate R] [--seconds S]
//                                 profiles Vigil's main thread at R QoS 1 msg/s from N connections
//                                 (default 10,000 at 8,000/s for 30 s); writes bench/profile-N.json
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ensureBuilt } from './lib/build.js'
import { describeCommit, describeMachine } from './lib/machine.js'
import { formatTable, markdownTable } from './lib/report.js'
import { ROOT } from './lib/server-process.js'
import { buildRows, clusterIngestRows, influxHistoryRows, influxWriteRows, SOAK_ITEM, soakRows } from './rows.js'
import { benchClusterIngest } from './suites/cluster-ingest.js'
import { benchProfileIngest } from './suites/profile-ingest.js'
import { benchSoak, type SoakResult } from './suites/soak.js'
import { benchBrokerBaseline } from './suites/broker-baseline.js'
import { dashboardJsSize } from './suites/dashboard.js'
import { benchHistory } from './suites/history.js'
import { benchInflux } from './suites/influx.js'
import { runLargeSession, runSmallSession } from './suites/sessions.js'
import { benchTimeToReady } from './suites/time-to-ready.js'

const USAGE = 'usage: npm run bench [-- --quick] [-- --profile] [-- --soak [--soak-minutes N] [--soak-rate N]] [-- --only influx|soak|cluster|profile [--connections N] [--rate R] [--seconds S]]'
const SUITES = ['influx', 'soak', 'cluster', 'profile']
const argv = process.argv.slice(2)
const onlyAt = argv.indexOf('--only')
const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined
if (onlyAt >= 0 && (only === undefined || !SUITES.includes(only))) {
  process.stderr.write(`bench: --only takes one of ${SUITES.join(', ')}\n${USAGE}\n`)
  process.exit(1)
}
const VALUED = ['--only', '--soak-minutes', '--soak-rate', '--connections', '--rate', '--seconds']
const valueOf = (flag: string): number | null => {
  const at = argv.indexOf(flag)
  if (at < 0) return null
  const v = Number(argv[at + 1])
  if (!Number.isFinite(v) || v <= 0) {
    process.stderr.write(`bench: ${flag} takes a number above 0\n${USAGE}\n`)
    process.exit(1)
  }
  return v
}
const unknown = argv.filter((a, i) => !['--quick', '--profile', '--soak', ...VALUED].includes(a) && !VALUED.includes(argv[i - 1] ?? ''))
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown option ${unknown.join(' ')}\n${USAGE}\n`)
  process.exit(1)
}
const quick = argv.includes('--quick')
const opts = {
  quick,
  profile: argv.includes('--profile'),
  soak: argv.includes('--soak') || only === 'soak',
  soakMinutes: valueOf('--soak-minutes') ?? 60,
  soakRate: valueOf('--soak-rate'),
  runs: quick ? 1 : 3,
  small: quick ? 300 : 1000,
  large: quick ? 1000 : 10_000,
  influxPoints: quick ? 50_000 : 300_000,
  ...(only !== undefined ? { only } : {}),
}

const started = performance.now()
const log = (line: string): void => {
  const s = ((performance.now() - started) / 1000).toFixed(0).padStart(4)
  process.stdout.write(`[${s} s] ${line}\n`)
}

const RESULTS = path.join(ROOT, 'bench/results.json')

if (only === 'soak') {
  ensureBuilt(log)
  const machine = await describeMachine()
  const commit = describeCommit()
  const previous = existsSync(RESULTS) ? (JSON.parse(readFileSync(RESULTS, 'utf8')) as { rows: Array<{ item: string }>; details: Record<string, unknown> }) : null
  const measured = (previous?.details.small as { ingest?: { qos1?: { figure?: { median?: number } } } } | undefined)?.ingest?.qos1?.figure?.median
  const rate = opts.soakRate ?? measured ?? 5000
  log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, Node ${machine.node}; ${machine.busyBeforeStartPct} % busy before the start`)
  log(`soak at ${rate}/s (${opts.soakRate !== null ? '--soak-rate' : measured !== undefined ? 'the sustained QoS 1 rate in bench/results.json' : 'no bench/results.json: a default'})`)
  const soak = await benchSoak({ minutes: opts.soakMinutes, connections: opts.small, rate, log })
  const rows = [...(previous?.rows ?? []).filter((r) => r.item !== SOAK_ITEM), ...soakRows(soak)]
  const durationSec = Math.round((performance.now() - started) / 1000)
  const results = { ...(previous ?? { generatedAt: new Date().toISOString(), commit, machine, durationSec, options: opts }), rows, details: { ...(previous?.details ?? {}), soak: { ...soak, commit, machine, generatedAt: new Date().toISOString() } } }
  writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n')
  process.stdout.write(`\n${formatTable(soakRows(soak))}\n\n`)
  log(`done in ${Math.floor(durationSec / 60)} min ${durationSec % 60} s; merged the soak into bench/results.json`)
  process.exit(0)
}

if (only === 'profile') {
  ensureBuilt(log)
  const machine = await describeMachine()
  const commit = describeCommit()
  const connections = valueOf('--connections') ?? 10_000
  const rate = valueOf('--rate') ?? 8000
  const seconds = valueOf('--seconds') ?? 30
  log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, Node ${machine.node}; ${machine.busyBeforeStartPct} % busy before the start`)
  log(`profile: ${connections} connections at ${rate}/s QoS 1 for ${seconds} s`)
  const result = await benchProfileIngest({ connections, rate, seconds, log })
  const file = path.join(ROOT, `bench/profile-${connections}.json`)
  writeFileSync(file, JSON.stringify({ generatedAt: new Date().toISOString(), commit, machine, ...result }, null, 2) + '\n')
  if (result.profile !== null) {
    process.stdout.write(`\nVigil's main thread (${result.profile.idlePct} % idle), self time:\n`)
    for (const f of result.profile.functions) process.stdout.write(`  ${String(f.pct).padStart(5)} %  ${f.name}  ${f.where}\n`)
    process.stdout.write('  by package or file:\n')
    for (const f of result.profile.packages) process.stdout.write(`  ${String(f.pct).padStart(5)} %  ${f.name}\n`)
  }
  log(`wrote ${path.relative(ROOT, file)}`)
  process.exit(0)
}

if (only === 'influx') {
  const machine = await describeMachine()
  const commit = describeCommit()
  log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, Node ${machine.node}; ${machine.busyBeforeStartPct} % busy before the start`)
  log(`InfluxDB (${opts.influxPoints} points, ${opts.runs} runs)`)
  const influx = await benchInflux({ runs: opts.runs, points: opts.influxPoints, log })
  const rows = [...influxWriteRows(influx), ...influxHistoryRows(influx)]
  const durationSec = Math.round((performance.now() - started) / 1000)
  const results = { generatedAt: new Date().toISOString(), commit, machine, durationSec, options: opts, rows, details: { influx } }
  writeFileSync(path.join(ROOT, 'bench/results-influx.json'), JSON.stringify(results, null, 2) + '\n')
  process.stdout.write(`\n${formatTable(rows)}\n\n${markdownTable(rows)}\n\n`)
  log(`done in ${Math.floor(durationSec / 60)} min ${durationSec % 60} s; wrote bench/results-influx.json (bench/results.json left as it was)`)
  process.exit(0)
}

if (only === 'cluster') {
  ensureBuilt(log)
  const machine = await describeMachine()
  const commit = describeCommit()
  log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, Node ${machine.node}; ${machine.busyBeforeStartPct} % busy before the start`)
  const devices = 100
  const messagesPerDevice = quick ? 100 : 500
  log(`cluster ingest: ${devices} devices × ${messagesPerDevice} messages, one worker then two, ${opts.runs} runs`)
  const cluster = await benchClusterIngest({ runs: opts.runs, devices, messagesPerDevice, log })
  const rows = clusterIngestRows(cluster)
  const durationSec = Math.round((performance.now() - started) / 1000)
  const results = { generatedAt: new Date().toISOString(), commit, machine, durationSec, options: opts, rows, details: { cluster } }
  if (!quick) writeFileSync(path.join(ROOT, 'bench/results-cluster.json'), JSON.stringify(results, null, 2) + '\n')
  process.stdout.write(`\n${formatTable(rows)}\n\n${markdownTable(rows)}\n\n`)
  log(`done in ${Math.floor(durationSec / 60)} min ${durationSec % 60} s${quick ? ' (--quick: nothing written)' : '; wrote bench/results-cluster.json'}`)
  process.exit(0)
}

ensureBuilt(log)
const machine = await describeMachine()
const commit = describeCommit()
log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, Node ${machine.node}; ${machine.busyBeforeStartPct} % busy before the start`)
if (machine.busyBeforeStartPct > 10) log(`warning: other processes keep this machine ${machine.busyBeforeStartPct} % busy; the figures will be lower than on an idle machine`)

const bundle = dashboardJsSize()
log(`1. bare aedes baseline, ${opts.small} connections`)
const baseline = await benchBrokerBaseline({ connections: opts.small, runs: opts.runs, qos0: !quick, log })
// The 10,000-connection figure needs its own baseline: a message per connection costs more at
// 10,000 (more packets read one by one, more generator work), for aedes as much as for Vigil.
log(`1. bare aedes baseline, ${opts.large} connections`)
const baselineLarge = await benchBrokerBaseline({ connections: opts.large, runs: opts.runs, qos0: false, log })
log(`2. Vigil, ${opts.small} connections`)
const small = await runSmallSession({ connections: opts.small, runs: opts.runs, qos0: !quick, profile: opts.profile, log })
log('6. history queries')
const history = await benchHistory({ runs: opts.runs, log })
log('6, –. InfluxDB store: write throughput and history queries')
const influx = await benchInflux({ runs: opts.runs, points: opts.influxPoints, log })
log(`2-5, 7. Vigil, ${opts.large} connections`)
const large = await runLargeSession({ connections: opts.large, runs: opts.runs, log })
log('8. time to ready')
const ready = await benchTimeToReady({ runs: opts.runs, log })
let soak: SoakResult | null = null
if (opts.soak) {
  const rate = opts.soakRate ?? Math.round(small.ingest.qos1.figure.median)
  log(`soak: ${opts.soakMinutes} min at ${rate}/s (${opts.soakRate !== null ? '--soak-rate' : 'the sustained QoS 1 rate measured above'})`)
  soak = await benchSoak({ minutes: opts.soakMinutes, connections: opts.small, rate, log })
}

// A run without --soak keeps the last soak on record (an hour is not re-run for every change); it
// carries its own commit and machine.
const lastSoak = soak === null && existsSync(RESULTS)
  ? ((JSON.parse(readFileSync(RESULTS, 'utf8')) as { details?: { soak?: SoakResult & { commit?: { sha: string } } } }).details?.soak ?? null)
  : null
const durationSec = Math.round((performance.now() - started) / 1000)
const rows = buildRows({ baseline, baselineLarge, small, large, history, influx, ready, bundle, soak: soak ?? lastSoak })
const results = {
  generatedAt: new Date().toISOString(),
  commit,
  machine,
  durationSec,
  options: opts,
  rows,
  details: { baseline, baselineLarge, small, large, history, influx, ready, bundle, ...(soak ? { soak: { ...soak, commit, machine } } : lastSoak ? { soak: lastSoak } : {}) },
}
if (!quick) writeFileSync(RESULTS, JSON.stringify(results, null, 2) + '\n')
if (small.profile !== null) {
  writeFileSync(path.join(ROOT, 'bench/profile.json'), JSON.stringify({ generatedAt: results.generatedAt, commit, machine, options: opts, profile: small.profile }, null, 2) + '\n')
  process.stdout.write(`\nVigil's main thread during the ${opts.small}-connection ingest (${small.profile.idlePct} % idle), self time:\n`)
  for (const f of small.profile.functions) process.stdout.write(`  ${String(f.pct).padStart(5)} %  ${f.name}  ${f.where}\n`)
  process.stdout.write('  by package or file:\n')
  for (const f of small.profile.packages) process.stdout.write(`  ${String(f.pct).padStart(5)} %  ${f.name}\n`)
}
process.stdout.write(`\n${formatTable(rows)}\n\n${markdownTable(rows)}\n\n`)
log(`done in ${Math.floor(durationSec / 60)} min ${durationSec % 60} s${quick ? ' (--quick: bench/results.json left as it was)' : '; wrote bench/results.json'}`)
