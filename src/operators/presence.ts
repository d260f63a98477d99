/** An operator's own state; only `available` operators get new work. */
export const PRESENCES = ['available', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

/** A change in an operator's own history (GET /operators/{id}/events). */
export const OPERATOR_EVENT_TYPES = [
  'presence_changed',
  'activated',
  'deactivated',
  'shift_started',
  'shift_ended',
] as const;
export type OperatorEventType = (typeof OPERATOR_EVENT_TYPES)[number];

/**
 * Who made an operator change: a person with an admin key, the service (shift changes), or the
 * operator itself with its own key.
 */
export const OPERATOR_EVENT_ACTORS = ['admin', 'system', 'operator'] as const;
export type OperatorEventActor = (typeof OPERATOR_EVENT_ACTORS)[number];
