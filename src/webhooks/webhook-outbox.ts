import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { SqliteTx, Tx } from '../database/tx';
import {
  publicEventJson,
  type RequestEventRecord,
  type WebhookEventType,
  webhookEventType,
} from '../events/request-event';
import {
  DELIVERIES_OF_INSERTED_EVENTS,
  type InsertedDelivery,
  WebhookDeliveriesRepository,
} from './webhook-deliveries.repository';
import { eventBit, subscriptionWants } from './webhook-events';
import { WebhookSubscriptionsRepository } from './webhook-subscriptions.repository';

export type { InsertedDelivery } from './webhook-deliveries.repository';

/** Deliveries claimed at insert and not yet handed to the dispatcher, at most. */
export const CLAIMED_BACKLOG_LIMIT = 1000;

/** A delivery this instance claimed when it wrote it, to send from memory after the commit. */
export interface ClaimedDelivery {
  id: number;
  subscriptionId: number;
  /** The event id: the webhook-id header. */
  eventId: string;
  /** The event as receivers get it (unsigned). */
  body: string;
  /** When the claim runs out (ms since the epoch): after that any dispatcher may send it. */
  leaseEndsAt: number;
}

/** When the rows are written; with a lease end, claimed by this instance until then. */
export interface InsertClaim {
  now: Date;
  leaseEndsAt: Date | undefined;
}

/**
 * The webhook outbox: for each request event, one delivery row per matching active
 * subscription, written in the change's own transaction (see RequestEventsWriter), so a
 * rolled-back change announces nothing and a committed one is never lost. Operator events
 * (enqueueOperatorEvent) go the same way, their rows carrying their own body.
 *
 * While this instance's dispatcher runs, the rows are written already claimed by it (attempt 1,
 * its lock token, a lease), and after the commit they are handed to it with the event from
 * memory: the dispatcher sends them without claiming or loading them again. The row is still
 * the guarantee: if the process dies first, the lease runs out and any dispatcher sends it.
 */
@Injectable()
export class WebhookOutbox {
  /** The lock token of this process's claims made at insert. */
  readonly claimToken = randomUUID();
  private leaseMs?: number;
  private enqueued = false;
  private claimed: ClaimedDelivery[] = [];

  constructor(
    private readonly subscriptions: WebhookSubscriptionsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
  ) {}

  /** The dispatcher runs here: claim new deliveries for it, with leases of `leaseMs`. */
  claimForDispatcher(leaseMs: number | undefined): void {
    this.leaseMs = leaseMs;
  }

  /**
   * SQLite: the deliveries of `events` (already inserted). `requestJson`: the request as the
   * events carry it (they share it: one change).
   */
  async enqueue(
    tx: SqliteTx,
    events: readonly RequestEventRecord[],
    requestJson: string,
  ): Promise<void> {
    if (events.length === 0) return;
    const subscriptions = await this.subscriptions.active(tx);
    if (subscriptions.length === 0) return;
    const claim = this.newClaim();
    const [attempts, token, nextAttemptAt, createdAt, updatedAt] = this.claimParams(claim);
    // The rows' values and, in the same order, what the dispatcher needs of each (the ids once
    // the insert has given them), built in one pass over events × subscriptions.
    const params: unknown[] = [];
    const rows: Array<{ id: number; subscriptionId: number; eventId: string }> = [];
    for (const event of events) {
      const type = webhookEventType(event.type);
      const bit = eventBit(type);
      for (const subscription of subscriptions) {
        if (!subscriptionWants(subscription, bit, event.sourceId)) continue;
        params.push(subscription.id, event.id, event.eventId, type, attempts, token);
        params.push(nextAttemptAt, createdAt, updatedAt);
        rows.push({ id: 0, subscriptionId: subscription.id, eventId: event.eventId });
      }
    }
    if (rows.length === 0) return;
    const firstId = await this.deliveries.insertMany(tx, rows.length, params);
    for (let i = 0; i < rows.length; i++) rows[i].id = firstId + i;
    this.afterInsert(tx, rows, events, requestJson, claim);
  }

  /**
   * PostgreSQL: runs `eventsInsert` (an insert into request_events … RETURNING id, event_id, type,
   * source_id) of `events` and writes the matching deliveries in the same statement.
   */
  async enqueueWithInsert(
    tx: Tx,
    eventsInsert: string,
    params: readonly unknown[],
    events: readonly Omit<RequestEventRecord, 'id'>[],
    requestJson: string,
  ): Promise<void> {
    const claim = this.newClaim();
    const rows = await this.deliveries.insertWithEvents(tx, eventsInsert, [
      ...params,
      ...this.claimParams(claim),
      true,
    ]);
    this.afterInsert(tx, rows, events, requestJson, claim);
  }

  /**
   * PostgreSQL, for a statement of its own (PostgresIntake): the deliveries CTE to put after a CTE
   * named `events`, its parameters, and the claim to hand to `afterStatement` with its rows.
   */
  deliveriesStatement(): { sql: string; params: unknown[]; claim: InsertClaim } {
    const claim = this.newClaim();
    return {
      sql: DELIVERIES_OF_INSERTED_EVENTS,
      params: [...this.claimParams(claim), true],
      claim,
    };
  }

  /** After `deliveriesStatement`'s statement: `effects` runs what its commit implies. */
  afterStatement(
    effects: Pick<Tx, 'afterCommit'>,
    rows: InsertedDelivery[],
    events: readonly Omit<RequestEventRecord, 'id'>[],
    requestJson: string,
    claim: InsertClaim,
  ): void {
    this.afterInsert(effects, rows, events, requestJson, claim);
  }

  /**
   * An event that is not a request event (operator.presence_changed, about `operatorId`): one
   * delivery per matching active subscription, in the change's transaction, each row carrying
   * `body` (there is no event row to build it from: request events have request_events, whose
   * rows the intake writes anyway; a second event log for rare operator events would cost more
   * than a body per subscription). Sent, signed and retried as any delivery. How many rows.
   */
  async enqueueOperatorEvent(
    tx: Tx,
    event: { eventId: string; type: WebhookEventType; operatorId: number; body: string },
  ): Promise<number> {
    const claim = this.newClaim();
    const rows = await this.deliveries.insertOperatorEvent(tx, event, this.claimParams(claim));
    this.handOver(tx, rows, claim, () => event.body);
    return rows.length;
  }

  /**
   * Whether unclaimed deliveries were committed since the last call: the dispatcher skips the
   * nudges of commits that matched no subscription (with none, webhooks cost intake one
   * statement).
   */
  takeEnqueued(): boolean {
    const enqueued = this.enqueued;
    this.enqueued = false;
    return enqueued;
  }

  /** Up to `limit` committed deliveries claimed at insert, oldest first. */
  takeClaimed(limit: number): ClaimedDelivery[] {
    return this.claimed.splice(0, limit);
  }

  get claimedWaiting(): number {
    return this.claimed.length;
  }

  /**
   * The claim new rows are written with while the dispatcher runs here and is not too far behind
   * (a claim must be sent well within its lease); else none: unclaimed and due now, for whichever
   * dispatcher polls first.
   */
  private newClaim(): InsertClaim {
    const now = new Date();
    if (this.leaseMs === undefined || this.claimed.length >= CLAIMED_BACKLOG_LIMIT) {
      return { now, leaseEndsAt: undefined };
    }
    return { now, leaseEndsAt: new Date(now.getTime() + this.leaseMs) };
  }

  /** attempts, lock token, next attempt, created, updated: a new row's claim columns. */
  private claimParams(claim: InsertClaim): unknown[] {
    const { now, leaseEndsAt } = claim;
    return leaseEndsAt === undefined
      ? [0, null, now, now, now]
      : [1, this.claimToken, leaseEndsAt, now, now];
  }

  private afterInsert(
    tx: Pick<Tx, 'afterCommit'>,
    rows: InsertedDelivery[],
    events: readonly Omit<RequestEventRecord, 'id'>[],
    requestJson: string,
    claim: InsertClaim,
  ): void {
    this.handOver(tx, rows, claim, (eventId) =>
      publicEventJson(
        events.find((event) => event.eventId === eventId)!,
        requestJson,
      ),
    );
  }

  /** After the commit: flags unclaimed rows, or queues claimed ones with their bodies. */
  private handOver(
    tx: Pick<Tx, 'afterCommit'>,
    rows: InsertedDelivery[],
    claim: InsertClaim,
    bodyOf: (eventId: string) => string,
  ): void {
    if (rows.length === 0) return;
    // Registered before the writer's notify, so the work is there when the dispatcher is nudged.
    if (claim.leaseEndsAt === undefined) {
      tx.afterCommit(() => (this.enqueued = true));
      return;
    }
    const bodies = new Map<string, string>();
    const leaseEndsAt = claim.leaseEndsAt.getTime();
    const deliveries = rows.map((row): ClaimedDelivery => {
      let body = bodies.get(row.eventId);
      if (body === undefined) {
        body = bodyOf(row.eventId);
        bodies.set(row.eventId, body);
      }
      return {
        id: Number(row.id),
        subscriptionId: Number(row.subscriptionId),
        eventId: row.eventId,
        body,
        leaseEndsAt,
      };
    });
    tx.afterCommit(() => this.claimed.push(...deliveries));
  }
}
