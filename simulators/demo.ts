// The demo site behind `npm run demo` (issue #2): "Demo Tower" with every device type, demo users
// for each role, and a scenario every few minutes so a visitor sees the alarm path work.
import { createApiClient, type NewUser } from './api-client.js'
import { planFleet } from './fleet-plan.js'
import { SCENARIOS } from './scenarios/index.js'
import { createSecretStore } from './secret-store.js'
import { ensureDemoFloorPlans } from './demo-floor-plans.js'
import { startSiteRunner } from './site-runner.js'

export interface DemoOptions {
  mqttUrl: string
  apiUrl: string
  adminUser: string
  adminPassword: string
  stateDir: string
  log: (line: string) => void
  /** Default 3 minutes. */
  scenarioEveryMs?: number
}

export interface DemoHandle {
  stop(): Promise<void>
}

export const DEMO_SITE = Object.freeze({ id: 'demo', name: 'Demo Tower', timezone: 'Asia/Shanghai' })
const DEFAULT_EVERY_MS = 180_000
// The first scenario comes soon after start, so a first look already shows an alarm.
const FIRST_SCENARIO_MS = 30_000

const ALL_SKILLS = ['ELEVATOR', 'PLUMBING', 'ELECTRICAL', 'FIRE', 'SECURITY', 'LOWVOLT']
// Demo-only passwords, printed on purpose: this is a local demonstration, not a deployment.
export const DEMO_USERS: readonly NewUser[] = [
  { username: 'operator', password: 'operator-demo', role: 'operator', displayName: 'Olivia Operator' },
  { username: 'supervisor', password: 'supervisor-demo', role: 'supervisor', displayName: 'Sam Supervisor' },
  { username: 'engineer', password: 'engineer-demo', role: 'engineer', displayName: 'Eddie Engineer', skills: ALL_SKILLS },
  { username: 'viewer', password: 'viewer-demo', role: 'viewer', displayName: 'Vera Viewer' },
]

export async function runDemo(opts: DemoOptions): Promise<DemoHandle> {
  const api = createApiClient(opts.apiUrl, { user: opts.adminUser, password: opts.adminPassword })
  await api.login()
  const logins: string[] = []
  for (const u of DEMO_USERS) {
    const created = await api.ensureUser(u)
    logins.push(created ? `${u.username} / ${u.password}` : `${u.username} (exists; password unchanged)`)
  }
  opts.log(`Demo logins: ${logins.join(', ')}`)

  const specs = planFleet({})
  const runner = await startSiteRunner({
    mqttUrl: opts.mqttUrl,
    api,
    secrets: createSecretStore(opts.stateDir),
    site: DEMO_SITE,
    specs,
    rateHz: 1,
    log: opts.log,
  })
  // The devices exist now; a failed plan upload must not stop the demo's alarms.
  await ensureDemoFloorPlans(api, DEMO_SITE.id, specs, opts.log).catch((err: unknown) => opts.log(`Demo floor plans skipped: ${(err as Error).message}`))

  const every = opts.scenarioEveryMs ?? DEFAULT_EVERY_MS
  let next = 0
  const playNext = (): void => {
    const scenario = SCENARIOS[next % SCENARIOS.length]
    next += 1
    if (!scenario) return
    try {
      const run = runner.play(scenario.name)
      opts.log(`Demo scenario ${scenario.name}: ${run.description}`)
    } catch (err) {
      opts.log(`Demo scenario ${scenario.name} skipped: ${(err as Error).message}`)
    }
  }
  let interval: NodeJS.Timeout | null = null
  const first = setTimeout(() => {
    playNext()
    interval = setInterval(playNext, every)
  }, Math.min(FIRST_SCENARIO_MS, every))
  opts.log(`Demo scenarios: one every ${Math.round(every / 1000)} s, rotating ${SCENARIOS.map((s) => s.name).join(', ')}`)

  return {
    async stop() {
      clearTimeout(first)
      if (interval) clearInterval(interval)
      await runner.stop()
    },
  }
}
