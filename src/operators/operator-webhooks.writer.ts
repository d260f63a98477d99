import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/tx';
import { newEventId } from '../events/event-id';
import { EventNotifier } from '../events/event-notifier';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { type OperatorResponseDto, toOperatorResponse } from './dto/operator-response.dto';
import { OperatorsRepository } from './operators.repository';
import type { OperatorEventActor, Presence } from './presence';

/** The body of an `operator.presence_changed` webhook. */
export interface PresenceChangedEvent {
  id: string;
  type: 'operator.presence_changed';
  created_at: string;
  data: {
    /** The operator as GET /operators/{id} shows it right after the change. */
    operator: OperatorResponseDto;
    previous_presence: Presence;
    actor: OperatorEventActor;
  };
}

/**
 * Writes the operator's webhooks into the outbox, in the transaction of the change (so a change
 * that fails or rolls back announces nothing), and nudges the dispatcher after the commit.
 */
@Injectable()
export class OperatorWebhooksWriter {
  constructor(
    private readonly operators: OperatorsRepository,
    private readonly outbox: WebhookOutbox,
    private readonly notifier: EventNotifier,
  ) {}

  /** `operator.presence_changed`; call after the change (and its drain), in its transaction. */
  async presenceChanged(
    tx: Tx,
    operatorId: number,
    previous: Presence,
    actor: OperatorEventActor,
    at: Date,
  ): Promise<void> {
    const operator = await this.operators.find(operatorId, tx);
    if (!operator) return;
    const event: PresenceChangedEvent = {
      id: newEventId(at.getTime()),
      type: 'operator.presence_changed',
      created_at: at.toISOString(),
      data: { operator: toOperatorResponse(operator), previous_presence: previous, actor },
    };
    const deliveries = await this.outbox.enqueueOperatorEvent(tx, {
      eventId: event.id,
      type: event.type,
      operatorId,
      body: JSON.stringify(event),
    });
    if (deliveries > 0) tx.afterCommit(() => this.notifier.notify());
  }
}
