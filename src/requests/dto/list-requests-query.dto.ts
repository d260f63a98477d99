import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { SKILL_NAME } from '../../distribution/skills';
import { MAX_PRIORITY } from '../priority';
import { PaginationQueryDto } from '../../common/pagination.dto';
import { IsOptionalIdFilter } from '../../common/validation';
import { REQUEST_STATUSES, type RequestStatus } from '../entities/request.entity';

export class ListRequestsQueryDto extends PaginationQueryDto {
  @IsOptionalIdFilter()
  source_id?: number;

  @IsOptionalIdFilter()
  operator_id?: number;

  @IsOptionalIdFilter()
  lead_id?: number;

  @ApiPropertyOptional({ enum: REQUEST_STATUSES, example: 'active' })
  @IsOptional()
  @IsIn(REQUEST_STATUSES)
  status?: RequestStatus;

  @ApiPropertyOptional({
    type: Boolean,
    example: true,
    description:
      'true: only waiting requests (active, no operator), in the order they drain (effective ' +
      'priority, then oldest); false: all but those',
  })
  @IsOptional()
  // Query strings are text: only "true" and "false" become booleans, anything else is refused.
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'waiting must be true or false' })
  waiting?: boolean;

  @ApiPropertyOptional({
    example: 'de',
    pattern: SKILL_NAME.source,
    description: 'Only requests that need this skill',
  })
  @IsOptional()
  @Matches(SKILL_NAME, { message: 'skill must be a skill name (a-z, 0-9, "_", "." and "-")' })
  skill?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_PRIORITY,
    example: 50,
    description: 'Only requests of exactly this priority',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'priority must be an integer from 0 to 100' })
  @Min(0, { message: 'priority must be an integer from 0 to 100' })
  @Max(MAX_PRIORITY, { message: 'priority must be an integer from 0 to 100' })
  priority?: number;
}
