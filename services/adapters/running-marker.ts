// Marks a data directory as in use by a running Vigil process: one `run/<pid>.pid` file per
// process (several roles may share a data directory), removed at a clean stop. A marker left by a
// killed process names a pid that is no longer alive, so it never blocks a restore after a crash.
import fs from 'node:fs'
import path from 'node:path'

const runDir = (dataDir: string): string => path.join(dataDir, 'run')

export interface RunningMarker {
  remove(): void
}

export function markRunning(dataDir: string, pid = process.pid): RunningMarker {
  fs.mkdirSync(runDir(dataDir), { recursive: true })
  const file = path.join(runDir(dataDir), `${pid}.pid`)
  fs.writeFileSync(file, `${pid}\n`)
  return { remove: () => fs.rmSync(file, { force: true }) }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: the process exists but belongs to another user; it is still running.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Pids of live Vigil processes on this data directory; markers of dead ones are cleaned up. */
export function runningPids(dataDir: string): number[] {
  let names: string[]
  try {
    names = fs.readdirSync(runDir(dataDir))
  } catch {
    return []
  }
  const alive: number[] = []
  for (const name of names) {
    const pid = Number(name.replace(/\.pid$/, ''))
    if (!Number.isInteger(pid) || pid <= 0) continue
    if (isAlive(pid)) alive.push(pid)
    else fs.rmSync(path.join(runDir(dataDir), name), { force: true })
  }
  return alive
}
