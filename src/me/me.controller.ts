import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentOperatorId } from '../auth/current-operator.decorator';
import { OperatorOnly } from '../auth/public.decorator';
import { PaginationQueryDto } from '../common/pagination.dto';
import { OperatorResponseDto } from '../operators/dto/operator-response.dto';
import { OperatorsService } from '../operators/operators.service';
import { ListRequestsQueryDto } from '../requests/dto/list-requests-query.dto';
import { RequestsService } from '../requests/requests.service';
import { ApiGetMe, ApiMyRequests } from './me.docs';

/** The person's own desk: what its operator key may read about itself. */
@ApiTags('me')
@OperatorOnly()
@Controller('me')
export class MeController {
  constructor(
    private readonly operators: OperatorsService,
    private readonly requests: RequestsService,
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

  // TODO(offers): GET /me/offers, the caller's pending offers, once the offers module exists.
}
