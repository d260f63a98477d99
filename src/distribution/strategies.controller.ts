import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiPaginatedList } from '../common/api-docs';
import { pageOf, PaginationQueryDto, type Page } from '../common/pagination.dto';
import { StrategyResponseDto } from './dto/strategy-response.dto';
import { StrategyRegistry } from './strategy-registry';

@ApiTags('strategies')
@Controller('strategies')
export class StrategiesController {
  constructor(private readonly registry: StrategyRegistry) {}

  @Get()
  @ApiOperation({
    summary: 'List the distribution strategies a source can use',
    description:
      'A source with `strategy: null` uses the DISTRIBUTION_STRATEGY default (weighted-random ' +
      'unless configured otherwise).',
  })
  @ApiPaginatedList(StrategyResponseDto, 'Strategies with a one-line description each')
  list(@Query() query: PaginationQueryDto): Page<StrategyResponseDto> {
    return pageOf(this.registry.list(), query);
  }
}
