import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentOperatorId } from '../auth/current-operator.decorator';
import { OperatorOnly } from '../auth/public.decorator';
import { PaginationQueryDto } from '../common/pagination.dto';
import { ListOffersQueryDto } from '../offers/dto/list-offers-query.dto';
import { OffersService } from '../offers/offers.service';
import { OperatorResponseDto } from '../operators/dto/operator-response.dto';
import { OperatorsService } from '../operators/operators.service';
import { ListRequestsQueryDto } from '../requests/dto/list-requests-query.dto';
import { RequestsService } from '../requests/requests.service';
import { ApiGetMe, ApiMyOffers, ApiMyRequests } from './me.docs';

/** The person's own desk: what its operator key may read about itself. */
@ApiTags('me')
@OperatorOnly()
@Controller('me')
export class MeController {
  constructor(
    private readonly operators: OperatorsService,
    private readonly requests: RequestsService,
    private readonly offers: OffersService,
  ) {}

  @Get()
  @ApiGetMe()
  me(@CurrentOperatorId() operatorId: number): Promise<OperatorResponseDto> {
    return this.operators.get(operatorId);
  }

  @Get('requests')
  @ApiMyRequests()
  myRequests(@CurrentOperatorId() operatorId: number, @Query() query: PaginationQueryDto) {
    return this.requests.list(
      Object.assign(new ListRequestsQueryDto(), {
        limit: query.limit,
        offset: query.offset,
        operator_id: operatorId,
        status: 'active',
      }),
    );
  }

  @Get('offers')
  @ApiMyOffers()
  myOffers(@CurrentOperatorId() operatorId: number, @Query() query: PaginationQueryDto) {
    return this.offers.list(
      Object.assign(new ListOffersQueryDto(), {
        limit: query.limit,
        offset: query.offset,
        operator_id: operatorId,
        status: 'pending',
      }),
    );
  }
}
