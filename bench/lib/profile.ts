// Summarises a V8 CPU profile (`node --cpu-prof`, the .cpuprofile JSON) into self time per
// function and per package: where Vigil's main thread spends its time under load.
import { readFileSync } from 'node:fs'
import { ROOT } from './server-process.js'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}
interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

export interface ProfileEntry {
  name: string
  where: string
  selfMs: number
  pct: number
}

export interface ProfileSummary {
  totalMs: number
  /** Share of the profile the main thread was idle (waiting for I/O). */
  idlePct: number
  functions: ProfileEntry[]
  packages: ProfileEntry[]
}

/** `node_modules/<pkg>` → pkg; Vigil's own files → their path; Node's internals → `node:…`. */
function packageOf(url: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (nm) return nm[1]!
  if (url.startsWith('node:')) return 'node (internal)'
  if (url === '') return '(native / VM)'
  return url.replace(/^file:\/\//, '').replace(ROOT + '/', '').replace(/^dist\//, '')
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000)
  const totalMs = (p.endTime - p.startTime) / 1000
  const fns = new Map<string, ProfileEntry>()
  const pkgs = new Map<string, ProfileEntry>()
  let idleMs = 0
  for (const [id, ms] of self) {
    const n = byId.get(id)!
    const fname = n.callFrame.functionName || '(anonymous)'
    if (fname === '(idle)') idleMs += ms
    const where = `${packageOf(n.callFrame.url)}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`
    const key = `${fname} ${where}`
    const f = fns.get(key) ?? { name: fname, where, selfMs: 0, pct: 0 }
    f.selfMs += ms
    fns.set(key, f)
    const pkg = fname.startsWith('(') ? fname : packageOf(n.callFrame.url)
    const g = pkgs.get(pkg) ?? { name: pkg, where: '', selfMs: 0, pct: 0 }
    g.selfMs += ms
    pkgs.set(pkg, g)
  }
  const rank = (m: Map<string, ProfileEntry>): ProfileEntry[] =>
    [...m.values()]
      .map((e) => ({ ...e, selfMs: Math.round(e.selfMs), pct: Math.round((1000 * e.selfMs) / totalMs) / 10 }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top)
  return { totalMs: Math.round(totalMs), idlePct: Math.round((1000 * idleMs) / totalMs) / 10, functions: rank(fns), packages: rank(pkgs) }
}
