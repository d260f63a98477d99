import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller';
import { ServiceLevelsRepository } from './service-levels.repository';
import { ServiceLevelsService } from './service-levels.service';

@Module({
  controllers: [AnalyticsController],
  providers: [ServiceLevelsRepository, ServiceLevelsService],
  // The staffing plan reads the same history.
  exports: [ServiceLevelsRepository],
})
export class AnalyticsModule {}
