import type { RequestEventType } from './request-event';

export interface ReplayedState {
  status: 'active' | 'closed';
  operatorId: number | null;
}

export interface ReplayableEvent {
  type: RequestEventType;
  operatorId: number | null;
}

/**
 * A request's state from its history alone: what GET /requests/{id}/events promises. `created`
 * starts it active with nobody, assignments set the operator, `waiting` clears it, `closed` and
 * `reopened` change the status (a reopened request is back with the event's operator, or none).
 */
export function replay(events: readonly ReplayableEvent[]): ReplayedState | null {
  let state: ReplayedState | null = null;
  for (const event of events) {
    if (event.type === 'created') {
      state = { status: 'active', operatorId: null };
      continue;
    }
    if (!state) throw new Error(`history starts with ${event.type}, not created`);
    switch (event.type) {
      case 'assigned':
      case 'reassigned':
        state = { ...state, operatorId: event.operatorId };
        break;
      case 'waiting':
        state = { ...state, operatorId: null };
        break;
      case 'closed':
        state = { ...state, status: 'closed' };
        break;
      case 'reopened':
        state = { status: 'active', operatorId: event.operatorId };
        break;
      case 'relaxed':
      case 'offered':
      case 'offer_declined':
      case 'offer_expired':
      case 'offer_withdrawn':
        // What the request requires, or who is asked to take it, not who holds it: an offer is
        // not an assignment until it is accepted (`assigned`, trigger `offer`).
        break;
    }
  }
  return state;
}
