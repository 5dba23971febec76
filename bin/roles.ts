// `vigil broker | api | worker --sites a,b`: one part of Vigil per process (README "Deployment").
// Each prints one JSON line when it is up and stops cleanly on SIGTERM/SIGINT.
import { loadConfig, ConfigError } from '../services/config.js'
import { startBrokerRole } from '../services/cluster/broker-role.js'
import { startApiRole } from '../services/cluster/api-role.js'
import { parseSites, startWorkerRole } from '../services/cluster/worker-role.js'

const STOP_TIMEOUT_MS = 10_000

export const ROLE_USAGE = `
  broker   the MQTT broker alone (device auth and ACL), clustered with the other brokers over Redis
  api      the REST API, socket.io and the dashboard
  worker --sites a,b
           ingest, rules, alarms and dispatch for these sites, read from the brokers (VIGIL_BROKER_URL)
  broker, api and worker need VIGIL_DATABASE_URL (PostgreSQL), VIGIL_REDIS_URL and VIGIL_SECRET_KEY.`

type Role = 'broker' | 'api' | 'worker'

function sitesOption(args: string[], fail: (m: string) => never): string[] {
  const i = args.indexOf('--sites')
  const inline = args.find((a) => a.startsWith('--sites='))
  const raw = inline !== undefined ? inline.slice('--sites='.length) : i >= 0 ? args[i + 1] : undefined
  const rest = args.filter((a, j) => a !== inline && j !== i && !(i >= 0 && j === i + 1))
  if (rest.length > 0) fail(`unknown option ${rest.join(' ')} for "vigil worker"`)
  if (raw === undefined) fail('"vigil worker" needs --sites a,b (the sites it may run)')
  try {
    return parseSites(raw)
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err))
  }
}

export async function startRole(role: Role, args: string[], fail: (m: string) => never): Promise<void> {
  const sites = role === 'worker' ? sitesOption(args, fail) : []
  if (role !== 'worker' && args.length > 0) fail(`unknown option ${args.join(' ')} for "vigil ${role}"`)
  let config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message)
    throw err
  }
  let stop: () => Promise<void>
  try {
    if (role === 'broker') {
      const b = await startBrokerRole(config)
      stop = b.stop
      process.stdout.write(JSON.stringify({ event: 'listening', role, mqtt: b.ports.mqtt, ...(b.ports.mqtts !== null ? { mqtts: b.ports.mqtts } : {}) }) + '\n')
    } else if (role === 'api') {
      const a = await startApiRole(config)
      stop = a.stop
      process.stdout.write(JSON.stringify({ event: 'listening', role, http: a.ports.http }) + '\n')
      if (a.generatedAdminPassword) {
        process.stdout.write(`Created user "admin" with the generated password ${a.generatedAdminPassword} (shown once; set VIGIL_ADMIN_PASSWORD to choose it)\n`)
      }
    } else {
      const w = await startWorkerRole(config, { sites, onFatal: (err) => fail(`cannot run the sites it holds: ${err instanceof Error ? err.message : String(err)}`) })
      stop = w.stop
      process.stdout.write(JSON.stringify({ event: 'listening', role, sites, id: w.processId }) + '\n')
    }
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err))
  }
  let stopping = false
  const shutdown = (): void => {
    if (stopping) return
    stopping = true
    const force = setTimeout(() => fail(`did not stop within ${STOP_TIMEOUT_MS / 1000} s; exiting`), STOP_TIMEOUT_MS)
    force.unref()
    stop().then(() => process.exit(0), (err: unknown) => fail(`error while stopping: ${String(err)}`))
  }
  process.on('SIGTERM', shutdown)
  process.on('SIGINT', shutdown)
}
