import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, ApiPaginatedList } from '../common/api-docs';
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
import { DistributionStatsService } from './distribution-stats.service';
import { REQUEST_STATUSES } from './entities/request.entity';
import { RequestsService } from './requests.service';

@ApiTags('requests')
@Controller('requests')
export class RequestsController {
  constructor(
    private readonly requests: RequestsService,
    private readonly leads: LeadsService,
    private readonly stats: DistributionStatsService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Register a request and assign it to an operator',
    description:
      'Finds the lead by lead_external_id or creates it, then picks an operator among those ' +
      'configured for the source with weight > 0, active and below max_load, by the source’s ' +
      'strategy. When nobody is available the request is stored with operator_id null (still 201).',
  })
  @ApiCreatedResponse({ type: RequestResponseDto })
  @ApiErrors('badRequest', 'notFound', 'payloadTooLarge')
  create(@Body() dto: CreateRequestDto): Promise<RequestResponseDto> {
    return this.requests.create(dto);
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
