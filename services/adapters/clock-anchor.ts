// A scaled clock (VIGIL_CLOCK_SCALE) that carries on across restarts. Without it every start would
// begin again at the wall time, so after a restart Vigil's time would jump back by everything the
// scaled clock had run ahead, and SLA clocks, shelving expiries and rule delays stored in the
// database would sit far in the future. The anchor in the data folder says where Vigil's time
// stood at a wall time; a restart continues from it as if Vigil had kept running, the time it was
// down scaled like any other (issue #10: timers resume, they do not restart from zero).
import fs from 'node:fs'
import path from 'node:path'
import type { ClockAnchor } from './clock.js'

interface StoredAnchor extends ClockAnchor {
  scale: number
}

function read(file: string): StoredAnchor | null {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StoredAnchor>
    return typeof v.wall === 'number' && typeof v.vigil === 'number' && typeof v.scale === 'number' ? { wall: v.wall, vigil: v.vigil, scale: v.scale } : null
  } catch {
    return null
  }
}

/** The anchor for a clock at `scale`: continued from the last run's, or starting at the wall time. */
export function loadClockAnchor(dataDir: string, scale: number, wallNow = Date.now()): ClockAnchor {
  const file = path.join(dataDir, 'clock-anchor.json')
  if (scale === 1) {
    // The wall clock needs no anchor; a later scaled run starts from the wall time again.
    fs.rmSync(file, { force: true })
    return { wall: wallNow, vigil: wallNow }
  }
  const last = read(file)
  // Where the previous run's clock stands now, had it kept running.
  const vigil = last === null ? wallNow : Math.round(last.vigil + (wallNow - last.wall) * last.scale)
  const anchor: StoredAnchor = { wall: wallNow, vigil, scale }
  fs.writeFileSync(file, JSON.stringify(anchor) + '\n')
  return anchor
}
