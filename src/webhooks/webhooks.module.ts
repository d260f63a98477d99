import { Module } from '@nestjs/common';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDispatcherService } from './webhook-dispatcher.service';
import { WebhookMetrics } from './webhook-metrics';
import { WebhookOutbox } from './webhook-outbox';
import { WebhookSubscriptionsRepository } from './webhook-subscriptions.repository';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Webhooks: subscriptions (admin API), the outbox the request lifecycle writes into, and the
 * dispatcher that sends it. Depends on no request module: the lifecycle depends on this one.
 */
@Module({
  controllers: [WebhooksController],
  providers: [
    WebhookSubscriptionsRepository,
    WebhookDeliveriesRepository,
    WebhookOutbox,
    WebhooksService,
    WebhookDispatcherService,
    WebhookMetrics,
  ],
  exports: [WebhookOutbox, WebhookDispatcherService],
})
export class WebhooksModule {}
