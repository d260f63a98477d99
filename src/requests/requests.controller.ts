import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { principalOf } from '../auth/principal';
import { IntakeAllowed, OperatorAllowed } from '../auth/public.decorator';
import { hashBody } from '../idempotency/body-hash';
import { PaginationQueryDto } from '../common/pagination.dto';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { LeadsService } from '../leads/leads.service';
import { CreateRequestDto } from './dto/create-request.dto';
import { DecisionResponseDto } from './dto/decision-response.dto';
import { ListRequestsQueryDto } from './dto/list-requests-query.dto';
import { RequestResponseDto } from './dto/request-response.dto';
import { UpdateStatusDto } from './dto/update-status.dto';
import { AssignRequestDto } from './dto/assign-request.dto';
import { RequestEventResponseDto } from './dto/request-event-response.dto';
import { DistributionStatsService } from './distribution-stats.service';
import {
  ApiAssignRequest,
  ApiCreateRequest,
  ApiDistributionStats,
  ApiGetDecision,
  ApiGetRequest,
  ApiLeadsWithRequests,
  ApiListRequests,
  ApiReassignRequest,
  ApiRequestHistory,
  ApiUpdateStatus,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  STATUS_REQUIRED,
} from './requests.docs';
import { RequestsService } from './requests.service';

export { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from './requests.docs';

@ApiTags('requests')
@Controller('requests')
export class RequestsController {
  constructor(
    private readonly requests: RequestsService,
    private readonly leads: LeadsService,
    private readonly stats: DistributionStatsService,
  ) {}

  @Post()
  @IntakeAllowed()
  @ApiCreateRequest()
  async create(
    @Body() dto: CreateRequestDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RequestResponseDto> {
    const principal = principalOf(request);
    if (idempotencyKey === undefined) return this.requests.create(dto, principal);
    if (idempotencyKey.length < 1 || idempotencyKey.length > 255) {
      throw new BadRequestException(`${IDEMPOTENCY_KEY_HEADER} must be 1 to 255 characters`);
    }
    const result = await this.requests.createIdempotent(dto, principal, {
      scope: principal.id,
      key: idempotencyKey,
      // The body as sent (before validation's transformation), so any change is a new body.
      bodyHash: hashBody(request.body),
    });
    if (result.replayed) response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    return result.body;
  }

  @Get()
  @ApiListRequests()
  list(@Query() query: ListRequestsQueryDto) {
    return this.requests.list(query);
  }

  // Static paths are declared before ':id' so that it cannot swallow them.
  @Get('leads/all')
  @ApiLeadsWithRequests()
  leadsWithRequests(@Query() query: PaginationQueryDto) {
    return this.leads.list(query);
  }

  @Get('distribution/stats')
  @ApiDistributionStats()
  distributionStats(@Query() query: PaginationQueryDto) {
    return this.stats.stats(query);
  }

  @Get(':id/decision')
  @ApiGetDecision()
  decision(@Param('id', PositiveIntPipe) id: number): Promise<DecisionResponseDto> {
    return this.requests.decision(id);
  }

  @Get(':id/events')
  @OperatorAllowed()
  @ApiRequestHistory()
  history(
    @Param('id', PositiveIntPipe) id: number,
    @Req() request: Request,
  ): Promise<RequestEventResponseDto[]> {
    return this.requests.history(id, principalOf(request));
  }

  @Post(':id/assign')
  @HttpCode(200)
  @ApiAssignRequest()
  assign(
    @Param('id', PositiveIntPipe) id: number,
    @Body() dto: AssignRequestDto,
  ): Promise<RequestResponseDto> {
    return this.requests.assign(id, dto.operator_id);
  }

  @Post(':id/reassign')
  @HttpCode(200)
  @ApiReassignRequest()
  reassign(@Param('id', PositiveIntPipe) id: number): Promise<RequestResponseDto> {
    return this.requests.reassign(id);
  }

  @Get(':id')
  @OperatorAllowed()
  @ApiGetRequest()
  get(
    @Param('id', PositiveIntPipe) id: number,
    @Req() request: Request,
  ): Promise<RequestResponseDto> {
    return this.requests.get(id, principalOf(request));
  }

  @Patch(':id/status')
  @OperatorAllowed()
  @ApiUpdateStatus()
  updateStatus(
    @Param('id', PositiveIntPipe) id: number,
    @Query() query: UpdateStatusDto,
    @Body() body: UpdateStatusDto,
    @Req() request: Request,
  ): Promise<RequestResponseDto> {
    const status = query.status ?? body.status;
    if (!status) {
      throw new BadRequestException(STATUS_REQUIRED);
    }
    if (query.status && body.status && query.status !== body.status) {
      throw new BadRequestException('status in the query and in the body disagree');
    }
    return this.requests.updateStatus(id, status, principalOf(request));
  }
}
