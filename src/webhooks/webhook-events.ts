import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../events/request-event';

/**
 * "All events" as a subscription stores it: every bit set, so types added to WEBHOOK_EVENT_TYPES
 * later reach it too (a mask of the types of its day would never get them). A list, even one
 * naming every type there is, stays that list.
 */
export const ALL_EVENTS_MASK = -1;

/** The event types as a subscription stores them: bit i is WEBHOOK_EVENT_TYPES[i]. */
export function eventMask(types: readonly WebhookEventType[]): number {
  return types.reduce((mask, type) => mask | eventBit(type), 0);
}

export function eventBit(type: WebhookEventType): number {
  return 1 << WEBHOOK_EVENT_TYPES.indexOf(type);
}

export function eventTypes(mask: number): WebhookEventType[] {
  return WEBHOOK_EVENT_TYPES.filter((type) => (mask & eventBit(type)) !== 0);
}

/**
 * Whether a subscription gets an event: its type's bit is in the mask, and the subscription is
 * for every source or for the event's (the SQL of PostgreSQL's outbox insert says the same).
 */
export function subscriptionWants(
  subscription: { eventMask: number; sourceId: number | null },
  bit: number,
  sourceId: number,
): boolean {
  return (
    (subscription.eventMask & bit) !== 0 &&
    (subscription.sourceId === null || subscription.sourceId === sourceId)
  );
}
