import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/tx';
import type { RequestEventRecord } from '../events/request-event';

/**
 * The webhook outbox: for each committed request event, one delivery row per matching
 * subscription, written in the change's own transaction (see RequestEventsWriter).
 */
@Injectable()
export class WebhookOutbox {
  // Subscriptions and deliveries arrive with the webhooks feature.
  enqueue(_tx: Tx, _events: readonly RequestEventRecord[]): Promise<void> {
    return Promise.resolve();
  }
}
