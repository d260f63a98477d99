import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiPaginatedList } from '../common/api-docs';
import { PaginationQueryDto } from '../common/pagination.dto';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { CreateSourceDto } from './dto/create-source.dto';
import { SourceResponseDto } from './dto/source-response.dto';
import { SourceWeightDto, SourceWeightResponseDto } from './dto/source-weight.dto';
import { SourcesService } from './sources.service';
import { WeightsArrayPipe } from './weights-array.pipe';

@ApiTags('sources')
@Controller('sources')
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  @Post()
  @ApiOperation({ summary: 'Create a source (a bot, a form, a channel)' })
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
  @ApiOkResponse({ type: SourceWeightResponseDto, isArray: true })
  @ApiErrors('badRequest', 'notFound')
  getWeights(@Param('id', PositiveIntPipe) id: number): Promise<SourceWeightResponseDto[]> {
    return this.sources.getWeights(id);
  }
}
