import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller';
import { ServiceLevelsRepository } from './service-levels.repository';
import { ServiceLevelsService } from './service-levels.service';

@Module({
  controllers: [AnalyticsController],
  providers: [ServiceLevelsRepository, ServiceLevelsService],
})
export class AnalyticsModule {}
