// The suite measures the compiled product (`npm start` runs dist/bin/vigil.js) and the built
// dashboard; it builds them first when they are missing or older than their sources, as the
// browser test does for the dashboard (tests/e2e/dashboard.test.ts).
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './server-process.js'

function newest(dir: string): number {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue
    const p = path.join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

const built = (file: string): number => (existsSync(file) ? statSync(file).mtimeMs : 0)

export function ensureBuilt(log: (line: string) => void): void {
  const sources = Math.max(...['bin', 'broker', 'services', 'simulators', 'dashboard'].map((d) => newest(path.join(ROOT, d))))
  const server = built(path.join(ROOT, 'dist/bin/vigil.js'))
  const dashboard = built(path.join(ROOT, 'dashboard/dist/index.html'))
  if (server >= sources && dashboard >= sources) return
  log('building (npm run build): dist/ or dashboard/dist/ is missing or older than the sources')
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
}
