import { WEBHOOK_EVENT_TYPES } from '../events/request-event';
import {
  ALL_EVENTS_MASK,
  eventBit,
  eventMask,
  eventTypes,
  subscriptionWants,
} from './webhook-events';

describe('webhook event masks', () => {
  it('round-trips a set of event types through a mask', () => {
    const mask = eventMask(['request.assigned', 'request.closed']);
    expect(eventTypes(mask)).toEqual(['request.assigned', 'request.closed']);
    expect(eventTypes(0)).toEqual([]);
  });

  it('reads "all" as every type, those added later included', () => {
    expect(eventTypes(ALL_EVENTS_MASK)).toEqual([...WEBHOOK_EVENT_TYPES]);
    // A type appended later gets the next bit (up to bit 30): "all" has it already.
    const later = 1 << 30;
    expect(subscriptionWants({ eventMask: ALL_EVENTS_MASK, sourceId: null }, later, 1)).toBe(true);
    // A list naming every type of today does not.
    const everyTypeToday = eventMask(WEBHOOK_EVENT_TYPES);
    expect(subscriptionWants({ eventMask: everyTypeToday, sourceId: null }, later, 1)).toBe(false);
  });
});

describe('subscriptionWants', () => {
  const assigned = eventBit('request.assigned');
  const created = eventBit('request.created');

  it('takes an event whose type is in the mask, from any source when none is set', () => {
    const subscription = { eventMask: eventMask(['request.assigned']), sourceId: null };
    expect(subscriptionWants(subscription, assigned, 1)).toBe(true);
    expect(subscriptionWants(subscription, assigned, 2)).toBe(true);
    expect(subscriptionWants(subscription, created, 1)).toBe(false);
  });

  it('takes only its own source when one is set', () => {
    const subscription = { eventMask: eventMask(['request.assigned']), sourceId: 7 };
    expect(subscriptionWants(subscription, assigned, 7)).toBe(true);
    expect(subscriptionWants(subscription, assigned, 8)).toBe(false);
  });
});
