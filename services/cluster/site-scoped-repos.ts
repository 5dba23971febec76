// A worker sees only the sites it runs: every repository read that returns a list of site rows
// (open alarms, clocked work orders, emergencies, devices, ...) is filtered to those sites. This is
// what keeps a worker's start-up (timers rebuilt from the database, the device directory) from
// taking on the duties of sites another worker runs. Writes and single-row reads pass through.
import type { Repos } from '../core/ports.js'

function isSiteRow(x: unknown): x is { siteId: string } {
  return typeof x === 'object' && x !== null && typeof (x as { siteId?: unknown }).siteId === 'string'
}

function scopeRepo<T extends object>(repo: T, owns: (siteId: string) => boolean): T {
  return new Proxy(repo, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args)
        if (!(result instanceof Promise)) return result
        return result.then((rows: unknown) => (Array.isArray(rows) ? rows.filter((r) => !isSiteRow(r) || owns(r.siteId)) : rows))
      }
    },
  })
}

export function scopeReposToSites(repos: Repos, sites: readonly string[]): Repos {
  const owned = new Set(sites)
  const owns = (siteId: string): boolean => owned.has(siteId)
  const scoped: Record<string, unknown> = {}
  for (const [name, repo] of Object.entries(repos)) scoped[name] = typeof repo === 'object' && repo !== null ? scopeRepo(repo, owns) : repo
  return scoped as unknown as Repos
}
