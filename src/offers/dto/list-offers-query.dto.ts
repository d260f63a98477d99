import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.dto';
import { IsOptionalIdFilter } from '../../common/validation';
import { OFFER_STATUSES, type OfferStatus } from '../offer';

export class ListOffersQueryDto extends PaginationQueryDto {
  @IsOptionalIdFilter()
  operator_id?: number;

  @IsOptionalIdFilter()
  request_id?: number;

  @ApiPropertyOptional({ enum: OFFER_STATUSES, example: 'pending' })
  @IsOptional()
  @IsIn(OFFER_STATUSES, { message: `status must be one of: ${OFFER_STATUSES.join(', ')}` })
  status?: OfferStatus;
}
