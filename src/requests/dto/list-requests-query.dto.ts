import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
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
      'true: only waiting requests (active, no operator), oldest first; false: all but those',
  })
  @IsOptional()
  // Query strings are text: only "true" and "false" become booleans, anything else is refused.
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean({ message: 'waiting must be true or false' })
  waiting?: boolean;
}
