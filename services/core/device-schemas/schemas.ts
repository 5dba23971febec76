// Every device type's payload specs in one table, for the validator, the rule engine and the
// simulators (DOMAIN.md §3; the status topic is CONTRACT.md §2's `{"online": boolean}`).
import type { DeviceType } from '../device-types.js'
import { accessDoorSchema } from './access-door.schema.js'
import { elevatorSchema } from './elevator.schema.js'
import { bool, required, type DeviceSchema, type FieldSpecs } from './field-spec.js'
import { fireDoorSchema } from './fire-door.schema.js'
import { firePanelSchema } from './fire-panel.schema.js'
import { pumpSchema } from './pump.schema.js'

export const DEVICE_SCHEMAS: Readonly<Record<DeviceType, DeviceSchema>> = Object.freeze({
  elevator: elevatorSchema,
  pump: pumpSchema,
  'fire-door': fireDoorSchema,
  'access-door': accessDoorSchema,
  'fire-panel': firePanelSchema,
})

export const STATUS_FIELDS: FieldSpecs = { online: required(bool) }

/** The event names a device type may publish. */
export const eventNames = (type: DeviceType): string[] => Object.keys(DEVICE_SCHEMAS[type].events)
