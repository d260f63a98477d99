import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DistributionModule } from '../distribution/distribution.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { LeadsModule } from '../leads/leads.module';
import { Source } from '../sources/entities/source.entity';
import { DistributionStatsService } from './distribution-stats.service';
import { RequestEvent } from './entities/request-event.entity';
import { LeadRequest } from './entities/request.entity';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { RequestsController } from './requests.controller';
import { RequestAccess } from './request-access.service';
import { RequestsService } from './requests.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([LeadRequest, RequestEvent, Source]),
    LifecycleModule,
    LeadsModule,
    DistributionModule,
    IdempotencyModule,
  ],
  controllers: [RequestsController],
  providers: [RequestsService, DistributionStatsService, RequestAccess],
  // The caller's own requests (GET /me/requests), and who may see which (offers will ask too).
  exports: [RequestsService, RequestAccess],
})
export class RequestsModule {}
