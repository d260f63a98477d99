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

  @ApiProperty({ type: 'integer', example: 0 })
  unassigned_requests: number;

  @ApiProperty({ type: OperatorStatsDto, isArray: true })
  operators: OperatorStatsDto[];
}
