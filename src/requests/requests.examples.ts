import type { DecisionResponseDto } from './dto/decision-response.dto';

/**
 * The examples of GET /requests/{id}/decision in the OpenAPI document. Typed as the response DTO,
 * so that a renamed or dropped field fails the build instead of leaving a stale example.
 */
export const DECISION_EXAMPLES: Record<string, { summary: string; value: DecisionResponseDto }> = {
  assigned: {
    summary: 'Assigned by weighted round-robin',
    value: {
      request_id: 42,
      source_id: 1,
      strategy: 'weighted-round-robin',
      trigger: 'intake',
      sticky_operator_id: null,
      sticky: false,
      excluded_operator_ids: [],
      summary: 'weighted-round-robin chose operator 2 (Bob) among 2 eligible of 3 configured.',
      chosen_operator_id: 2,
      operators: [
        {
          operator_id: 1,
          operator_name: 'Ann',
          weight: 1,
          current_load: 0,
          max_load: 10,
          is_active: true,
          eligible: true,
          reason: null,
        },
        {
          operator_id: 2,
          operator_name: 'Bob',
          weight: 3,
          current_load: 4,
          max_load: 10,
          is_active: true,
          eligible: true,
          reason: null,
        },
        {
          operator_id: 3,
          operator_name: 'Cid',
          weight: 2,
          current_load: 1,
          max_load: 5,
          is_active: false,
          eligible: false,
          reason: 'inactive',
        },
      ],
      evidence: {
        total_weight: 4,
        values: [
          { operator_id: 1, weight: 1, before: 0, raised: 1, after: 1 },
          { operator_id: 2, weight: 3, before: 0, raised: 3, after: -1 },
        ],
      },
      claims_lost: [],
      decided_at: '2026-01-27T10:30:00.000Z',
    },
  },
  unassigned: {
    summary: 'Nobody available',
    value: {
      request_id: 43,
      source_id: 1,
      strategy: 'weighted-random',
      trigger: 'intake',
      sticky_operator_id: null,
      sticky: false,
      excluded_operator_ids: [],
      summary: 'No operator available: 2 configured, 1 at_capacity, 1 zero_weight.',
      chosen_operator_id: null,
      operators: [
        {
          operator_id: 1,
          operator_name: 'Ann',
          weight: 1,
          current_load: 10,
          max_load: 10,
          is_active: true,
          eligible: false,
          reason: 'at_capacity',
        },
        {
          operator_id: 2,
          operator_name: 'Bob',
          weight: 0,
          current_load: 0,
          max_load: 10,
          is_active: true,
          eligible: false,
          reason: 'zero_weight',
        },
      ],
      evidence: null,
      claims_lost: [],
      decided_at: '2026-01-27T10:31:00.000Z',
    },
  },
};
