import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ServiceLevelsQueryDto } from './dto/service-levels-query.dto';
import { ServiceLevelsResponseDto } from './dto/service-levels-response.dto';
import { ApiServiceLevels } from './analytics.docs';
import { ServiceLevelsService } from './service-levels.service';

/** Admin only, as every route without @Public or @IntakeAllowed (the global ApiKeyGuard). */
@ApiTags('analytics')
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly serviceLevels: ServiceLevelsService) {}

  @Get('service-levels')
  @ApiServiceLevels()
  get(@Query() query: ServiceLevelsQueryDto): Promise<ServiceLevelsResponseDto> {
    return this.serviceLevels.serviceLevels(query);
  }
}
