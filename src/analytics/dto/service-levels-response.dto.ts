import { ApiProperty } from '@nestjs/swagger';

export class ServiceLevelBucketDto {
  @ApiProperty({ example: '2026-01-27T10:00:00.000Z', description: 'Start of the bucket (UTC)' })
  start: string;

  @ApiProperty({ type: 'integer', example: 42, description: 'Requests created in the bucket' })
  arrivals: number;

  @ApiProperty({
    type: 'integer',
    example: 40,
    description: 'Of those, how many have been assigned (at any time since)',
  })
  assigned: number;

  @ApiProperty({
    type: 'integer',
    example: 2,
    description: 'Of those, how many were closed before any assignment',
  })
  abandoned: number;

  @ApiProperty({
    type: 'integer',
    example: 35,
    description: 'Of those, how many were assigned within target_answer_seconds of creation',
  })
  answered_within_target: number;

  @ApiProperty({
    type: 'number',
    nullable: true,
    example: 0.8333,
    description: 'answered_within_target / arrivals, 4 decimals; null without arrivals',
  })
  service_level: number | null;

  @ApiProperty({
    type: 'number',
    nullable: true,
    example: 4.2,
    description:
      'Median wait (creation → first assignment) of the assigned ones, nearest rank; null ' +
      'when none was assigned. Requests still waiting have no wait yet and are not counted.',
  })
  wait_p50_seconds: number | null;

  @ApiProperty({ type: 'number', nullable: true, example: 75.5, description: '90th percentile' })
  wait_p90_seconds: number | null;

  @ApiProperty({ type: 'number', nullable: true, example: 310.25, description: 'Longest wait' })
  wait_max_seconds: number | null;

  @ApiProperty({
    type: 'number',
    nullable: true,
    example: 540,
    description:
      'Median handle time (first assignment → close) of those closed after assignment; null ' +
      'when none was',
  })
  handle_p50_seconds: number | null;

  @ApiProperty({
    type: 'integer',
    example: 0,
    description: 'Offers made for these requests and accepted (0 on sources without offers)',
  })
  offers_accepted: number;

  @ApiProperty({ type: 'integer', example: 0, description: 'Offers for them declined' })
  offers_declined: number;

  @ApiProperty({ type: 'integer', example: 0, description: 'Offers for them that expired' })
  offers_expired: number;
}

export class ServiceLevelsResponseDto {
  @ApiProperty({ type: 'integer', nullable: true, example: 1, description: 'null: all sources' })
  source_id: number | null;

  @ApiProperty({ enum: ['hour', 'day'], example: 'hour' })
  bucket: 'hour' | 'day';

  @ApiProperty({
    example: '2026-01-20T10:00:00.000Z',
    description: 'Start of the first bucket: `from` rounded down to a bucket boundary',
  })
  from: string;

  @ApiProperty({
    example: '2026-01-27T11:00:00.000Z',
    description: 'End of the last bucket (exclusive): `to` rounded up to a bucket boundary',
  })
  to: string;

  @ApiProperty({ type: 'integer', example: 60 })
  target_answer_seconds: number;

  @ApiProperty({
    type: ServiceLevelBucketDto,
    isArray: true,
    description: 'Every bucket from `from` to `to`, in order, empty ones included',
  })
  buckets: ServiceLevelBucketDto[];
}
