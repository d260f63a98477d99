import { Module } from '@nestjs/common';
import { DistributionModule } from '../../distribution/distribution.module';
import { WebhooksModule } from '../../webhooks/webhooks.module';
import { DrainSweepService } from './drain-sweep.service';
import { SkillFallbackService } from './skill-fallback.service';
import { RequestEventsWriter } from './request-events.writer';
import { PostgresIntake } from './postgres-intake';
import { PostgresIntakeRepository } from './postgres-intake.repository';
import { RequestLifecycleService } from './request-lifecycle.service';
import { LockOrderService } from './lock-order.service';

/**
 * The request lifecycle: requests, operators and sources depend on it, never the reverse.
 */
@Module({
  imports: [DistributionModule, WebhooksModule],
  providers: [
    RequestLifecycleService,
    RequestEventsWriter,
    LockOrderService,
    DrainSweepService,
    SkillFallbackService,
    PostgresIntake,
    PostgresIntakeRepository,
  ],
  exports: [RequestLifecycleService, PostgresIntake, SkillFallbackService],
})
export class LifecycleModule {}
