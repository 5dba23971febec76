// DOMAIN.md §4.2 A8: a latched P1 alarm is reset only once its work order is on site. Tests that
// reset a P1 bring its work orders there first, through the API: assigned (to a field engineer of
// every trade when nobody on shift took it), accepted and checked in by the admin on the engineer's behalf.
import { waitFor } from './devices.js'
import type { TestVigil } from './start-test-vigil.js'

const ENGINEER = 'onsite-engineer'

export async function bringOnSite(v: TestVigil, adminToken: string, alarmId: string): Promise<void> {
  const alarm = await waitFor('the alarm with its work orders', async () => {
    const a = (await v.api('GET', `/api/v1/alarms/${alarmId}`, { token: adminToken })).json as { workOrderIds: string[] }
    return a.workOrderIds.length > 0 ? a : undefined
  })
  for (const id of alarm.workOrderIds) {
    const wo = (await v.api('GET', `/api/v1/work-orders/${id}`, { token: adminToken })).json as { status: string }
    if (wo.status === 'created') {
      await v.api('POST', '/api/v1/users', {
        token: adminToken,
        body: { username: ENGINEER, password: 'onsite-engineer-1', role: 'engineer', displayName: 'On-site engineer', skills: ['ELEVATOR', 'PLUMBING', 'ELECTRICAL', 'FIRE', 'SECURITY', 'LOWVOLT'] },
      })
      await expectOk(v.api('POST', `/api/v1/work-orders/${id}/assign`, { token: adminToken, body: { assignee: ENGINEER } }), 'assign')
    }
    if (['created', 'assigned'].includes(wo.status)) await expectOk(v.api('POST', `/api/v1/work-orders/${id}/accept`, { token: adminToken, body: {} }), 'accept')
    if (['created', 'assigned', 'accepted'].includes(wo.status)) await expectOk(v.api('POST', `/api/v1/work-orders/${id}/arrive`, { token: adminToken, body: { note: 'on site' } }), 'arrive')
  }
}

async function expectOk(p: Promise<{ status: number; text: string }>, what: string): Promise<void> {
  const r = await p
  if (r.status !== 200) throw new Error(`${what}: ${r.status} ${r.text}`)
}
