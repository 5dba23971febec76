// The wall's degraded banner (dashboard/src/lib/health-view.ts): GET /readyz's checks become one line
// per failing dependency, saying what it means for the operator.
import { describe, expect, it } from 'vitest'
import { degradations } from '../../dashboard/src/lib/health-view.js'

describe('degraded banner lines', () => {
  it('is empty when every dependency is up, or before the first answer', () => {
    expect(degradations({ broker: { ok: true }, database: { ok: true }, telemetry: { ok: true } })).toEqual([])
    expect(degradations(null)).toEqual([])
  })

  it('names each failing dependency with what it means, and keeps the server\'s detail', () => {
    const lines = degradations({ broker: { ok: true }, telemetry: { ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:8086' }, database: { ok: false, detail: 'Connection terminated unexpectedly' } })
    expect(lines.map((l) => [l.name, l.title, l.detail])).toEqual([
      ['database', 'Database unreachable', 'Connection terminated unexpectedly'],
      ['telemetry', 'Telemetry store unreachable', 'connect ECONNREFUSED 127.0.0.1:8086'],
    ])
    expect(lines[0]!.effect).toMatch(/appear when it is back/)
    expect(lines[1]!.effect).toMatch(/kept on disk/)
  })

  it('still reports a dependency it has no words for', () => {
    expect(degradations({ search: { ok: false } })).toEqual([{ name: 'search', title: 'search unavailable', effect: 'some functions may be delayed', detail: null }])
    expect(degradations({ redis: { ok: false } })[0]).toMatchObject({ title: 'Redis unreachable' })
  })
})
