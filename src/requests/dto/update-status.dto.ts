import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { REQUEST_STATUSES, type RequestStatus } from '../entities/request.entity';

/** `?status=closed` or `{"status": "closed"}`: the same field, from the query or the body. */
export class UpdateStatusDto {
  @ApiPropertyOptional({ enum: REQUEST_STATUSES, example: 'closed' })
  @IsOptional()
  @IsIn(REQUEST_STATUSES, { message: `$property must be one of: ${REQUEST_STATUSES.join(', ')}` })
  status?: RequestStatus;
}
