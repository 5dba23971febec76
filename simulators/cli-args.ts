// `npm run simulate -- ...` flags (CONTRACT.md §5), parsed and checked once; every problem is one line.
import { parseArgs } from 'node:util'
import { CONTRACT_SCENARIOS } from './scenarios/index.js'
import { ID_REGEX } from '../services/core/device-types.js'
import type { FleetCounts } from './fleet-plan.js'

export interface CliArgs {
  help: boolean
  url: string
  api: string
  user: string
  password: string
  site: string
  siteName: string
  idPrefix: string
  counts: FleetCounts
  rateHz: number
  scenario: string | null
  scenarioDelayMs: number
  stateDir: string
}

export class CliError extends Error {
  override name = 'CliError'
}

export const USAGE = `Usage: npm run simulate -- --password P [options]

Simulated elevators, pump stations, fire doors, access doors and a fire panel for one site.
Registers the devices through Vigil's API when they are missing, then publishes telemetry over MQTT.

  --url URL            MQTT broker (default mqtt://127.0.0.1:1883)
  --api URL            Vigil HTTP API (default http://127.0.0.1:8080)
  --user NAME          admin user for registration (default admin)
  --password P         that user's password (required)
  --site ID            site id, created when missing (default sim)
  --site-name NAME     site name when it is created (default: the id)
  --id-prefix P        device id prefix (default "<site>-")
  --elevators N        elevators (default 4)
  --pumps N            pump stations: domestic, sump, fire, ... (default 2)
  --fire-doors N       fire doors over 3 fire zones (default 12)
  --access-doors N     access doors (default 8)
  --fire-panels N      fire alarm panels (default 1)
  --rate HZ            simulation steps per second (default 1); heartbeats keep DOMAIN.md's periods
  --scenario NAME      play one fault after --scenario-delay seconds, then keep simulating:
                       ${CONTRACT_SCENARIOS.join(', ')}
  --scenario-delay S   seconds to wait before the scenario (default 5)
  --state-dir DIR      where device secrets are kept between runs (default ./data/simulators)
  -h, --help           this text
`

function count(name: string, raw: string | undefined, dflt: number): number {
  if (raw === undefined) return dflt
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0 || n > 1000) throw new CliError(`--${name} must be a whole number from 0 to 1000 (got '${raw}')`)
  return n
}

function url(name: string, raw: string | undefined, dflt: string, protocols: readonly string[]): string {
  const v = raw ?? dflt
  let parsed: URL
  try {
    parsed = new URL(v)
  } catch {
    throw new CliError(`--${name} '${v}' is not a URL`)
  }
  if (!protocols.includes(parsed.protocol)) throw new CliError(`--${name} '${v}' must start with ${protocols.map((p) => p + '//').join(' or ')}`)
  return v
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let values: Record<string, string | boolean | undefined>
  try {
    ;({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        url: { type: 'string' },
        api: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        site: { type: 'string' },
        'site-name': { type: 'string' },
        'id-prefix': { type: 'string' },
        elevators: { type: 'string' },
        pumps: { type: 'string' },
        'fire-doors': { type: 'string' },
        'access-doors': { type: 'string' },
        'fire-panels': { type: 'string' },
        rate: { type: 'string' },
        scenario: { type: 'string' },
        'scenario-delay': { type: 'string' },
        'state-dir': { type: 'string' },
      },
    }))
  } catch (err) {
    throw new CliError(`${(err as Error).message.split('\n')[0]} (see --help)`)
  }
  const str = (k: string): string | undefined => values[k] as string | undefined
  const site = str('site') ?? 'sim'
  if (!ID_REGEX.test(site)) throw new CliError(`--site '${site}' must match ${ID_REGEX.source}`)
  const idPrefix = str('id-prefix') ?? `${site}-`
  if (idPrefix !== '' && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,40}$/.test(idPrefix)) throw new CliError(`--id-prefix '${idPrefix}' may use letters, digits, _ and - only`)
  const rateRaw = str('rate')
  const rateHz = rateRaw === undefined ? 1 : Number(rateRaw)
  if (!Number.isFinite(rateHz) || rateHz <= 0 || rateHz > 50) throw new CliError(`--rate must be a number above 0 and at most 50 (got '${rateRaw}')`)
  const delayRaw = str('scenario-delay')
  const delay = delayRaw === undefined ? 5 : Number(delayRaw)
  if (!Number.isFinite(delay) || delay < 0) throw new CliError(`--scenario-delay must be seconds, 0 or more (got '${delayRaw}')`)
  const help = values.help === true
  const password = str('password')
  if (!help && (password === undefined || password === '')) throw new CliError('--password is required (the password of the --user account, admin by default)')
  return {
    help,
    url: url('url', str('url'), 'mqtt://127.0.0.1:1883', ['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:']),
    api: url('api', str('api'), 'http://127.0.0.1:8080', ['http:', 'https:']),
    user: str('user') ?? 'admin',
    password: password ?? '',
    site,
    siteName: str('site-name') ?? site,
    idPrefix,
    counts: {
      elevators: count('elevators', str('elevators'), 4),
      pumps: count('pumps', str('pumps'), 2),
      fireDoors: count('fire-doors', str('fire-doors'), 12),
      accessDoors: count('access-doors', str('access-doors'), 8),
      firePanels: count('fire-panels', str('fire-panels'), 1),
    },
    rateHz,
    scenario: str('scenario') ?? null,
    scenarioDelayMs: delay * 1000,
    stateDir: str('state-dir') ?? 'data/simulators',
  }
}
