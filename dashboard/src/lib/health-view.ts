// What the wall says when a dependency is down (CONTRACT.md §1: "says so on /readyz, in the log and
// on the dashboard"). Pure: GET /readyz's `checks` in, one line per failing dependency out, naming
// what it means for the operator, not just which part failed, in the user's language.
import { t } from './i18n/catalog.js'

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

const KNOWN = ['database', 'telemetry', 'broker', 'redis'] as const
type Known = (typeof KNOWN)[number]
const isKnown = (name: string): name is Known => (KNOWN as readonly string[]).includes(name)

export function degradations(checks: Readonly<Record<string, DependencyCheck>> | null | undefined): Degradation[] {
  if (!checks) return []
  return Object.entries(checks)
    .filter(([, c]) => c && c.ok === false)
    .map(([name, c]) => ({
      name,
      title: isKnown(name) ? t(`health.${name}.title`) : t('health.other.title', { name }),
      effect: isKnown(name) ? t(`health.${name}.effect`) : t('health.other.effect'),
      detail: c.detail ?? null,
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
}
