import { Module } from '@nestjs/common';
import { DistributionModule } from '../../distribution/distribution.module';
import { WebhooksModule } from '../../webhooks/webhooks.module';
import { DrainSweep } from './drain-sweep';
import { RequestEventsWriter } from './request-events.writer';
import { PostgresIntake } from './postgres-intake';
import { RequestLifecycle } from './request-lifecycle.service';
import { WaitingQueue } from './waiting-queue';

/**
 * The request lifecycle: requests, operators and sources depend on it, never the reverse.
 */
@Module({
  imports: [DistributionModule, WebhooksModule],
  providers: [RequestLifecycle, RequestEventsWriter, WaitingQueue, DrainSweep, PostgresIntake],
  exports: [RequestLifecycle, PostgresIntake],
})
export class LifecycleModule {}
