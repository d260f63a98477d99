import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
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
}
