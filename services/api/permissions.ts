// The one permission table (CONTRACT.md §3 "Who may do what"): the requirePermission preHandler
// reads it, and the docs render it. Actions of later issues (work orders, emergencies, duty) are
// listed already so the table stays the single place roles are decided.
import type { Permission, Role, User } from '../core/model.js'

const EVERYONE: readonly Role[] = ['admin', 'manager', 'supervisor', 'operator', 'engineer', 'viewer']
const ADMIN: readonly Role[] = ['admin']
const CONTROL_ROOM: readonly Role[] = ['admin', 'manager', 'supervisor', 'operator']
const SUPERVISORS: readonly Role[] = ['admin', 'manager', 'supervisor']
const FIELD: readonly Role[] = ['admin', 'manager', 'supervisor', 'engineer']

export interface PermissionRule {
  roles: readonly Role[]
  /** A per-user permission that grants the action regardless of role. */
  permission?: Permission
  doc: string
}

export const PERMISSION_TABLE = {
  'sites.read': { roles: EVERYONE, doc: 'read sites of their sites' },
  'devices.read': { roles: EVERYONE, doc: 'read devices, live state and telemetry of their sites' },
  'alarms.read': { roles: EVERYONE, doc: 'read alarms of their sites' },
  'rules.read': { roles: EVERYONE, doc: 'read the rule catalog and the rules of their sites' },
  'ingest.read': { roles: EVERYONE, doc: 'read the ingest dead-letter list of their sites' },
  'work-orders.read': { roles: EVERYONE, doc: 'read work orders of their sites' },
  // DOMAIN.md §7.3: masked (token suffix, no subjectRef); the full record needs personal-data.reveal.
  'access-events.read': { roles: EVERYONE, doc: 'read access-door events of their sites, credentials masked' },
  'reports.read': { roles: EVERYONE, doc: 'read the alarm-system KPIs of their sites' },
  // Assigning a work order means picking a person, so the control room may list users.
  'users.read': { roles: CONTROL_ROOM, doc: 'list users' },
  'users.manage': { roles: ADMIN, doc: 'manage users' },
  'sites.manage': { roles: ADMIN, doc: 'register and change sites' },
  'floor-plans.manage': { roles: ADMIN, doc: 'upload and delete floor plans, place devices on them' },
  'devices.manage': { roles: ADMIN, doc: 'register, change, delete devices and rotate their secrets' },
  'rules.manage': { roles: ADMIN, doc: 'change rules of a site or a device' },
  'audit.read': { roles: ADMIN, doc: 'read the audit log' },
  'alarms.ack': { roles: CONTROL_ROOM, doc: 'acknowledge an alarm' },
  'alarms.reset': { roles: CONTROL_ROOM, doc: 'reset (end) a latched alarm' },
  'alarms.out-of-service': { roles: CONTROL_ROOM, doc: 'take an alarm out of service and return it' },
  'alarms.shelve-p3p4': { roles: CONTROL_ROOM, doc: 'shelve a priority 3 or 4 alarm' },
  'alarms.shelve-p2': { roles: SUPERVISORS, doc: 'shelve a priority 2 alarm' },
  'work-orders.create': { roles: CONTROL_ROOM, doc: 'create and assign work orders' },
  'handovers.manage': { roles: CONTROL_ROOM, doc: 'shift handovers' },
  'work-orders.supervise': { roles: SUPERVISORS, doc: 'cancel and verify work orders, record return visits' },
  'emergencies.act': { roles: CONTROL_ROOM, doc: 'mark an emergency contained, residents notified, or escalate it' },
  'emergencies.close': { roles: SUPERVISORS, doc: 'close emergencies' },
  // Issue #7 role matrix: was work-orders.read plus a viewer check inside the handler; now the table decides.
  'work-orders.attach': { roles: ['admin', 'manager', 'supervisor', 'operator', 'engineer'], doc: 'attach photos to work orders of their sites' },
  'work-orders.own': { roles: FIELD, doc: 'accept, reject, arrive, start, hold, resume, complete their own work orders' },
  // Duty (issue #4): anyone who works shifts; viewers watch and do not take work.
  'shifts.own': { roles: ['admin', 'manager', 'supervisor', 'operator', 'engineer'], doc: 'start and end their own shift' },
  'notifications.own': { roles: ['admin', 'manager', 'supervisor', 'operator', 'engineer'], doc: 'read and acknowledge the notifications addressed to them' },
  'personal-data.reveal': { roles: [], permission: 'reveal-personal-data', doc: 'reveal personal data (with a reason, audited)' },
} as const satisfies Record<string, PermissionRule>

export type Action = keyof typeof PERMISSION_TABLE

export function isAllowed(user: Pick<User, 'role' | 'permissions'>, action: Action): boolean {
  const rule: PermissionRule = PERMISSION_TABLE[action]
  if (rule.roles.includes(user.role)) return true
  return rule.permission !== undefined && user.permissions.includes(rule.permission)
}

/** Markdown of the table, for the OpenAPI description and the README. */
export function permissionTableMarkdown(): string {
  const roles: Role[] = ['admin', 'manager', 'supervisor', 'operator', 'engineer', 'viewer']
  const head = `| action | ${roles.join(' | ')} |\n| --- |${roles.map(() => ' --- |').join('')}`
  const rows = Object.entries(PERMISSION_TABLE).map(([action, r]: [string, PermissionRule]) => {
    const cells = roles.map((role) => (r.roles.includes(role) ? '✔' : r.permission ? `with \`${r.permission}\`` : '✖'))
    return `| \`${action}\`: ${r.doc} | ${cells.join(' | ')} |`
  })
  return [head, ...rows].join('\n')
}
