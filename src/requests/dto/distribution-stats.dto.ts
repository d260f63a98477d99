import { ApiProperty } from '@nestjs/swagger';

export class OperatorStatsDto {
  @ApiProperty({ type: 'integer', example: 2 })
  operator_id: number;

  @ApiProperty({ example: 'Bob' })
  operator_name: string;

  @ApiProperty({
    type: 'integer',
    example: 70,
    description: 'Configured weight; 0 when no longer configured',
  })
  weight: number;

  @ApiProperty({
    type: 'integer',
    example: 71,
    description: 'Requests of this source assigned to the operator',
  })
  requests: number;

  @ApiProperty({ type: 'integer', example: 4, description: 'Of those, still active' })
  active_requests: number;

  @ApiProperty({ example: 0.71, description: 'requests / assigned requests of the source' })
  share: number;

  @ApiProperty({ example: 0.7, description: 'weight / sum of the source’s configured weights' })
  expected_share: number;
}

export class SourceStatsDto {
  @ApiProperty({ type: 'integer', example: 1 })
  source_id: number;

  @ApiProperty({ example: 'Telegram Bot' })
  source_name: string;

  @ApiProperty({
    example: 'weighted-round-robin',
    description: 'The strategy the source uses now (its own, or the DISTRIBUTION_STRATEGY default)',
  })
  strategy: string;

  @ApiProperty({ type: 'integer', example: 100 })
  total_requests: number;

  @ApiProperty({
    type: 'integer',
    example: 0,
    description: 'Requests stored without an operator (open or closed)',
  })
  unassigned_requests: number;

  @ApiProperty({
    type: 'integer',
    example: 3,
    description: 'Requests waiting now (active, no operator)',
  })
  waiting_requests: number;

  @ApiProperty({
    example: '2026-01-27T10:30:00.000Z',
    nullable: true,
    type: String,
    description: 'Arrival of the oldest waiting request; null when nothing waits',
  })
  oldest_waiting_at: string | null;

  @ApiProperty({ type: OperatorStatsDto, isArray: true })
  operators: OperatorStatsDto[];
}
