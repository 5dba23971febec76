// Times, spans and numbers in the user's language: spans from the catalog ("2 h 05 min",
// "2小时05分"), clock times and dates from Intl with the current locale. Pure, like catalog.ts.
import { currentLocale, t } from './catalog.js'

/** "2 h 05 min", "4 min", "45 s": a duration (negative spans count as 0). */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  if (s < 60) return t('time.seconds', { s })
  const m = Math.floor(s / 60)
  if (m < 60) return t('time.minutes', { m })
  const h = Math.floor(m / 60)
  if (h < 24) return t('time.hoursMinutes', { h, m: String(m % 60).padStart(2, '0') })
  return t('time.daysHours', { d: Math.floor(h / 24), h: h % 24 })
}

export function ago(iso: string, now: number): string {
  return t('time.ago', { span: formatSpan(now - Date.parse(iso)) })
}

/** 24-hour clock time, the control room's convention in every language. */
export function clockTime(isoOrMs: string | number): string {
  return new Date(isoOrMs).toLocaleTimeString(currentLocale(), { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
}

/** Date and time, short: "26 Nov, 09:14" / "11月26日 09:14". */
export function dateTime(isoOrMs: string | number, seconds = false): string {
  return new Date(isoOrMs).toLocaleString(currentLocale(), { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}), hour12: false })
}

/**
 * A chart's time tick, one short line: "15:05" within a day ("15:05:30" for ticks under a minute
 * apart), "Nov 26" for day steps and at midnight. uPlot's default put a date under the first tick
 * that ran off the chart's left edge.
 */
export function axisTime(ms: number, stepMs: number): string {
  const d = new Date(ms)
  const midnight = d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0
  if (stepMs >= 86_400_000 || midnight) return d.toLocaleDateString(currentLocale(), { month: 'short', day: 'numeric' })
  const seconds = stepMs < 60_000 ? { second: '2-digit' as const } : {}
  return d.toLocaleTimeString(currentLocale(), { hour: '2-digit', minute: '2-digit', ...seconds, hour12: false })
}

/** Decimals that tell a chart's value ticks apart: 0.005 apart needs three, 5 apart none. */
export function tickDecimals(step: number): number {
  if (!(step > 0)) return 2
  return Math.min(4, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)))
}

/** The header's date: weekday and full date. */
export function longDate(ms: number): string {
  return new Date(ms).toLocaleDateString(currentLocale(), { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' })
}

/** A number with the locale's separators and a fixed number of decimals; '–' when unknown. */
export function formatNumber(value: number | null, digits = 0): string {
  if (value === null || !Number.isFinite(value)) return '–'
  return value.toLocaleString(currentLocale(), { minimumFractionDigits: digits, maximumFractionDigits: digits })
}
