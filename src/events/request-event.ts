import type { RequestResponseDto } from '../requests/dto/request-response.dto';

/** A state change in a request's history (GET /requests/{id}/events). */
export const REQUEST_EVENT_TYPES = [
  'created',
  'assigned',
  'waiting',
  'reassigned',
  'closed',
  'reopened',
  // Waited past its source's skill fallback: any of the source's operators may take it now.
  'relaxed',
  // Offers (offer sources): made, declined, let expire, withdrawn. An accept is `assigned`.
  'offered',
  'offer_declined',
  'offer_expired',
  'offer_withdrawn',
] as const;
export type RequestEventType = (typeof REQUEST_EVENT_TYPES)[number];

/** What made an assignment happen (also stored in the request's decision). */
// `offer`: an accepted offer, or a new offer after one was declined, expired or withdrawn.
export const ASSIGNMENT_TRIGGERS = [
  'intake',
  'drain',
  'manual',
  'reassign',
  'release',
  'offer',
] as const;
export type AssignmentTrigger = (typeof ASSIGNMENT_TRIGGERS)[number];

// `operator`: the person itself, with its operator key.
export const EVENT_ACTORS = ['admin', 'intake', 'system', 'operator'] as const;
export type EventActor = (typeof EVENT_ACTORS)[number];

/** The names integrations see (webhooks, the console's stream). */
export const WEBHOOK_EVENT_TYPES = [
  'request.created',
  'request.assigned',
  'request.waiting',
  'request.closed',
  'request.reopened',
  // New types go last: a subscription stores its types as bits in this order.
  'request.relaxed',
  'request.offered',
  'request.offer_declined',
  'request.offer_expired',
  'request.offer_withdrawn',
  'operator.presence_changed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const PUBLIC_TYPE: Record<RequestEventType, WebhookEventType> = {
  created: 'request.created',
  assigned: 'request.assigned',
  reassigned: 'request.assigned',
  waiting: 'request.waiting',
  closed: 'request.closed',
  reopened: 'request.reopened',
  relaxed: 'request.relaxed',
  offered: 'request.offered',
  offer_declined: 'request.offer_declined',
  offer_expired: 'request.offer_expired',
  offer_withdrawn: 'request.offer_withdrawn',
};

export function webhookEventType(type: RequestEventType): WebhookEventType {
  return PUBLIC_TYPE[type];
}

/** The body integrations receive for one event (webhooks, SSE). */
export interface PublicEvent {
  id: string;
  type: WebhookEventType;
  created_at: string;
  data: {
    request: RequestResponseDto;
    previous_operator_id: number | null;
    trigger: AssignmentTrigger | null;
  };
}

/** One stored row of request_events, as written in the change's own transaction. */
export interface RequestEventRecord {
  /** request_events.id: the order of events, and the SSE stream's Last-Event-ID. */
  id: number;
  /** `evt_…`: the id integrations see, the same on every delivery of the event. */
  eventId: string;
  requestId: number;
  sourceId: number;
  type: RequestEventType;
  operatorId: number | null;
  previousOperatorId: number | null;
  trigger: AssignmentTrigger | null;
  actor: EventActor;
  /** The request right after the change. */
  request: RequestResponseDto;
  createdAt: Date;
}

export function toPublicEvent(record: Omit<RequestEventRecord, 'id'>): PublicEvent {
  return {
    id: record.eventId,
    type: webhookEventType(record.type),
    created_at: record.createdAt.toISOString(),
    data: {
      request: record.request,
      previous_operator_id: record.previousOperatorId,
      trigger: record.trigger,
    },
  };
}

/**
 * `JSON.stringify(toPublicEvent(record))`, assembled around the request's JSON as it was stored
 * with the event instead of parsing and stringifying the request again (a webhook body per
 * delivery on the intake's event loop). The other members are ids, enum names, numbers and an
 * ISO date, which JSON.stringify writes as they are.
 */
export function publicEventJson(
  record: Pick<
    RequestEventRecord,
    'eventId' | 'type' | 'createdAt' | 'previousOperatorId' | 'trigger'
  >,
  requestJson: string,
): string {
  return (
    `{"id":${JSON.stringify(record.eventId)},"type":"${webhookEventType(record.type)}",` +
    `"created_at":"${record.createdAt.toISOString()}","data":{"request":${requestJson},` +
    `"previous_operator_id":${JSON.stringify(record.previousOperatorId)},` +
    `"trigger":${JSON.stringify(record.trigger)}}}`
  );
}
