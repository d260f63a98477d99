import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { pageOf, PaginationQueryDto } from '../common/pagination.dto';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { DistributionService } from '../distribution/distribution.service';
import { SimulateRequestDto, SimulationResponseDto } from '../distribution/dto/simulation.dto';
import { CreateSourceDto } from './dto/create-source.dto';
import { SourceResponseDto } from './dto/source-response.dto';
import { SourceWeightDto, SourceWeightResponseDto } from './dto/source-weight.dto';
import { UpdateSourceDto } from './dto/update-source.dto';
import {
  ApiCreateSource,
  ApiGetSource,
  ApiGetWeights,
  ApiListSources,
  ApiReplaceWeights,
  ApiSimulate,
  ApiUpdateSource,
} from './sources.docs';
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
  @ApiCreateSource()
  create(@Body() dto: CreateSourceDto): Promise<SourceResponseDto> {
    return this.sources.create(dto);
  }

  @Get()
  @ApiListSources()
  list(@Query() query: PaginationQueryDto) {
    return this.sources.list(query);
  }

  @Get(':id')
  @ApiGetSource()
  get(@Param('id', PositiveIntPipe) id: number): Promise<SourceResponseDto> {
    return this.sources.get(id);
  }

  @Patch(':id')
  @ApiUpdateSource()
  update(
    @Param('id', PositiveIntPipe) id: number,
    @Body() dto: UpdateSourceDto,
  ): Promise<SourceResponseDto> {
    return this.sources.update(id, dto);
  }

  @Post(':id/simulate')
  @HttpCode(200)
  @ApiSimulate()
  simulate(
    @Param('id', PositiveIntPipe) id: number,
    @Body() dto: SimulateRequestDto,
  ): Promise<SimulationResponseDto> {
    return this.distribution.simulate(id, dto);
  }

  @Post(':id/weights')
  @HttpCode(200)
  @ApiReplaceWeights()
  replaceWeights(
    @Param('id', PositiveIntPipe) id: number,
    @Body(WeightsArrayPipe) weights: SourceWeightDto[],
  ): Promise<SourceWeightResponseDto[]> {
    return this.sources.replaceWeights(id, weights);
  }

  @Get(':id/weights')
  @ApiGetWeights()
  async getWeights(@Param('id', PositiveIntPipe) id: number, @Query() query: PaginationQueryDto) {
    return pageOf(await this.sources.getWeights(id), query);
  }
}
