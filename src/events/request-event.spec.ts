import type { RequestResponseDto } from '../requests/dto/request-response.dto';
import {
  ASSIGNMENT_TRIGGERS,
  publicEventJson,
  REQUEST_EVENT_TYPES,
  type RequestEventRecord,
  toPublicEvent,
} from './request-event';

const request: RequestResponseDto = {
  id: 7,
  lead_id: 3,
  source_id: 2,
  operator_id: null,
  operator_name: null,
  status: 'active',
  message: 'Hello "world" \\ \u2028 — ünïcode\n',
  created_at: '2026-11-26T10:00:00.000Z',
  assigned_at: null,
  updated_at: '2026-11-26T10:00:01.250Z',
  skills: [],
  priority: 0,
  skills_relaxed: false,
  pending_offer: null,
  effective_priority: 0,
};

function record(overrides: Partial<RequestEventRecord>): RequestEventRecord {
  return {
    id: 1,
    eventId: 'evt_01JDX4Z5Q8W7V6T5R4P3N2M1K0',
    requestId: 7,
    sourceId: 2,
    type: 'created',
    operatorId: null,
    previousOperatorId: null,
    trigger: null,
    actor: 'intake',
    request,
    createdAt: new Date('2026-11-26T10:00:01.250Z'),
    ...overrides,
  };
}

describe('publicEventJson', () => {
  const cases: RequestEventRecord[] = [
    ...REQUEST_EVENT_TYPES.map((type) => record({ type })),
    ...ASSIGNMENT_TRIGGERS.map((trigger, i) =>
      record({
        type: 'assigned',
        trigger,
        previousOperatorId: i % 2 === 0 ? null : 40 + i,
        request: { ...request, operator_id: 5, operator_name: 'Ann', status: 'active' },
      }),
    ),
  ];

  it.each(cases.map((c) => [`${c.type}, trigger ${c.trigger}`, c] as const))(
    'is JSON.stringify(toPublicEvent(record)) for %s',
    (_label, event) => {
      expect(publicEventJson(event, JSON.stringify(event.request))).toBe(
        JSON.stringify(toPublicEvent(event)),
      );
    },
  );
});
