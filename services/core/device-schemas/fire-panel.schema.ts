// Fire alarm control panel (FACP 火災報警控制器) payloads. DOMAIN.md §2 fixes only the fire signal
// (`{"event":"fire","zone":"Z3","state":"active|cleared"}`); the rest is our definition, kept to what
// linkage supervision needs (we display FACP signals, we never replace the fire control room):
//   telemetry: mains (bool, mains supply present), battery (ok|low|fault), fault (bool, any panel fault)
//   events:    fire {zone, state: active|cleared}   a zone's fire signal; zone matches devices' location.zone
//              fault {active, code?}                 a panel fault raised or cleared, with the panel's own code
//              reset {}                              the panel was reset: every zone's fire signal is cleared
import { bool, idStr, oneOf, required, str, type DeviceSchema } from './field-spec.js'

export const FIRE_PANEL_BATTERY = ['ok', 'low', 'fault'] as const
export const FIRE_STATES = ['active', 'cleared'] as const
export const FIRE_PANEL_EVENTS = ['fire', 'fault', 'reset'] as const

export const firePanelSchema: DeviceSchema = {
  telemetry: {
    mains: bool,
    battery: oneOf(FIRE_PANEL_BATTERY),
    fault: bool,
  },
  events: {
    // The zone becomes part of a state key (`fire.Z3`), hence the id pattern.
    fire: { fields: { zone: required(idStr), state: required(oneOf(FIRE_STATES)) } },
    fault: { fields: { active: required(bool), code: str(32) } },
    reset: { fields: {} },
  },
}
