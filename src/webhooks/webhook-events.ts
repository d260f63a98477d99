import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../events/request-event';

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
