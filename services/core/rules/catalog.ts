// The rule catalog (DOMAIN.md §3, plus the offline supervision it leaves out): every rule as data,
// grouped by device type.
import { ACCESS_DOOR_RULES, FIRE_DOOR_RULES } from './catalog/door.rules.js'
import { ELEVATOR_RULES } from './catalog/elevator.rules.js'
import { PUMP_RULES } from './catalog/pump.rules.js'
import { SUPERVISION_RULES } from './catalog/supervision.rules.js'
import type { RuleDefinition } from './rule-definition.js'
import type { DeviceType } from '../device-types.js'

export const RULE_CATALOG: readonly RuleDefinition[] = Object.freeze([...ELEVATOR_RULES, ...PUMP_RULES, ...FIRE_DOOR_RULES, ...ACCESS_DOOR_RULES, ...SUPERVISION_RULES])

const byId = new Map(RULE_CATALOG.map((r) => [r.id, r]))
const byType = new Map<DeviceType, RuleDefinition[]>()
for (const r of RULE_CATALOG) byType.set(r.deviceType, [...(byType.get(r.deviceType) ?? []), r])

export const ruleById = (id: string): RuleDefinition | undefined => byId.get(id)
export const rulesFor = (type: DeviceType): readonly RuleDefinition[] => byType.get(type) ?? []
