// The on-disk spool in front of InfluxDB (issue #5 "No loss"), on real files in a temp folder:
// what is appended comes back until confirmed, across a restart; a torn last line is cut; the
// bound drops the oldest lines and counts them.
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createSpool, type Spool, type SpoolDrop } from '../../services/adapters/influx/spool.js'

const dirs: string[] = []
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }) })

function open(opts: { dir?: string; maxBytes?: number } = {}): { spool: Spool; dir: string; drops: SpoolDrop[] } {
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'vigil-spool-'))
  if (!opts.dir) dirs.push(dir)
  const drops: SpoolDrop[] = []
  return { spool: createSpool({ dir, maxBytes: opts.maxBytes ?? 1 << 20, onDrop: (d) => drops.push(d) }), dir, drops }
}

const line = (i: number): string => `elevator,building=B1,device=lift-1,site=s1 trips=${i} ${1_700_000_000_000 + i}`

/** Everything the spool would send, confirming as it goes. */
function readAll(spool: Spool, chunkBytes = 1 << 20): string[] {
  const out: string[] = []
  for (let c = spool.read(chunkBytes); c !== null; c = spool.read(chunkBytes)) {
    out.push(...c.lines)
    spool.confirm(c.end)
  }
  return out
}

describe('spool', () => {
  it('returns appended lines in order, in chunks of at most the asked size, and nothing once confirmed', () => {
    const { spool } = open()
    const lines = Array.from({ length: 500 }, (_, i) => line(i))
    spool.append(lines.slice(0, 200))
    spool.append(lines.slice(200))
    const first = spool.read(2000)!
    expect(Buffer.byteLength(first.lines.join('\n') + '\n')).toBeLessThanOrEqual(2000)
    spool.confirm(first.end)
    expect([...first.lines, ...readAll(spool, 2000)]).toEqual(lines)
    expect(spool.read(2000)).toBeNull()
    expect(spool.pendingBytes()).toBe(0)
  })

  it('gives back after a restart exactly the lines that were not confirmed', () => {
    const { spool, dir } = open()
    const lines = Array.from({ length: 100 }, (_, i) => line(i))
    spool.append(lines)
    const chunk = spool.read(1500)!
    spool.confirm(chunk.end)
    // Read but never confirmed: InfluxDB did not answer before the process went away.
    spool.read(1500)
    spool.close()
    const again = open({ dir }).spool
    expect(readAll(again)).toEqual(lines.slice(chunk.lines.length))
  })

  it('cuts a line torn by a kill in the middle of a write, and keeps the lines before it', () => {
    const { spool, dir } = open()
    spool.append([line(1), line(2)])
    spool.close()
    const segment = readdirSync(dir).find((f) => f.endsWith('.lp'))!
    appendFileSync(path.join(dir, segment), 'elevator,building=B1,device=lift-1 trips=3')
    const again = open({ dir }).spool
    again.append([line(4)])
    expect(readAll(again)).toEqual([line(1), line(2), line(4)])
  })

  it('drops the oldest lines at the bound, counts them, and keeps the newest', () => {
    const maxBytes = 16 * 1024
    const { spool, drops } = open({ maxBytes })
    const lines = Array.from({ length: 2000 }, (_, i) => line(i))
    for (let i = 0; i < lines.length; i += 10) spool.append(lines.slice(i, i + 10))
    expect(spool.pendingBytes()).toBeLessThanOrEqual(maxBytes)
    expect(spool.isFull()).toBe(true)
    const dropped = drops.reduce((n, d) => n + d.lines, 0)
    expect(dropped).toBeGreaterThan(0)
    const kept = readAll(spool)
    expect(kept.length + dropped).toBe(lines.length)
    expect(kept).toEqual(lines.slice(dropped))
    expect(spool.isFull()).toBe(false)
  })

  it('ignores the confirmation of a chunk whose segment the bound dropped meanwhile', () => {
    const { spool } = open({ maxBytes: 8 * 1024 })
    spool.append(Array.from({ length: 10 }, (_, i) => line(i)))
    const inFlight = spool.read(1 << 20)!
    spool.append(Array.from({ length: 400 }, (_, i) => line(100 + i)))
    spool.confirm(inFlight.end)
    const kept = readAll(spool)
    expect(kept.at(-1)).toBe(line(499))
    expect(kept.length).toBeGreaterThan(0)
    expect(kept).not.toContain(line(0))
  })
})
