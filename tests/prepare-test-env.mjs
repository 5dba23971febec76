#!/usr/bin/env node
// Run by `npm test` before the tests: brings in what the tests need and is not an npm package
// (CONTRACT.md §1: `npm test` fails, never skips, when it cannot). Prints one line per thing it
// did; exits 1 with the reason when something cannot be had.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const CHROMIUM = '/usr/bin/chromium'
const DASHBOARD_INDEX = path.join(root, 'dashboard/dist/index.html')

const say = (line) => process.stdout.write(`prepare-test-env: ${line}\n`)
const fail = (line) => {
  process.stderr.write(`prepare-test-env: ${line}\n`)
  process.exit(1)
}

function run(cmd, args, what, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } })
  if (r.error) fail(`${what} failed: ${r.error.message}`)
  if (r.status !== 0) fail(`${what} failed: \`${[cmd, ...args].join(' ')}\` exited with ${r.status}`)
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/usr/sbin'])) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name)
  }
  return null
}

// The browser test drives Debian's chromium through playwright-core (STACK.md "Chromium and Playwright").
if (!existsSync(CHROMIUM)) {
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) fail(`${CHROMIUM} is missing and this is not a Debian-like system: install Chromium there`)
  if (process.getuid?.() !== 0) fail(`${CHROMIUM} is missing: run \`sudo apt-get install -y chromium\` (installing needs root)`)
  const aptEnv = { DEBIAN_FRONTEND: 'noninteractive' }
  run('apt-get', ['update'], 'apt-get update', aptEnv)
  run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], 'installing chromium', aptEnv)
  if (!existsSync(CHROMIUM)) fail(`apt-get installed chromium but ${CHROMIUM} is still missing`)
  say(`installed chromium (${CHROMIUM})`)
}

// The wall is photographed in Chinese (tests/e2e/wall-i18n.test.ts): without a CJK font the
// screenshots would show boxes instead of characters.
const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'
if (process.platform === 'linux' && !existsSync(CJK_FONT)) {
  if (!existsSync('/usr/bin/apt-get')) fail(`${CJK_FONT} is missing and this is not a Debian-like system: install a Noto Sans CJK font there`)
  if (process.getuid?.() !== 0) fail(`${CJK_FONT} is missing: run \`sudo apt-get install -y fonts-noto-cjk\` (installing needs root)`)
  const aptEnv = { DEBIAN_FRONTEND: 'noninteractive' }
  run('apt-get', ['update'], 'apt-get update', aptEnv)
  run('apt-get', ['install', '-y', '--no-install-recommends', 'fonts-noto-cjk'], 'installing fonts-noto-cjk', aptEnv)
  if (!existsSync(CJK_FONT)) fail(`apt-get installed fonts-noto-cjk but ${CJK_FONT} is still missing`)
  say(`installed fonts-noto-cjk (${CJK_FONT})`)
}

// The InfluxDB tests start their own influxd (tests/helpers/influx-server.ts) from Debian's
// `influxdb` package, 1.6.7 (issue #5). The package's system service is not used: each test run
// gets a private instance on a free port, so nothing here starts it.
const influxd = findOnPath('influxd')
if (influxd === null) {
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) fail('influxd is missing and this is not a Debian-like system: install InfluxDB 1.x there')
  if (process.getuid?.() !== 0) fail('influxd is missing: run `sudo apt-get install -y influxdb` (installing needs root)')
  const aptEnv = { DEBIAN_FRONTEND: 'noninteractive' }
  run('apt-get', ['update'], 'apt-get update', aptEnv)
  run('apt-get', ['install', '-y', '--no-install-recommends', 'influxdb'], 'installing influxdb', aptEnv)
  const installed = findOnPath('influxd')
  if (installed === null) fail('apt-get installed influxdb but influxd is still not on the PATH')
  say(`installed influxdb (${installed})`)
}

// The dashboard is served from dashboard/dist; `npm ci` builds it in `prepare`, a fresh checkout
// used without it does not have it yet.
if (!existsSync(DASHBOARD_INDEX)) {
  run(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'dashboard/vite.config.ts', '--logLevel', 'warn'], 'building the dashboard')
  if (!existsSync(DASHBOARD_INDEX)) fail(`the dashboard build finished but ${path.relative(root, DASHBOARD_INDEX)} is missing`)
  say('built the dashboard (dashboard/dist)')
}

// The multi-process tests (tests/cluster) start a private Mosquitto from Debian's package, as the
// external broker of issue #9; the system service is not used.
if (findOnPath('mosquitto') === null || findOnPath('mosquitto_ctrl') === null) {
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) fail('mosquitto is missing and this is not a Debian-like system: install Mosquitto 2.0 there')
  if (process.getuid?.() !== 0) fail('mosquitto is missing: run `sudo apt-get install -y mosquitto mosquitto-clients` (installing needs root)')
  const aptEnv = { DEBIAN_FRONTEND: 'noninteractive' }
  run('apt-get', ['update'], 'apt-get update', aptEnv)
  run('apt-get', ['install', '-y', '--no-install-recommends', 'mosquitto', 'mosquitto-clients'], 'installing mosquitto', aptEnv)
  if (findOnPath('mosquitto_ctrl') === null) fail('apt-get installed mosquitto but mosquitto_ctrl is still not on the PATH')
  say('installed mosquitto')
}

// The multi-process tests run the built CLI (dist/bin/vigil.js), as a deployment does: compile it
// when it is missing or older than the sources.
const newestTs = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
  const p = path.join(dir, e.name)
  return Math.max(t, e.isDirectory() ? newestTs(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0)
}, 0)
const CLI = path.join(root, 'dist/bin/vigil.js')
if (!existsSync(CLI) || statSync(CLI).mtimeMs < Math.max(...['bin', 'broker', 'services', 'simulators'].map((d) => newestTs(path.join(root, d))))) {
  run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], 'compiling dist/')
  say('compiled dist/ (the multi-process tests run the built CLI)')
}
