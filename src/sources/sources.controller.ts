import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiPaginatedList } from '../common/api-docs';
import { pageOf, PaginationQueryDto } from '../common/pagination.dto';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { DistributionService } from '../distribution/distribution.service';
import { SimulateRequestDto, SimulationResponseDto } from '../distribution/dto/simulation.dto';
import { CreateSourceDto } from './dto/create-source.dto';
import { SourceResponseDto } from './dto/source-response.dto';
import { SourceWeightDto, SourceWeightResponseDto } from './dto/source-weight.dto';
import { UpdateSourceDto } from './dto/update-source.dto';
import { SourcesService } from './sources.service';
import { WeightsArrayPipe } from './weights-array.pipe';

@ApiTags('sources')
@Controller('sources')
export class SourcesController {
  constructor(
    private readonly sources: SourcesService,
    private readonly distribution: DistributionService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a source (a bot, a form, a channel)',
    description:
      '`strategy` (optional) is a name from GET /strategies; absent or null uses the ' +
      'DISTRIBUTION_STRATEGY default. Unknown strategy → 400, taken name → 409.',
  })
  @ApiCreatedResponse({ type: SourceResponseDto })
  @ApiErrors('badRequest', 'conflict', 'payloadTooLarge')
  create(@Body() dto: CreateSourceDto): Promise<SourceResponseDto> {
    return this.sources.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List sources, by id' })
  @ApiPaginatedList(SourceResponseDto, 'Sources')
  list(@Query() query: PaginationQueryDto) {
    return this.sources.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a source' })
  @ApiOkResponse({ type: SourceResponseDto })
  @ApiErrors('badRequest', 'notFound')
  get(@Param('id', PositiveIntPipe) id: number): Promise<SourceResponseDto> {
    return this.sources.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Update a source: name, description, strategy',
    description:
      'Any subset of the fields. `strategy` is a name from GET /strategies, or null for the ' +
      'DISTRIBUTION_STRATEGY default; an unknown name → 400. A taken name → 409. Changing the ' +
      'effective strategy restarts the round-robin sequence.',
  })
  @ApiBody({
    type: UpdateSourceDto,
    examples: {
      roundRobin: { value: { strategy: 'weighted-round-robin' } },
      backToDefault: { value: { strategy: null } },
      rename: { value: { name: 'Telegram Bot (EU)', description: 'European channel' } },
    },
  })
  @ApiOkResponse({ type: SourceResponseDto })
  @ApiErrors('badRequest', 'notFound', 'conflict', 'payloadTooLarge')
  update(
    @Param('id', PositiveIntPipe) id: number,
    @Body() dto: UpdateSourceDto,
  ): Promise<SourceResponseDto> {
    return this.sources.update(id, dto);
  }

  @Post(':id/simulate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'What-if: simulate the source’s distribution without writing anything',
    description:
      'Runs the strategy in memory for `requests` (1..100000) new requests on the current ' +
      'configuration, or on the proposed `weights`, with the operators’ current loads and ' +
      'capacities: each simulated assignment adds to the simulated load and nothing closes, so ' +
      'operators drop out when full. `strategy` tries another strategy than the source’s. ' +
      'Round-robin continues from the stored state for the current weights and starts afresh ' +
      'for proposed ones. Nothing is saved. Unknown source or operator → 404.',
  })
  @ApiBody({
    type: SimulateRequestDto,
    examples: {
      current: { summary: 'The current configuration', value: { requests: 1000 } },
      proposal: {
        summary: 'Proposed weights and strategy',
        value: {
          requests: 1000,
          strategy: 'weighted-round-robin',
          weights: [
            { operator_id: 1, weight: 1 },
            { operator_id: 2, weight: 3 },
          ],
        },
      },
    },
  })
  @ApiOkResponse({
    type: SimulationResponseDto,
    example: {
      source_id: 1,
      strategy: 'weighted-round-robin',
      requests: 1000,
      assigned: 1000,
      unassigned: 0,
      operators: [
        {
          operator_id: 1,
          operator_name: 'Ann',
          weight: 1,
          current_load: 0,
          max_load: 1000,
          is_active: true,
          eligible: true,
          reason: null,
          expected_share: 0.25,
          requests: 250,
          share: 0.25,
        },
        {
          operator_id: 2,
          operator_name: 'Bob',
          weight: 3,
          current_load: 0,
          max_load: 1000,
          is_active: true,
          eligible: true,
          reason: null,
          expected_share: 0.75,
          requests: 750,
          share: 0.75,
        },
      ],
    },
  })
  @ApiErrors('badRequest', 'notFound', 'payloadTooLarge')
  simulate(
    @Param('id', PositiveIntPipe) id: number,
    @Body() dto: SimulateRequestDto,
  ): Promise<SimulationResponseDto> {
    return this.distribution.simulate(id, dto);
  }

  @Post(':id/weights')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the source’s operator weights',
    description:
      'Replaces the whole configuration atomically. Weight 0 keeps the operator configured but ' +
      'never selected; an empty list clears the configuration. Unknown source or operator → 404, ' +
      'the same operator twice → 400; nothing changes on error.',
  })
  @ApiBody({
    type: SourceWeightDto,
    isArray: true,
    examples: {
      threeOperators: {
        value: [
          { operator_id: 1, weight: 10 },
          { operator_id: 2, weight: 30 },
          { operator_id: 3, weight: 60 },
        ],
      },
    },
  })
  @ApiOkResponse({
    type: SourceWeightResponseDto,
    isArray: true,
    description: 'The new configuration',
  })
  @ApiErrors('badRequest', 'notFound', 'payloadTooLarge')
  replaceWeights(
    @Param('id', PositiveIntPipe) id: number,
    @Body(WeightsArrayPipe) weights: SourceWeightDto[],
  ): Promise<SourceWeightResponseDto[]> {
    return this.sources.replaceWeights(id, weights);
  }

  @Get(':id/weights')
  @ApiOperation({ summary: 'Get the source’s operator weights' })
  @ApiPaginatedList(SourceWeightResponseDto, 'The configuration, by operator id')
  @ApiErrors('notFound')
  async getWeights(@Param('id', PositiveIntPipe) id: number, @Query() query: PaginationQueryDto) {
    return pageOf(await this.sources.getWeights(id), query);
  }
}
