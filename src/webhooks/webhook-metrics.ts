import { Injectable, Logger } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';

export type DeliveryOutcome = 'delivered' | 'retry' | 'dead';

/**
 * The webhook series, registered on the app's registry: attempts by outcome (counted as they
 * happen), and the pending backlog and its oldest row's age (read from the database on scrape).
 * Labels name no URL and no secret.
 */
@Injectable()
export class WebhookMetrics {
  private readonly logger = new Logger(WebhookMetrics.name);
  private readonly outcomes: Counter<'outcome'>;

  constructor(metrics: MetricsService, deliveries: WebhookDeliveriesRepository) {
    const registers = [metrics.registry];
    this.outcomes = new Counter({
      name: 'webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome: delivered, retry (failed, will retry), dead',
      labelNames: ['outcome'] as const,
      registers,
    });
    let backlog: Promise<{ pending: number; oldest: Date | null }> | undefined;
    // Both gauges come from one query per scrape.
    const read = () => {
      backlog ??= deliveries
        .pendingBacklog()
        .finally(() => setImmediate(() => (backlog = undefined)));
      return backlog;
    };
    const logger = this.logger;
    new Gauge({
      name: 'webhook_pending_deliveries',
      help: 'Webhook deliveries not yet delivered nor dead (read from the database on scrape)',
      registers,
      async collect() {
        try {
          this.set((await read()).pending);
        } catch (error) {
          logger.warn(`metrics: cannot read webhook deliveries: ${String(error)}`);
        }
      },
    });
    new Gauge({
      name: 'webhook_oldest_pending_delivery_age_seconds',
      help: 'Age of the oldest pending webhook delivery, 0 when none (read on scrape)',
      registers,
      async collect() {
        try {
          const { oldest } = await read();
          this.set(oldest ? Math.max(0, (Date.now() - oldest.getTime()) / 1000) : 0);
        } catch (error) {
          logger.warn(`metrics: cannot read webhook deliveries: ${String(error)}`);
        }
      },
    });
  }

  record(outcome: DeliveryOutcome, count = 1): void {
    if (count > 0) this.outcomes.inc({ outcome }, count);
  }
}
