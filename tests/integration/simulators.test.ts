// The simulators against real servers: the publisher against a bare aedes broker (credentials,
// will, retained status, reconnects, secret rotation), and the demo site against a whole Vigil on
// port 0 sharing Vigil's manual clock, so each scenario's alarm is seen on the real path.
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Aedes, type AuthenticateError, type Client } from 'aedes'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createManualClock } from '../../services/adapters/clock.js'
import type { Alarm } from '../../services/core/model.js'
import { createApiClient } from '../../simulators/api-client.js'
import { DEMO_SITE, DEMO_USERS, runDemo } from '../../simulators/demo.js'
import { DEMO_COUNTS, planFleet } from '../../simulators/fleet-plan.js'
import { backoffDelay, connectDevice, type DeviceLink } from '../../simulators/publisher.js'
import { createSecretStore } from '../../simulators/secret-store.js'
import { startSiteRunner, type SiteRunner } from '../../simulators/site-runner.js'
import { waitFor } from '../helpers/devices.js'
import { startTestVigil, type TestVigil } from '../helpers/start-test-vigil.js'

describe('backoff', () => {
  it.each([
    [0, 250, 500],
    [1, 500, 1000],
    [3, 2000, 4000],
    [10, 15_000, 30_000],
    [50, 15_000, 30_000],
  ])('reconnect attempt %i waits between %i and %i ms', (attempt, min, max) => {
    const b = { initialMs: 500, maxMs: 30_000 }
    expect(backoffDelay(attempt, b, () => 0)).toBe(min)
    expect(backoffDelay(attempt, b, () => 1)).toBe(max)
  })
})

describe('publisher against a bare aedes broker', () => {
  let broker: Aedes
  let server: net.Server
  let url: string
  const secrets = new Map<string, string>()
  const published: Array<{ topic: string; payload: string; retain: boolean; qos: number; client: string | null }> = []
  const clients = new Map<string, Client>()
  const links: DeviceLink[] = []

  beforeAll(async () => {
    broker = await Aedes.createBroker({
      authenticate: (_c, user, pw, done) => {
        if (user !== undefined && secrets.get(user) === pw?.toString()) return done(null, true)
        const e = new Error('Bad username or password') as AuthenticateError
        e.returnCode = 4
        done(e, false)
      },
    })
    broker.on('client', (c) => void clients.set(c.id, c))
    broker.on('publish', (p, c) => {
      if (!p.topic.startsWith('$SYS')) published.push({ topic: p.topic, payload: p.payload.toString(), retain: p.retain, qos: p.qos, client: c?.id ?? null })
    })
    server = net.createServer(broker.handle)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`
  })
  afterAll(async () => {
    await Promise.all(links.map((l) => l.close()))
    await new Promise<void>((r) => broker.close(() => r()))
    await new Promise<void>((r) => server.close(() => r()))
  })

  const seen = (topic: string, payload: string, after = 0) =>
    waitFor(`${payload} on ${topic}`, () => published.slice(after).find((p) => p.topic === topic && p.payload === payload))
  const link = (id: string, secret: string, extra: Partial<Parameters<typeof connectDevice>[0]> = {}): DeviceLink => {
    const l = connectDevice({ url, siteId: 's1', device: { id, type: 'fire-door' }, secret, log: () => {}, backoff: { initialMs: 20, maxMs: 200 }, ...extra })
    links.push(l)
    return l
  }

  it('connects as the device with its secret, says online (retained) and publishes QoS 1; on close says offline', async () => {
    secrets.set('FD-1', 'secret-1')
    const l = link('FD-1', 'secret-1')
    await l.firstConnect
    const online = await seen('bldg/s1/fire-door/FD-1/status', '{"online":true}')
    expect(online).toMatchObject({ retain: true, qos: 1, client: 'sim-FD-1' })
    expect(await l.publish('telemetry', { seq: 1, position: 'closed' })).toBe(true)
    expect(await seen('bldg/s1/fire-door/FD-1/telemetry', '{"seq":1,"position":"closed"}')).toMatchObject({ qos: 1 })
    await l.close()
    expect(await seen('bldg/s1/fire-door/FD-1/status', '{"online":false}')).toMatchObject({ retain: true })
    expect(l.publish('telemetry', { seq: 2 })).toBeNull()
  })

  it('leaves its will when the connection dies, then reconnects and says online again', async () => {
    secrets.set('FD-2', 'secret-2')
    const l = link('FD-2', 'secret-2')
    await l.firstConnect
    await seen('bldg/s1/fire-door/FD-2/status', '{"online":true}')
    const mark = published.length
    clients.get('sim-FD-2')?.close()
    const will = await seen('bldg/s1/fire-door/FD-2/status', '{"online":false}', mark)
    // The link itself says offline only in close(); this one is the broker delivering the will.
    expect(will).toMatchObject({ retain: true, qos: 1 })
    await seen('bldg/s1/fire-door/FD-2/status', '{"online":true}', mark)
    await waitFor('reconnected', () => l.connected)
  })

  it('asks for a new secret when the broker refuses the old one, and connects with it', async () => {
    secrets.set('FD-3', 'fresh-secret')
    const asked: string[] = []
    const l = link('FD-3', 'stale-secret', { onAuthRefused: async (id) => (asked.push(id), 'fresh-secret') })
    await expect(l.firstConnect).rejects.toMatchObject({ code: 4 })
    await waitFor('connected with the new secret', () => l.connected)
    expect(asked).toEqual(['FD-3'])
  })

  it('reports an unreachable broker as one clear error', async () => {
    const v = await startTestVigil()
    try {
      const api = createApiClient(v.http, { user: 'admin', password: v.adminPassword })
      await api.login()
      const dir = mkdtempSync(path.join(tmpdir(), 'vigil-sim-'))
      const closed = net.createServer()
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
      const port = (closed.address() as net.AddressInfo).port
      await new Promise<void>((r) => closed.close(() => r()))
      await expect(
        startSiteRunner({ mqttUrl: `mqtt://127.0.0.1:${port}`, api, secrets: createSecretStore(dir), site: { id: 'x', name: 'X' }, specs: planFleet({ idPrefix: 'x-', counts: { elevators: 1, pumps: 0, fireDoors: 0, accessDoors: 0, firePanels: 0 } }), rateHz: 1, log: () => {}, autoTick: false }),
      ).rejects.toThrow(`cannot reach the MQTT broker at mqtt://127.0.0.1:${port}: ECONNREFUSED`)
      rmSync(dir, { recursive: true, force: true })
    } finally {
      await v.stop()
    }
  })
})

describe('the demo site on a real Vigil', () => {
  const clock = createManualClock(Date.UTC(2026, 0, 5, 9, 0, 0))
  let v: TestVigil
  let token: string
  let stateDir: string
  const lines: string[] = []

  beforeAll(async () => {
    v = await startTestVigil({ clock })
    token = await v.login()
    stateDir = mkdtempSync(path.join(tmpdir(), 'vigil-demo-state-'))
  })
  afterAll(async () => {
    await v.stop()
    rmSync(stateDir, { recursive: true, force: true })
  })

  const devicesOfDemo = async (): Promise<Array<{ id: string; online: boolean; state: Record<string, unknown> }>> => {
    const r = await v.api('GET', `/api/v1/devices?siteId=${DEMO_SITE.id}&limit=1000`, { token })
    expect(r.status).toBe(200)
    return r.json.items
  }

  it('runDemo creates the site, the demo users and every device, and every device comes online with no rejected message', async () => {
    const demo = await runDemo({ mqttUrl: v.mqttUrl, apiUrl: v.http, adminUser: 'admin', adminPassword: v.adminPassword, stateDir, log: (l) => lines.push(l), scenarioEveryMs: 3_600_000 })
    try {
      const specs = planFleet({})
      const online = await waitFor('every demo device online', async () => {
        const list = await devicesOfDemo()
        return list.length === specs.length && list.every((d) => d.online) ? list : null
      }, 15_000)
      expect(online.map((d) => d.id).sort()).toEqual(specs.map((s) => s.id).sort())
      const site = await v.api('GET', `/api/v1/sites/${DEMO_SITE.id}`, { token })
      expect(site.json).toMatchObject({ id: 'demo', name: 'Demo Tower' })
      for (const u of DEMO_USERS) await v.login(u.username, u.password)
      expect(lines.join('\n')).toContain('operator / operator-demo')
      const rejections = await v.api('GET', '/api/v1/ingest/rejections', { token })
      expect(rejections.json.items).toEqual([])
      // Every floor with devices has a plan, and every device is placed on its floor's plan.
      const plans = (await v.api('GET', `/api/v1/sites/${DEMO_SITE.id}/floor-plans`, { token })).json.items as { building: string; floor: number; positions: { deviceId: string }[] }[]
      const floors = new Set(specs.map((s) => `${s.location.building}/${s.location.floor}`))
      expect(plans.map((p) => `${p.building}/${p.floor}`).sort()).toEqual([...floors].sort())
      expect(plans.flatMap((p) => p.positions.map((x) => x.deviceId)).sort()).toEqual(specs.map((s) => s.id).sort())
    } finally {
      await demo.stop()
    }
  })

  it('a second runDemo reuses the kept secrets; with the state folder gone it rotates them and still connects', async () => {
    const again = await runDemo({ mqttUrl: v.mqttUrl, apiUrl: v.http, adminUser: 'admin', adminPassword: v.adminPassword, stateDir, log: (l) => lines.push(l), scenarioEveryMs: 3_600_000 })
    await again.stop()
    expect(lines.some((l) => /0 registered, 27 known, 0 with a new secret/.test(l))).toBe(true)
    expect(lines.some((l) => l.includes('operator (exists; password unchanged)'))).toBe(true)

    const fresh = mkdtempSync(path.join(tmpdir(), 'vigil-demo-fresh-'))
    const rotated = await runDemo({ mqttUrl: v.mqttUrl, apiUrl: v.http, adminUser: 'admin', adminPassword: v.adminPassword, stateDir: fresh, log: (l) => lines.push(l), scenarioEveryMs: 3_600_000 })
    try {
      expect(lines.some((l) => /0 registered, 0 known, 27 with a new secret/.test(l))).toBe(true)
      await waitFor('every demo device online again', async () => ((await devicesOfDemo()).every((d) => d.online) ? true : null), 15_000)
    } finally {
      await rotated.stop()
      rmSync(fresh, { recursive: true, force: true })
    }
  })

  describe('scenarios raise their alarms', () => {
    let runner: SiteRunner
    beforeAll(async () => {
      const api = createApiClient(v.http, { user: 'admin', password: v.adminPassword })
      await api.login()
      runner = await startSiteRunner({
        mqttUrl: v.mqttUrl, api, secrets: createSecretStore(stateDir), site: DEMO_SITE, specs: planFleet({ counts: { ...DEMO_COUNTS, pumps: 3 } }), rateHz: 1, log: () => {},
        now: () => clock.now(), autoTick: false,
      })
      await runner.tick()
    })
    afterAll(async () => {
      await runner.stop()
    })

    /** Simulation and Vigil on one clock, one second per step. */
    const run = async (seconds: number): Promise<void> => {
      for (let i = 0; i < seconds; i++) {
        await clock.advance(1000)
        await runner.tick()
      }
    }
    const alarmOf = (deviceId: string, ruleId: string) =>
      waitFor(`${ruleId} on ${deviceId}`, async () => {
        const r = await v.api('GET', `/api/v1/alarms?state=all&deviceId=${deviceId}`, { token })
        return (r.json.items as Alarm[]).find((a) => a.ruleId === ruleId && a.active) ?? null
      })

    it.each([
      ['fire-door-propped', 'FD-02', 61],
      ['door-forced', 'AC-01', 2],
      ['trapped-passenger', 'EL-01', 31],
      ['pump-low-pressure', 'PU-01', 61],
      ['elevator-fault', 'EL-06', 61],
      ['door-held', 'AC-02', 31],
      ['pump-dry-run', 'PU-03', 45],
      ['pump-room-flood', 'SU-02', 11],
      ['fire-pump-fail', 'FP-02', 121],
    ])('%s raises %s', async (scenario, ruleId, seconds) => {
      const played = runner.play(scenario)
      await run(seconds)
      const alarm = await alarmOf(played.deviceId, ruleId)
      expect(alarm).toMatchObject({ siteId: 'demo', deviceId: played.deviceId, state: 'unacked' })
    })

    it('fire-alarm: the door whose holder sticks raises FD-05 and the linkage that works raises nothing', async () => {
      const before = clock.now()
      runner.play('fire-alarm')
      await run(61)
      const fd05 = await waitFor('FD-05', async () => {
        const r = await v.api('GET', '/api/v1/alarms?state=all&siteId=demo', { token })
        return (r.json.items as Alarm[]).find((a) => a.ruleId === 'FD-05' && a.active) ?? null
      })
      expect(fd05).toMatchObject({ priority: 1, state: 'unacked' })
      await run(70)
      const r = await v.api('GET', '/api/v1/alarms?state=all&siteId=demo', { token })
      const linkage = (r.json.items as Alarm[]).filter((a) => ['EL-08', 'AC-06', 'FD-03'].includes(a.ruleId) && Date.parse(a.raisedAt) >= before)
      expect(linkage).toEqual([])
    })

    it('device-offline takes a device offline past its timeout, and it comes back', async () => {
      const played = runner.play('device-offline')
      const online = async (): Promise<boolean> => (await v.api('GET', `/api/v1/devices/${played.deviceId}`, { token })).json.online as boolean
      await run(62)
      await waitFor('offline', async () => ((await online()) ? null : true))
      await run(Math.ceil((played.endsAtMs - clock.now()) / 1000) + 21)
      await waitFor('online again', () => online())
    })
  })
})
