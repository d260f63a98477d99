import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ type: StrategyResponseDto, isArray: true })
  list(): StrategyResponseDto[] {
    return this.registry.list();
  }
}
