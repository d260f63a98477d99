import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookSubscription } from './entities/webhook-subscription.entity';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookMetrics } from './webhook-metrics';
import { WebhookOutbox } from './webhook-outbox';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Webhooks: subscriptions (admin API), the outbox the request lifecycle writes into, and the
 * dispatcher that sends it. Depends on no request module: the lifecycle depends on this one.
 */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookSubscription, WebhookDelivery])],
  controllers: [WebhooksController],
  providers: [WebhookOutbox, WebhooksService, WebhookDispatcher, WebhookMetrics],
  exports: [WebhookOutbox, WebhookDispatcher],
})
export class WebhooksModule {}
