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
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { principalOf } from '../auth/principal';
import { IntakeAllowed } from '../auth/public.decorator';
import { ApiErrors, ApiPaginatedList, ErrorResponseDto } from '../common/api-docs';
import { hashBody } from '../idempotency/body-hash';
import { PaginationQueryDto } from '../common/pagination.dto';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { LeadResponseDto } from '../leads/dto/lead-response.dto';
import { LeadsService } from '../leads/leads.service';
import { CreateRequestDto } from './dto/create-request.dto';
import { DecisionResponseDto } from './dto/decision-response.dto';
import { SourceStatsDto } from './dto/distribution-stats.dto';
import { ListRequestsQueryDto } from './dto/list-requests-query.dto';
import { RequestResponseDto } from './dto/request-response.dto';
import { UpdateStatusDto } from './dto/update-status.dto';
import { AssignRequestDto } from './dto/assign-request.dto';
import { RequestEventResponseDto } from './dto/request-event-response.dto';
import { DistributionStatsService } from './distribution-stats.service';
import { REQUEST_STATUSES } from './entities/request.entity';
import { RequestsService } from './requests.service';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

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
  @ApiOperation({
    summary: 'Register a request and assign it to an operator',
    description:
      'Finds the lead by lead_external_id or creates it, then picks an operator among those ' +
      'configured for the source with weight > 0, active and below max_load, by the source’s ' +
      'strategy. When nobody is available the request is stored with operator_id null (still 201). ' +
      'An intake key of the source may call this route, for its own source only. ' +
      'With an Idempotency-Key, a retry with the same key and body returns the stored response ' +
      '(with Idempotent-Replayed: true) instead of creating another request; keys are kept per ' +
      'caller for IDEMPOTENCY_TTL_HOURS. A failed attempt (4xx/5xx) is not stored: the key can ' +
      'be retried with a corrected body.',
  })
  @ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description: '1..255 characters, unique per logical request (a UUID)',
    example: '4f7c2a8e-3b1d-4c5e-9a6f-0d2b8e1c7a95',
  })
  @ApiCreatedResponse({
    type: RequestResponseDto,
    headers: {
      [IDEMPOTENT_REPLAYED_HEADER]: {
        description: '`true` when this is the stored response of an earlier request with the key',
        schema: { type: 'string', example: 'true' },
      },
    },
  })
  @ApiErrors('badRequest', 'notFound', 'payloadTooLarge')
  @ApiConflictResponse({
    description: 'A request with the same Idempotency-Key is still in flight',
    type: ErrorResponseDto,
    example: {
      statusCode: 409,
      error: 'Conflict',
      message: 'a request with this Idempotency-Key is still being processed; retry later',
    },
  })
  @ApiUnprocessableEntityResponse({
    description: 'The Idempotency-Key was used with a different body',
    type: ErrorResponseDto,
    example: {
      statusCode: 422,
      error: 'Unprocessable Entity',
      message: 'this Idempotency-Key was already used with a different body',
    },
  })
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
  @ApiOperation({ summary: 'List requests, by id, optionally filtered' })
  @ApiPaginatedList(RequestResponseDto, 'Requests matching every given filter')
  list(@Query() query: ListRequestsQueryDto) {
    return this.requests.list(query);
  }

  // Static paths are declared before ':id' so that it cannot swallow them.
  @Get('leads/all')
  @ApiOperation({ summary: 'List leads with their requests from every source' })
  @ApiPaginatedList(LeadResponseDto, 'Leads, by id, each with its requests')
  leadsWithRequests(@Query() query: PaginationQueryDto) {
    return this.leads.list(query);
  }

  @Get('distribution/stats')
  @ApiOperation({ summary: 'How each source’s requests are spread over its operators' })
  @ApiPaginatedList(SourceStatsDto, 'One entry per source, by source id')
  distributionStats(@Query() query: PaginationQueryDto) {
    return this.stats.stats(query);
  }

  @Get(':id/decision')
  @ApiOperation({
    summary: 'Why the request went to its operator (or to nobody)',
    description:
      'The decision recorded with the request: the strategy, every operator configured for the ' +
      'source with its weight, load, capacity and eligibility (reason `inactive`, `at_capacity` ' +
      'or `zero_weight` when not eligible), the chosen operator, and the strategy’s evidence.',
  })
  @ApiOkResponse({
    type: DecisionResponseDto,
    examples: {
      assigned: {
        summary: 'Assigned by weighted round-robin',
        value: {
          request_id: 42,
          source_id: 1,
          strategy: 'weighted-round-robin',
          summary: 'weighted-round-robin chose operator 2 (Bob) among 2 eligible of 3 configured.',
          chosen_operator_id: 2,
          operators: [
            {
              operator_id: 1,
              operator_name: 'Ann',
              weight: 1,
              current_load: 0,
              max_load: 10,
              is_active: true,
              eligible: true,
              reason: null,
            },
            {
              operator_id: 2,
              operator_name: 'Bob',
              weight: 3,
              current_load: 4,
              max_load: 10,
              is_active: true,
              eligible: true,
              reason: null,
            },
            {
              operator_id: 3,
              operator_name: 'Cid',
              weight: 2,
              current_load: 1,
              max_load: 5,
              is_active: false,
              eligible: false,
              reason: 'inactive',
            },
          ],
          evidence: {
            total_weight: 4,
            values: [
              { operator_id: 1, weight: 1, before: 0, raised: 1, after: 1 },
              { operator_id: 2, weight: 3, before: 0, raised: 3, after: -1 },
            ],
          },
          claims_lost: [],
          decided_at: '2026-01-27T10:30:00.000Z',
        },
      },
      unassigned: {
        summary: 'Nobody available',
        value: {
          request_id: 43,
          source_id: 1,
          strategy: 'weighted-random',
          summary: 'No operator available: 2 configured, 1 at_capacity, 1 zero_weight.',
          chosen_operator_id: null,
          operators: [
            {
              operator_id: 1,
              operator_name: 'Ann',
              weight: 1,
              current_load: 10,
              max_load: 10,
              is_active: true,
              eligible: false,
              reason: 'at_capacity',
            },
            {
              operator_id: 2,
              operator_name: 'Bob',
              weight: 0,
              current_load: 0,
              max_load: 10,
              is_active: true,
              eligible: false,
              reason: 'zero_weight',
            },
          ],
          evidence: null,
          claims_lost: [],
          decided_at: '2026-01-27T10:31:00.000Z',
        },
      },
    },
  })
  @ApiErrors('badRequest', 'notFound')
  decision(@Param('id', PositiveIntPipe) id: number): Promise<DecisionResponseDto> {
    return this.requests.decision(id);
  }

  @Get(':id/events')
  @ApiOperation({
    summary: 'The request’s history: every state change, oldest first',
    description:
      'Each change is written in the transaction that made it. Replaying the events gives the ' +
      'current state: created (active, no operator), assigned/reassigned (operator_id), waiting ' +
      '(no operator), closed, reopened (active, operator_id).',
  })
  @ApiOkResponse({ type: RequestEventResponseDto, isArray: true })
  @ApiErrors('badRequest', 'notFound')
  history(@Param('id', PositiveIntPipe) id: number): Promise<RequestEventResponseDto[]> {
    return this.requests.history(id);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Assign a waiting request to an operator, or move an active one there',
    description:
      'A person decides: the operator need not be configured for the source, but must be active ' +
      'and below max_load. Moving frees a unit of the previous operator, which drains waiting ' +
      'work at once. Assigning to the current operator changes nothing.',
  })
  @ApiOkResponse({ type: RequestResponseDto })
  @ApiErrors('badRequest', 'notFound')
  @ApiConflictResponse({
    description: 'The request is closed, or the operator is inactive or at capacity',
    type: ErrorResponseDto,
    example: { statusCode: 409, error: 'Conflict', message: 'operator 7 is at capacity (10/10)' },
  })
  assign(
    @Param('id', PositiveIntPipe) id: number,
    @Body() dto: AssignRequestDto,
  ): Promise<RequestResponseDto> {
    return this.requests.assign(id, dto.operator_id);
  }

  @Post(':id/reassign')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move an active request to another operator chosen by its source’s rules',
    description:
      'The current operator is excluded; its unit is freed and drains waiting work. Nothing ' +
      'changes (409) when nobody else is eligible.',
  })
  @ApiOkResponse({ type: RequestResponseDto })
  @ApiErrors('badRequest', 'notFound')
  @ApiConflictResponse({
    description: 'The request is closed or waiting, or no other operator is eligible',
    type: ErrorResponseDto,
    example: {
      statusCode: 409,
      error: 'Conflict',
      message: 'no other operator of source 1 can take request 42 now',
    },
  })
  reassign(@Param('id', PositiveIntPipe) id: number): Promise<RequestResponseDto> {
    return this.requests.reassign(id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a request' })
  @ApiOkResponse({ type: RequestResponseDto })
  @ApiErrors('badRequest', 'notFound')
  get(@Param('id', PositiveIntPipe) id: number): Promise<RequestResponseDto> {
    return this.requests.get(id);
  }

  @Patch(':id/status')
  @ApiOperation({
    summary: 'Close or reopen a request',
    description:
      'Status from the query (`?status=closed`) or the body (`{"status": "closed"}`). Closing frees ' +
      'one unit of the operator’s load; closing a closed request changes nothing. Reopening counts ' +
      'toward the operator’s load again and is refused with 409 when the operator is at capacity.',
  })
  @ApiQuery({ name: 'status', enum: REQUEST_STATUSES, required: false })
  @ApiBody({ type: UpdateStatusDto, required: false })
  @ApiOkResponse({ type: RequestResponseDto })
  @ApiErrors('badRequest', 'notFound', 'conflict')
  updateStatus(
    @Param('id', PositiveIntPipe) id: number,
    @Query() query: UpdateStatusDto,
    @Body() body: UpdateStatusDto,
  ): Promise<RequestResponseDto> {
    const status = query.status ?? body.status;
    if (!status) {
      throw new BadRequestException(`status must be one of: ${REQUEST_STATUSES.join(', ')}`);
    }
    if (query.status && body.status && query.status !== body.status) {
      throw new BadRequestException('status in the query and in the body disagree');
    }
    return this.requests.updateStatus(id, status);
  }
}
