// The one table the suite prints (and writes into bench/results.json): every figure with its
// min–max over the runs, its target from issue #8, whether it is met, and its baseline as a ratio.
import type { Figure } from './stats.js'

export interface Row {
  item: string
  measure: string
  unit: string
  median: number | null
  min: number | null
  max: number | null
  target: string
  /** true / false, or null when there is no target or no figure. */
  met: boolean | null
  baseline: string
  note: string
}

export interface Target {
  text: string
  ok: (v: number) => boolean
}
export const atLeast = (n: number, unit = ''): Target => ({ text: `≥ ${n.toLocaleString('en-US')}${unit}`, ok: (v) => v >= n })
export const atMost = (n: number, unit = ''): Target => ({ text: `≤ ${n.toLocaleString('en-US')}${unit}`, ok: (v) => v <= n })

export function row(item: string, measure: string, unit: string, f: Figure | null, target: Target | null, baseline = '', note = ''): Row {
  const has = f !== null && Number.isFinite(f.median)
  return {
    item,
    measure,
    unit,
    median: has ? f.median : null,
    min: has ? f.min : null,
    max: has ? f.max : null,
    target: target?.text ?? '',
    met: has && target ? target.ok(f.median) : null,
    baseline,
    note,
  }
}

export const na = (item: string, measure: string, note: string, target = ''): Row => ({
  item, measure, unit: '', median: null, min: null, max: null, target, met: null, baseline: '', note,
})

const fmt = (v: number | null): string => {
  if (v === null) return 'n/a'
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US')
  return v.toFixed(Math.abs(v) >= 10 ? 1 : 2)
}

export function formatTable(rows: readonly Row[]): string {
  const head = ['#', 'measure', 'median', 'min–max', 'target', 'met', 'baseline (ratio)']
  const body = rows.map((r) => [
    r.item,
    r.measure,
    r.median === null ? `n/a${r.note ? ` (${r.note})` : ''}` : `${fmt(r.median)} ${r.unit}`,
    r.median === null ? '' : `${fmt(r.min)}–${fmt(r.max)}`,
    r.target,
    r.met === null ? '' : r.met ? 'yes' : 'NO',
    r.baseline,
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')
  return [line(head), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)].join('\n')
}

/** The same table as Markdown, for the README's performance section. */
export function markdownTable(rows: readonly Row[]): string {
  const out = ['| # | measure | median (min–max) | target | met | baseline (ratio) |', '| --- | --- | --- | --- | --- | --- |']
  for (const r of rows) {
    const v = r.median === null ? `n/a${r.note ? `: ${r.note}` : ''}` : `${fmt(r.median)} ${r.unit} (${fmt(r.min)}–${fmt(r.max)})`
    out.push(`| ${r.item} | ${r.measure} | ${v} | ${r.target} | ${r.met === null ? '' : r.met ? 'yes' : '**no**'} | ${r.baseline} |`)
  }
  return out.join('\n')
}
