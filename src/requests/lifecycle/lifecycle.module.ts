import { Module } from '@nestjs/common';
import { DistributionModule } from '../../distribution/distribution.module';
import { WebhooksModule } from '../../webhooks/webhooks.module';
import { DrainSweepService } from './drain-sweep.service';
import { RequestEventsWriter } from './request-events.writer';
import { PostgresIntake } from './postgres-intake';
import { RequestLifecycleService } from './request-lifecycle.service';
import { WaitingQueueService } from './waiting-queue.service';

/**
 * The request lifecycle: requests, operators and sources depend on it, never the reverse.
 */
@Module({
  imports: [DistributionModule, WebhooksModule],
  providers: [RequestLifecycleService, RequestEventsWriter, WaitingQueueService, DrainSweepService, PostgresIntake],
  exports: [RequestLifecycleService, PostgresIntake],
})
export class LifecycleModule {}
