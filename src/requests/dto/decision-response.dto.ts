import { ApiProperty } from '@nestjs/swagger';
import type { IneligibilityReason } from '../../distribution/eligibility';

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

  @ApiProperty({ type: 'integer', example: 10 })
  max_load: number;

  @ApiProperty({ example: true })
  is_active: boolean;

  @ApiProperty({ example: true })
  eligible: boolean;

  @ApiProperty({
    // null is listed too: OpenAPI 3.0 validators check nullable enums against the list.
    enum: ['inactive', 'at_capacity', 'zero_weight', null],
    nullable: true,
    example: null,
    description: 'Why the operator could not take the request; null when eligible',
  })
  reason: IneligibilityReason | null;
}

export class DecisionResponseDto {
  @ApiProperty({ type: 'integer', example: 42 })
  request_id: number;

  @ApiProperty({ type: 'integer', example: 1 })
  source_id: number;

  @ApiProperty({ example: 'weighted-round-robin', description: 'The strategy that decided' })
  strategy: string;

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

  @ApiProperty({ example: '2026-01-27T10:30:00.000Z' })
  decided_at: string;
}
