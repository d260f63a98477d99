import { ApiProperty } from '@nestjs/swagger';
import { INELIGIBILITY_REASONS, type IneligibilityReason } from '../../distribution/eligibility';
import { ASSIGNMENT_TRIGGERS, type AssignmentTrigger } from '../../events/request-event';

/** An operator configured for the source, as the strategy saw it. */
export class DecisionOperatorDto {
  @ApiProperty({ type: 'integer', example: 2 })
  operator_id: number;

  @ApiProperty({ example: 'Bob' })
  operator_name: string;

  @ApiProperty({ type: 'integer', example: 3 })
  weight: number;

  @ApiProperty({
    type: 'integer',
    example: 4,
    description: 'Load just before the decision (or the simulation)',
  })
  current_load: number;

  @ApiProperty({
    type: 'integer',
    example: 0,
    description: 'Pending offers just before the decision; they hold room as active requests do',
  })
  offered_load: number;

  @ApiProperty({ type: 'integer', example: 10 })
  max_load: number;

  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ example: true })
  eligible: boolean;

  @ApiProperty({
    // null is listed too: OpenAPI 3.0 validators check nullable enums against the list.
    enum: [...INELIGIBILITY_REASONS, null],
    nullable: true,
    example: null,
    description: 'Why the operator could not take the request; null when eligible',
  })
  reason: IneligibilityReason | null;

  @ApiProperty({
    type: [String],
    example: [],
    description:
      "The request's skills this operator lacks (reason missing_skills); empty once the " +
      'request is relaxed. On a manual assign, what the person overrode',
  })
  missing_skills: string[];
}

export class DecisionResponseDto {
  @ApiProperty({ type: 'integer', example: 42 })
  request_id: number;

  @ApiProperty({ type: 'integer', example: 1 })
  source_id: number;

  @ApiProperty({
    example: 'weighted-round-robin',
    description: 'The strategy that decided (`manual` when a person chose the operator)',
  })
  strategy: string;

  @ApiProperty({
    enum: ASSIGNMENT_TRIGGERS,
    example: 'intake',
    description:
      'What made this assignment happen: intake (on arrival), drain (room freed up while it ' +
      'waited), manual, reassign, release. Requests decided before triggers existed show intake.',
  })
  trigger: AssignmentTrigger;

  @ApiProperty({
    example: null,
    nullable: true,
    type: 'integer',
    description: 'Sticky source: the operator of the lead’s most recent assigned request there',
  })
  sticky_operator_id: number | null;

  @ApiProperty({ example: false, description: 'True when stickiness, not the strategy, decided' })
  sticky: boolean;

  @ApiProperty({
    type: 'integer',
    isArray: true,
    example: [],
    description: 'Operators left out on purpose (the current one, on a reassignment)',
  })
  excluded_operator_ids: number[];

  @ApiProperty({
    example: 'weighted-round-robin chose operator 2 (Bob) among 2 eligible of 3 configured.',
  })
  summary: string;

  @ApiProperty({
    type: 'integer',
    example: 2,
    nullable: true,
    description: 'null: nobody',
  })
  chosen_operator_id: number | null;

  @ApiProperty({
    type: DecisionOperatorDto,
    isArray: true,
    description: 'Every operator configured for the source, eligible or not',
  })
  operators: DecisionOperatorDto[];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'The strategy’s own evidence; null when nobody was eligible. weighted-random: ' +
      '`random_draw`, `total_weight`, `point`, `probabilities[{operator_id, probability}]`. ' +
      'weighted-round-robin: `total_weight`, `values[{operator_id, weight, before, raised, after}]`. ' +
      'weighted-least-loaded: `scores[{operator_id, current_load, weight, score}]`.',
    example: {
      total_weight: 4,
      values: [
        { operator_id: 1, weight: 1, before: 0, raised: 1, after: 1 },
        { operator_id: 2, weight: 3, before: 0, raised: 3, after: -1 },
      ],
    },
  })
  evidence: Record<string, unknown> | null;

  @ApiProperty({
    type: 'integer',
    isArray: true,
    example: [],
    description: 'Operators picked first whose last unit another transaction took meanwhile',
  })
  claims_lost: number[];

  @ApiProperty({
    type: [String],
    example: ['de'],
    description: "The request's skills: its source's required skills and its own",
  })
  required_skills: string[];

  @ApiProperty({
    example: false,
    description: "true when the request had waited past its source's skill fallback",
  })
  skills_relaxed: boolean;

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z' })
  decided_at: string;
}
