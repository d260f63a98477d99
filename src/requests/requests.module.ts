import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DistributionModule } from '../distribution/distribution.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { LeadsModule } from '../leads/leads.module';
import { Source } from '../sources/entities/source.entity';
import { DistributionStatsService } from './distribution-stats.service';
import { LeadRequest } from './entities/request.entity';
import { RequestsController } from './requests.controller';
import { RequestsService } from './requests.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([LeadRequest, Source]),
    LeadsModule,
    DistributionModule,
    IdempotencyModule,
  ],
  controllers: [RequestsController],
  providers: [RequestsService, DistributionStatsService],
})
export class RequestsModule {}
