// What the wall says when a dependency is down (CONTRACT.md §1: "says so on /readyz, in the log and
// on the dashboard"). Pure: GET /readyz's `checks` in, one line per failing dependency out, naming
// what it means for the operator, not just which part failed.

export interface DependencyCheck {
  ok: boolean
  detail?: string
}

export interface Degradation {
  name: string
  title: string
  /** What the operator should know it means for the screen in front of them. */
  effect: string
  detail: string | null
}

const EFFECTS: Record<string, { title: string; effect: string }> = {
  database: {
    title: 'Database unreachable',
    effect: 'live device data continues; alarms raised meanwhile appear when it is back; sign-in and lists may fail',
  },
  telemetry: {
    title: 'Telemetry store unreachable',
    effect: 'live state and alarms continue; readings are kept on disk and written when it is back',
  },
  broker: {
    title: 'Device listener down',
    effect: 'devices cannot connect; their tiles turn offline',
  },
}

export function degradations(checks: Readonly<Record<string, DependencyCheck>> | null | undefined): Degradation[] {
  if (!checks) return []
  return Object.entries(checks)
    .filter(([, c]) => c && c.ok === false)
    .map(([name, c]) => ({
      name,
      title: EFFECTS[name]?.title ?? `${name} unavailable`,
      effect: EFFECTS[name]?.effect ?? 'some functions may be delayed',
      detail: c.detail ?? null,
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
}
