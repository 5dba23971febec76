// A scaled clock (VIGIL_CLOCK_SCALE) carries on across restarts (services/adapters/clock-anchor.ts):
// the second run starts where the first one's clock stands, so stored deadlines keep their meaning.
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadClockAnchor } from '../../services/adapters/clock-anchor.js'

const dirs: string[] = []
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }) })
const dataDir = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'vigil-anchor-'))
  dirs.push(d)
  return d
}
const W0 = Date.UTC(2026, 10, 26, 8, 0, 0)

describe('clock anchor', () => {
  it('starts a first scaled run at the wall time', () => {
    expect(loadClockAnchor(dataDir(), 60, W0)).toMatchObject({ wall: W0, vigil: W0 })
  })

  it('continues a restarted run from where the last one\'s clock stands, downtime scaled', () => {
    const dir = dataDir()
    loadClockAnchor(dir, 60, W0)
    // 10 s of wall time later (5 running, 5 down) Vigil's clock stands 600 s on.
    expect(loadClockAnchor(dir, 60, W0 + 10_000)).toMatchObject({ wall: W0 + 10_000, vigil: W0 + 600_000 })
    // A new scale applies from the restart on, without a jump.
    expect(loadClockAnchor(dir, 10, W0 + 11_000)).toMatchObject({ wall: W0 + 11_000, vigil: W0 + 660_000 })
  })

  it('forgets the anchor at scale 1 (the wall clock)', () => {
    const dir = dataDir()
    loadClockAnchor(dir, 60, W0)
    expect(loadClockAnchor(dir, 1, W0 + 1000)).toMatchObject({ wall: W0 + 1000, vigil: W0 + 1000 })
    expect(existsSync(path.join(dir, 'clock-anchor.json'))).toBe(false)
  })
})
