import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { SqliteTx, Tx } from '../database/tx';
import {
  publicEventJson,
  REQUEST_EVENT_TYPES,
  type RequestEventRecord,
  webhookEventType,
} from '../events/request-event';
import { eventBit, subscriptionWants } from './webhook-events';

/** What an insert returns: enough to send a claimed delivery from memory. */
const RETURNED = 'id, subscription_id AS "subscriptionId", event_id AS "eventId"';

/** Deliveries claimed at insert and not yet handed to the dispatcher, at most. */
export const CLAIMED_BACKLOG_LIMIT = 1000;

/**
 * SQLite: the active subscriptions, read in the change's transaction (on its one writer
 * connection, so no other change can come between). No in-process cache of subscriptions: the
 * API changes them in other transactions, and a stale cache would lose events.
 */
const ACTIVE_SUBSCRIPTIONS_SQL =
  'SELECT id, event_mask AS "eventMask", source_id AS "sourceId" FROM webhook_subscriptions ' +
  'WHERE is_active = ? ORDER BY id';

const insertSqlCache = new Map<number, string>();

/**
 * SQLite: `rows` deliveries, one plain multi-row INSERT. No RETURNING: the ids follow from the
 * last rowid, and the rest of each row the caller has (RETURNING was a third of the statement).
 */
function insertSql(rows: number): string {
  let sql = insertSqlCache.get(rows);
  if (sql === undefined) {
    sql =
      'INSERT INTO webhook_deliveries (subscription_id, request_event_id, event_id, event_type, ' +
      'status, attempts, lock_token, next_attempt_at, created_at, updated_at) VALUES ' +
      Array<string>(rows).fill("(?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)").join(', ');
    insertSqlCache.set(rows, sql);
  }
  return sql;
}

/**
 * PostgreSQL: the deliveries of the events a data-modifying CTE named `events` (id, event_id,
 * type, source_id) just inserted, as the next CTE of the same statement, so that a change's
 * events and their outbox rows cost one round trip. The event types' webhook names and bits are
 * constants of the statement. Parameters: attempts, lock token, next attempt, now, now, true.
 */
const DELIVERIES_OF_INSERTED_EVENTS =
  'INSERT INTO webhook_deliveries (subscription_id, request_event_id, event_id, event_type, ' +
  'status, attempts, lock_token, next_attempt_at, created_at, updated_at) ' +
  "SELECT s.id, e.id, e.event_id, t.webhook_type, 'pending', CAST(? AS integer), " +
  'CAST(? AS varchar(40)), CAST(? AS timestamptz), CAST(? AS timestamptz), ' +
  'CAST(? AS timestamptz) FROM events e ' +
  `JOIN (VALUES ${REQUEST_EVENT_TYPES.map((type) => {
    const webhookType = webhookEventType(type);
    return `('${type}', '${webhookType}', ${eventBit(webhookType)})`;
  }).join(', ')}) t (type, webhook_type, bit) ON t.type = e.type ` +
  'JOIN webhook_subscriptions s ON (s.event_mask & t.bit) <> 0 ' +
  `AND (s.source_id IS NULL OR s.source_id = e.source_id) WHERE s.is_active = ? RETURNING ${RETURNED}`;

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

interface ActiveSubscription {
  id: number;
  eventMask: number;
  sourceId: number | null;
}

export interface InsertedDelivery {
  id: number | string;
  subscriptionId: number | string;
  eventId: string;
}

/**
 * The webhook outbox: for each request event, one delivery row per matching active
 * subscription, written in the change's own transaction (see RequestEventsWriter), so a
 * rolled-back change announces nothing and a committed one is never lost.
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
    const subscriptions = await tx.query<ActiveSubscription>(ACTIVE_SUBSCRIPTIONS_SQL, [true]);
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
    const firstId = (await tx.insert(insertSql(rows.length), params)) - rows.length + 1;
    for (let i = 0; i < rows.length; i++) rows[i].id = firstId + i;
    this.afterInsert(tx, rows, events, requestJson, claim);
  }

  /**
   * PostgreSQL: runs `eventsInsert` (an INSERT INTO request_events … RETURNING id, event_id, type,
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
    const rows = await tx.query<InsertedDelivery>(
      `WITH events AS (${eventsInsert}), deliveries AS (${DELIVERIES_OF_INSERTED_EVENTS}) ` +
        'SELECT * FROM deliveries',
      [...params, ...this.claimParams(claim), true],
    );
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
        body = publicEventJson(
          events.find((event) => event.eventId === row.eventId)!,
          requestJson,
        );
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
