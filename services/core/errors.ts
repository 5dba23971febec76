// The one error catalog (STYLE.md "Errors and bad input"). Every code a client can see is listed
// here with its HTTP status and a sentence for the docs; tests/unit/errors.test.ts checks that the
// OpenAPI document describes each of them.
export const ERRORS = {
  BAD_REQUEST: { status: 400, doc: 'The request body or query does not match the schema.' },
  VALIDATION_FAILED: { status: 400, doc: 'A value is well-formed but not acceptable (range, unknown name).' },
  UNKNOWN_RULE: { status: 400, doc: 'The rule id is not in the catalog (GET /rules).' },
  UNKNOWN_RULE_PARAM: { status: 400, doc: 'The rule has no parameter of that name.' },
  UNAUTHORIZED: { status: 401, doc: 'No token, or the token is invalid or expired.' },
  INVALID_CREDENTIALS: { status: 401, doc: 'Wrong username or password.' },
  FORBIDDEN: { status: 403, doc: 'Your role may not do this.' },
  NOT_FOUND: { status: 404, doc: 'No such route.' },
  SITE_NOT_FOUND: { status: 404, doc: 'No such site, or not one of yours.' },
  DEVICE_NOT_FOUND: { status: 404, doc: 'No such device, or not in one of your sites.' },
  ACCESS_EVENT_NOT_FOUND: { status: 404, doc: 'No such access event, or not in one of your sites.' },
  USER_NOT_FOUND: { status: 404, doc: 'No such user.' },
  ALARM_NOT_FOUND: { status: 404, doc: 'No such alarm, or not in one of your sites.' },
  SITE_EXISTS: { status: 409, doc: 'A site with that id already exists.' },
  DEVICE_EXISTS: { status: 409, doc: 'A device with that id already exists.' },
  USER_EXISTS: { status: 409, doc: 'A user with that username already exists.' },
  SITE_HAS_DEVICES: { status: 409, doc: 'The site still has devices.' },
  ALARM_TRANSITION_NOT_ALLOWED: { status: 409, doc: "The alarm's state does not allow this action." },
  ALARM_CONDITION_ACTIVE: { status: 409, doc: 'A latched alarm cannot be reset while its condition still holds.' },
  ALARM_NOT_SHELVABLE: { status: 409, doc: 'A priority-1 alarm can never be shelved (DOMAIN.md §4.2 A9).' },
  WORK_ORDER_NOT_FOUND: { status: 404, doc: 'No such work order, or not in one of your sites.' },
  ATTACHMENT_NOT_FOUND: { status: 404, doc: 'No such attachment on this work order.' },
  NOTIFICATION_NOT_FOUND: { status: 404, doc: 'No such notification, or it is not addressed to you.' },
  SHIFT_NOT_FOUND: { status: 404, doc: 'You are not on shift.' },
  WORK_ORDER_TRANSITION_NOT_ALLOWED: { status: 409, doc: "The work order's status does not allow this action (DOMAIN.md §5)." },
  WORK_ORDER_P1_NO_HOLD: { status: 409, doc: 'A priority-1 work order cannot be put on hold (DOMAIN.md §5).' },
  WORK_ORDER_NOT_YOURS: { status: 403, doc: 'Engineers act only on the work orders assigned to them.' },
  WORK_ORDER_PHOTO_REQUIRED: { status: 422, doc: 'Completing a work order needs a result and at least one photo attachment.' },
  ASSIGNEE_NOT_ELIGIBLE: { status: 400, doc: 'The assignee is unknown, cannot carry out work orders, or does not cover the site.' },
  SHIFT_ALREADY_STARTED: { status: 409, doc: 'You are already on shift.' },
  SHIFT_NOT_STARTED: { status: 409, doc: 'You are not on shift, so there is no shift to end.' },
  ALARM_RESET_NEEDS_ON_SITE: { status: 409, doc: 'A latched priority-1 alarm is reset only once its work order is on site or later (DOMAIN.md §4.2 A8).' },
  EMERGENCY_NOT_FOUND: { status: 404, doc: 'No such emergency, or not in one of your sites.' },
  EMERGENCY_TRANSITION_NOT_ALLOWED: { status: 409, doc: "The emergency's stage does not allow this action (close needs contained and residents notified)." },
  HANDOVER_NOT_FOUND: { status: 404, doc: 'No such handover.' },
  HANDOVER_P1_UNACKED: { status: 409, doc: 'A handover is refused while a priority-1 alarm is unacknowledged (DOMAIN.md §7.1).' },
  HANDOVER_TRANSITION_NOT_ALLOWED: { status: 409, doc: 'The handover is already signed, or you are not its incoming operator.' },
  RETURN_VISIT_NOT_FOUND: { status: 404, doc: 'The work order has no return visit yet (it is due once the work order is completed).' },
  RETURN_VISIT_NOT_ALLOWED: { status: 409, doc: 'A return visit is recorded once, on a verified work order.' },
  FLOOR_PLAN_NOT_FOUND: { status: 404, doc: 'That building floor has no floor plan yet (upload one first).' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, doc: 'The upload is not an accepted image (photos: JPEG, PNG, WebP, GIF; floor plans: PNG, JPEG, WebP, never SVG).' },
  PAYLOAD_TOO_LARGE: { status: 413, doc: 'The request body is too large.' },
  RATE_LIMITED: { status: 429, doc: 'Too many requests or failed logins; retry later.' },
  DEPENDENCY_DOWN: { status: 503, doc: 'A dependency (database, telemetry store, broker) is unavailable.' },
  INTERNAL: { status: 500, doc: 'Unexpected failure; the log has the details under the request id.' },
} as const satisfies Record<string, { status: number; doc: string }>

export type ErrorCode = keyof typeof ERRORS

export class AppError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly details: unknown

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.status = ERRORS[code].status
    this.details = details
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError
