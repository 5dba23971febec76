// The multi-process checks shared by every topology (Vigil's clustered brokers, Mosquitto): doors
// forced on two sites run by two workers, an operator's acknowledgement, and the worker of site
// north killed with SIGKILL while its door reports a tamper. Alarms, work orders and socket.io
// events must arrive once and only once throughout.
import { expect, it } from 'vitest'
import type { Alarm } from '../../services/core/model.js'
import type { WorkOrder } from '../../services/core/work-orders/work-order.js'
import { waitFor } from '../helpers/devices.js'
import { repeats, type ClusterDevice, type ClusterHarness, type Screen } from '../helpers/cluster-harness.js'
import type { SpawnedVigil } from '../helpers/spawn-vigil.js'

export interface Topology {
  h: ClusterHarness
  /** The API processes; the first writes, the last reads (the same one when there is only one). */
  apis: SpawnedVigil[]
  screens: Screen[]
  doorN: ClusterDevice
  doorS: ClusterDevice
  workerN: SpawnedVigil
  workerS: SpawnedVigil
  leaseMs: number
}

export function clusterSuite(topology: () => Topology): void {
  const t = (): Topology & { first: SpawnedVigil; last: SpawnedVigil } => {
    const x = topology()
    return { ...x, first: x.apis[0]!, last: x.apis[x.apis.length - 1]! }
  }
  const allAlarms = async (): Promise<Alarm[]> => (await t().h.api(t().last, 'GET', '/api/v1/alarms?state=all&limit=1000')).json.items as Alarm[]
  const allWorkOrders = async (): Promise<WorkOrder[]> => (await t().h.api(t().first, 'GET', '/api/v1/work-orders?limit=1000')).json.items as WorkOrder[]

  it('raises one alarm and one work order per forced door, announced on every screen', async () => {
    const { doorN, doorS, screens } = t()
    await doorN.send('event', { event: 'forced_open', requiredLevel: 3, doorState: 'open' })
    await doorS.send('event', { event: 'forced_open', requiredLevel: 3, doorState: 'open' })
    const alarms = await waitFor('both alarms', async () => { const a = await allAlarms(); return a.length >= 2 && a }, 15_000)
    expect(alarms.map((a) => `${a.deviceId}/${a.ruleId}`).sort()).toEqual(['door-n/AC-01', 'door-s/AC-01'])
    const wos = await waitFor('both work orders', async () => { const w = await allWorkOrders(); return w.length >= 2 && w }, 15_000)
    expect(wos.map((w) => w.alarmId).sort()).toEqual(alarms.map((a) => a.id).sort())
    for (const screen of screens) {
      await waitFor('alarm events on every screen', () => alarms.every((a) => screen.alarms.some((e) => e.id === a.id)), 10_000)
      await waitFor('work-order events on every screen', () => wos.every((w) => screen.workOrders.some((e) => e.id === w.id)), 10_000)
    }
  })

  it('an acknowledgement through one API process reaches every screen', async () => {
    const { h, last, screens } = t()
    const alarm = (await allAlarms()).find((a) => a.deviceId === 'door-s')!
    const r = await h.api(last, 'POST', `/api/v1/alarms/${alarm.id}/ack`, { note: 'seen on camera' })
    expect(r.status).toBe(200)
    for (const screen of screens) {
      await waitFor('the acked alarm on the screen', () => screen.alarms.some((e) => e.id === alarm.id && e.state === 'acked'), 10_000)
    }
  })

  it('after the worker of site north is killed, the standby takes it over with the message sent meanwhile', async () => {
    const { h, doorN, workerN, workerS, screens, leaseMs } = t()
    await workerN.kill('SIGKILL')
    // Sent while nobody runs north: the broker keeps it in the site's persistent session.
    await doorN.send('telemetry', { tamper: true })
    await waitFor('worker S to take over north', async () => (await h.leaseHolder('north')) === workerS.listening.id, leaseMs * 4)
    const alarms = await waitFor('the tamper alarm', async () => { const a = await allAlarms(); return a.some((x) => x.ruleId === 'AC-04') && a }, 20_000)
    expect(alarms.map((a) => `${a.deviceId}/${a.ruleId}`).sort()).toEqual(['door-n/AC-01', 'door-n/AC-04', 'door-s/AC-01'])
    const tamper = alarms.find((a) => a.ruleId === 'AC-04')!
    // AC-04 needs two skills (DOMAIN.md §3.4): one work order each.
    const wos = await waitFor('its work orders', async () => { const w = await allWorkOrders(); return w.length >= 4 && w }, 15_000)
    expect(wos.filter((w) => w.alarmId === tamper.id).map((w) => w.skill).sort()).toEqual(['LOWVOLT', 'SECURITY'])
    expect(new Set(wos.map((w) => `${w.alarmId}/${w.skill}`)).size).toBe(4)
    for (const screen of screens) {
      await waitFor('the tamper alarm on the screen', () => screen.alarms.some((e) => e.id === tamper.id), 10_000)
    }
    // The forced door keeps working on the new owner: its next event changes the same alarm, no new one.
    await doorN.send('event', { event: 'forced_open', requiredLevel: 3, doorState: 'open' })
    await new Promise((r) => setTimeout(r, 1500))
    expect((await allAlarms()).length).toBe(3)
    expect((await allWorkOrders()).length).toBe(4)
  })

  it('no screen received any event twice, and every screen saw the same stream', () => {
    const { screens } = t()
    for (const screen of screens) {
      expect(screen.alarms.length).toBeGreaterThan(0)
      expect(repeats(screen.alarms)).toEqual([])
      expect(repeats(screen.workOrders)).toEqual([])
    }
    const stream = (s: Screen): string[] => s.alarms.map((a) => JSON.stringify(a)).sort()
    for (const screen of screens.slice(1)) expect(stream(screen)).toEqual(stream(screens[0]!))
  })
}
