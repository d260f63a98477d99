import { Injectable } from '@nestjs/common';
import { SqliteTx, type Tx } from '../../database/tx';
import { newEventId } from '../../events/event-id';
import { EventNotifier } from '../../events/event-notifier';
import type {
  AssignmentTrigger,
  EventActor,
  RequestEventRecord,
  RequestEventType,
} from '../../events/request-event';
import { WebhookOutbox } from '../../webhooks/webhook-outbox';
import { RequestView, toRequestResponse } from '../dto/request-response.dto';
import { RequestEventsRepository } from '../request-events.repository';

export interface EventEntry {
  type: RequestEventType;
  operatorId: number | null;
  previousOperatorId?: number | null;
  trigger?: AssignmentTrigger | null;
  actor: EventActor;
}

/**
 * Writes a request's history in the transaction of the change: one row per event, carrying the
 * request as it is after the change. The same rows are the event log that webhooks (outbox) and
 * the console's stream read, so a rolled-back change announces nothing.
 */
@Injectable()
export class RequestEventsWriter {
  constructor(
    private readonly outbox: WebhookOutbox,
    private readonly notifier: EventNotifier,
    private readonly events: RequestEventsRepository,
  ) {}

  async record(tx: Tx, view: RequestView, entries: readonly EventEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const request = toRequestResponse(view);
    const createdAt = view.updatedAt ?? new Date();
    const records = entries.map((entry): Omit<RequestEventRecord, 'id'> => ({
      eventId: newEventId(createdAt.getTime()),
      requestId: view.id,
      sourceId: view.sourceId,
      type: entry.type,
      operatorId: entry.operatorId,
      previousOperatorId: entry.previousOperatorId ?? null,
      trigger: entry.trigger ?? null,
      actor: entry.actor,
      request,
      createdAt,
    }));
    const json = JSON.stringify(request);
    if (!(tx instanceof SqliteTx)) {
      // PostgreSQL: one round trip for the events and their outbox rows (a round trip is most
      // of the cost).
      const insert = this.events.insertStatement(records, json);
      await this.outbox.enqueueWithInsert(tx, insert.sql, insert.params, records, json);
    } else {
      const firstId = await this.events.insert(tx, records, json);
      await this.outbox.enqueue(
        tx,
        records.map((r, i) => ({ ...r, id: firstId + i })),
        json,
      );
    }
    tx.afterCommit(() => this.notifier.notify());
  }
}
