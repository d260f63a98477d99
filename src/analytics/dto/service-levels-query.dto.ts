import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Max, Min } from 'class-validator';
import { IsOptionalIdFilter } from '../../common/validation';
import type { BucketSize } from '../service-levels.repository';

export const BUCKET_SIZES: readonly BucketSize[] = ['hour', 'day'];
export const DEFAULT_TARGET_ANSWER_SECONDS = 60;
export const MAX_TARGET_ANSWER_SECONDS = 604_800;

const instant = (what: string) =>
  `ISO 8601 date or date-time; without an offset it is read as UTC. ${what}`;

export class ServiceLevelsQueryDto {
  @IsOptionalIdFilter()
  source_id?: number;

  @ApiPropertyOptional({
    example: '2026-01-20T00:00:00Z',
    description: instant('Default: 7 days before `to`. Rounded down to a bucket boundary (UTC).'),
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: '$property must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-01-27T00:00:00Z',
    description: instant('Default: now. Rounded up to a bucket boundary (UTC).'),
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: '$property must be an ISO 8601 date or date-time' })
  to?: string;

  @ApiPropertyOptional({
    enum: BUCKET_SIZES,
    default: 'hour',
    example: 'hour',
    description: 'Bucket length; days are UTC days',
  })
  @IsOptional()
  @IsIn(BUCKET_SIZES)
  bucket?: BucketSize;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_TARGET_ANSWER_SECONDS,
    default: DEFAULT_TARGET_ANSWER_SECONDS,
    example: DEFAULT_TARGET_ANSWER_SECONDS,
    description: 'A request assigned within this many seconds of its creation is answered in time',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_TARGET_ANSWER_SECONDS)
  target_answer_seconds?: number;
}
