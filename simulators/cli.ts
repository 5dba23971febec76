// `npm run simulate -- ...` (CONTRACT.md §5): simulated devices against any Vigil broker and API.
import path from 'node:path'
import { ApiError, createApiClient } from './api-client.js'
import { CliError, parseCliArgs, USAGE } from './cli-args.js'
import { planFleet } from './fleet-plan.js'
import { findScenario, ScenarioError } from './scenarios/index.js'
import { createSecretStore } from './secret-store.js'
import { BrokerUnreachableError, startSiteRunner } from './site-runner.js'

const log = (line: string): void => void process.stdout.write(`${new Date().toISOString()} ${line}\n`)
const fail = (message: string): never => {
  process.stderr.write(`simulate: ${message}\n`)
  process.exit(1)
}

async function main(): Promise<void> {
  const args = parseCliArgs(process.argv.slice(2))
  if (args.help) {
    process.stdout.write(USAGE)
    return
  }
  // Fail on a bad scenario name before touching the API or the broker.
  if (args.scenario) findScenario(args.scenario)
  const api = createApiClient(args.api, { user: args.user, password: args.password })
  await api.login()
  const specs = planFleet({ idPrefix: args.idPrefix, counts: args.counts })
  if (specs.length === 0) throw new CliError('no devices to simulate: every count is 0')
  const runner = await startSiteRunner({
    mqttUrl: args.url,
    api,
    secrets: createSecretStore(path.resolve(args.stateDir)),
    site: { id: args.site, name: args.siteName },
    specs,
    rateHz: args.rateHz,
    log,
  })
  const s = runner.stats()
  log(`${s.connected}/${s.devices} devices connected to ${args.url}; publishing at ${args.rateHz} Hz (Ctrl+C stops)`)
  if (args.scenario) {
    const name = args.scenario
    setTimeout(() => {
      try {
        log(`scenario ${name}: ${runner.play(name).description}`)
      } catch (err) {
        log(`scenario ${name} failed: ${(err as Error).message}`)
      }
    }, args.scenarioDelayMs)
  }
  const report = setInterval(() => {
    const st = runner.stats()
    log(`${st.connected}/${st.devices} connected, ${st.published} messages published, ${st.dropped} dropped while offline`)
  }, 60_000)
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    clearInterval(report)
    log('stopping: devices say offline and disconnect')
    void runner.stop().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  if (err instanceof CliError || err instanceof ApiError || err instanceof ScenarioError || err instanceof BrokerUnreachableError) fail(err.message)
  fail(err instanceof Error ? (err.stack ?? err.message) : String(err))
})
