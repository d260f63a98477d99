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
