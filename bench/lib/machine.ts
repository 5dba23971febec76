// What the figures were measured on (issue #8: "the machine, the commit"), and how busy the
// machine already was: on a 2-core box another process's CPU is taken from the system measured.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { ROOT } from './server-process.js'

export interface Machine {
  cpus: number
  cpuModel: string
  memoryGB: number
  node: string
  os: string
  loadAverage1m: number
  /** Share of all CPUs busy during one second before the suite started (other processes). */
  busyBeforeStartPct: number
}

export interface Commit {
  sha: string
  /** Uncommitted changes in the working tree when the suite ran. */
  dirty: boolean
}

function cpuTimes(): { idle: number; all: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  return { idle: f[3]! + (f[4] ?? 0), all: f.reduce((a, b) => a + b, 0) }
}

/** Share of all CPUs busy over `ms`. */
export async function machineBusyPct(ms = 1000): Promise<number> {
  const a = cpuTimes()
  await sleep(ms)
  const b = cpuTimes()
  return Math.round(100 * (1 - (b.idle - a.idle) / Math.max(1, b.all - a.all)))
}

export async function describeMachine(): Promise<Machine> {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGB: Math.round(os.totalmem() / 1e8) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
    busyBeforeStartPct: await machineBusyPct(),
  }
}

export function describeCommit(): Commit {
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  try {
    return { sha: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--untracked-files=no').length > 0 }
  } catch {
    return { sha: 'unknown (not a git checkout)', dirty: false }
  }
}
