// A sustained-rate figure: three searches (rate-search.ts) on one running system. The first one
// climbs from a low rate; the next two start just under what the first found and climb in finer
// steps, so each run finds its own limit without repeating the whole climb.
import { setTimeout as sleep } from 'node:timers/promises'
import { searchRate, type Search, type Stepper } from './rate-search.js'
import { figure, type Figure } from './stats.js'

export interface Sustained {
  figure: Figure
  searches: Search[]
}

export async function measureSustained(s: Stepper, o: { label: string; start: number; runs: number; log: (line: string) => void }): Promise<Sustained> {
  o.log(`  ${o.label}: warming up at ${o.start}/s`)
  s.setRate(o.start)
  await sleep(3000)
  s.setRate(0)
  await sleep(500)
  const searches: Search[] = []
  for (let run = 1; run <= o.runs; run++) {
    const prev = searches[0]?.best ?? 0
    const start = prev > 0 ? prev * 0.8 : o.start
    o.log(`  ${o.label}: run ${run} of ${o.runs}, from ${Math.round(start)}/s`)
    const found = await searchRate(s, { start, growth: prev > 0 ? 1.1 : 1.4, max: 200_000, log: o.log })
    o.log(`  ${o.label}: run ${run}: kept up with ${found.best}/s`)
    searches.push(found)
  }
  return { figure: figure(searches.map((x) => x.best)), searches }
}
