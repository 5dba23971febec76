// `npm run bench` (CONTRACT.md §1, issue #8): the benchmark suite. Prints one table and writes
// bench/results.json with every figure (median of 3 runs, min, max), its baseline as a ratio, the
// machine and the commit. See README.md "Performance".
//
//   npm run bench                 the suite (about 12 minutes on a 2-core machine)
//   npm run bench -- --profile    also profiles Vigil (--cpu-prof) during the 1,000-connection ingest
//                                 and writes the top self-time functions to bench/profile.json
//   npm run bench -- --quick      1 run of each, smaller fleets: a smoke test of the suite itself
//   npm run bench -- --soak       the one-hour soak of the reliability issue: not built yet
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { ensureBuilt } from './lib/build.js'
import { describeCommit, describeMachine } from './lib/machine.js'
import { formatTable, markdownTable } from './lib/report.js'
import { ROOT } from './lib/server-process.js'
import { buildRows } from './rows.js'
import { benchBrokerBaseline } from './suites/broker-baseline.js'
import { dashboardJsSize } from './suites/dashboard.js'
import { benchHistory } from './suites/history.js'
import { runLargeSession, runSmallSession } from './suites/sessions.js'
import { benchTimeToReady } from './suites/time-to-ready.js'

const USAGE = 'usage: npm run bench [-- --quick] [-- --profile] [-- --soak]'
const argv = process.argv.slice(2)
const unknown = argv.filter((a) => !['--quick', '--profile', '--soak'].includes(a))
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown option ${unknown.join(' ')}\n${USAGE}\n`)
  process.exit(1)
}
const quick = argv.includes('--quick')
const opts = {
  quick,
  profile: argv.includes('--profile'),
  soak: argv.includes('--soak'),
  runs: quick ? 1 : 3,
  small: quick ? 300 : 1000,
  large: quick ? 1000 : 10_000,
}

const started = performance.now()
const log = (line: string): void => {
  const s = ((performance.now() - started) / 1000).toFixed(0).padStart(4)
  process.stdout.write(`[${s} s] ${line}\n`)
}

ensureBuilt(log)
const machine = await describeMachine()
const commit = describeCommit()
log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, Node ${machine.node}; ${machine.busyBeforeStartPct} % busy before the start`)
if (machine.busyBeforeStartPct > 10) log(`warning: other processes keep this machine ${machine.busyBeforeStartPct} % busy; the figures will be lower than on an idle machine`)
if (opts.soak) log('--soak: the one-hour soak belongs to the reliability issue and is not built yet; running the suite without it')

const bundle = dashboardJsSize()
log(`1. bare aedes baseline, ${opts.small} connections`)
const baseline = await benchBrokerBaseline({ connections: opts.small, runs: opts.runs, qos0: !quick, log })
log(`2. Vigil, ${opts.small} connections`)
const small = await runSmallSession({ connections: opts.small, runs: opts.runs, qos0: !quick, profile: opts.profile, log })
log('6. history queries')
const history = await benchHistory({ runs: opts.runs, log })
log(`2-5, 7. Vigil, ${opts.large} connections`)
const large = await runLargeSession({ connections: opts.large, runs: opts.runs, log })
log('8. time to ready')
const ready = await benchTimeToReady({ runs: opts.runs, log })

const durationSec = Math.round((performance.now() - started) / 1000)
const rows = buildRows({ baseline, small, large, history, ready, bundle, soak: opts.soak })
const results = {
  generatedAt: new Date().toISOString(),
  commit,
  machine,
  durationSec,
  options: opts,
  rows,
  details: { baseline, small, large, history, ready, bundle },
}
if (!quick) writeFileSync(path.join(ROOT, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n')
if (small.profile !== null) {
  writeFileSync(path.join(ROOT, 'bench/profile.json'), JSON.stringify({ generatedAt: results.generatedAt, commit, machine, options: opts, profile: small.profile }, null, 2) + '\n')
  process.stdout.write(`\nVigil's main thread during the ${opts.small}-connection ingest (${small.profile.idlePct} % idle), self time:\n`)
  for (const f of small.profile.functions) process.stdout.write(`  ${String(f.pct).padStart(5)} %  ${f.name}  ${f.where}\n`)
  process.stdout.write('  by package or file:\n')
  for (const f of small.profile.packages) process.stdout.write(`  ${String(f.pct).padStart(5)} %  ${f.name}\n`)
}
process.stdout.write(`\n${formatTable(rows)}\n\n${markdownTable(rows)}\n\n`)
log(`done in ${Math.floor(durationSec / 60)} min ${durationSec % 60} s${quick ? ' (--quick: bench/results.json left as it was)' : '; wrote bench/results.json'}`)
