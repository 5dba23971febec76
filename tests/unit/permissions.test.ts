// The permission table against CONTRACT.md §3 "Who may do what", row by row.
import { describe, expect, it } from 'vitest'
import { ROLES, type Role } from '../../services/core/model.js'
import { isAllowed, PERMISSION_TABLE, permissionTableMarkdown, type Action } from '../../services/api/permissions.js'

const user = (role: Role, permissions: 'reveal-personal-data'[] = []) => ({ role, permissions })

// [action, roles the contract allows]
const CONTRACT_ROWS: [Action, Role[]][] = [
  ['devices.read', ['admin', 'manager', 'supervisor', 'operator', 'engineer', 'viewer']],
  ['alarms.read', ['admin', 'manager', 'supervisor', 'operator', 'engineer', 'viewer']],
  ['work-orders.read', ['admin', 'manager', 'supervisor', 'operator', 'engineer', 'viewer']],
  ['sites.manage', ['admin']],
  ['devices.manage', ['admin']],
  ['users.manage', ['admin']],
  ['rules.manage', ['admin']],
  ['audit.read', ['admin']],
  ['alarms.ack', ['admin', 'manager', 'supervisor', 'operator']],
  ['alarms.reset', ['admin', 'manager', 'supervisor', 'operator']],
  ['alarms.out-of-service', ['admin', 'manager', 'supervisor', 'operator']],
  ['work-orders.create', ['admin', 'manager', 'supervisor', 'operator']],
  ['handovers.manage', ['admin', 'manager', 'supervisor', 'operator']],
  ['alarms.shelve-p3p4', ['admin', 'manager', 'supervisor', 'operator']],
  ['alarms.shelve-p2', ['admin', 'manager', 'supervisor']],
  ['work-orders.supervise', ['admin', 'manager', 'supervisor']],
  ['emergencies.close', ['admin', 'manager', 'supervisor']],
  ['work-orders.own', ['admin', 'manager', 'supervisor', 'engineer']],
  ['personal-data.reveal', []],
]

describe('permission table', () => {
  const cases = CONTRACT_ROWS.flatMap(([action, allowed]) => ROLES.map((role) => [action, role, allowed.includes(role)] as const))
  it.each(cases)('%s by %s is allowed: %s', (action, role, expected) => {
    expect(isAllowed(user(role), action)).toBe(expected)
  })

  it.each(ROLES)('reveal-personal-data is granted to a %s only by the permission, not the role', (role) => {
    expect(isAllowed(user(role), 'personal-data.reveal')).toBe(false)
    expect(isAllowed(user(role, ['reveal-personal-data']), 'personal-data.reveal')).toBe(true)
  })

  it('a viewer may read but change nothing', () => {
    const writes = (Object.keys(PERMISSION_TABLE) as Action[]).filter((a) => !a.endsWith('.read'))
    expect(writes.filter((a) => isAllowed(user('viewer'), a))).toEqual([])
  })

  it('renders every action into the documented table', () => {
    const md = permissionTableMarkdown()
    for (const action of Object.keys(PERMISSION_TABLE)) expect(md).toContain(`\`${action}\``)
    expect(md.split('\n')).toHaveLength(Object.keys(PERMISSION_TABLE).length + 2)
  })
})
