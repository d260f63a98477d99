import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Page } from '../common/pagination.dto';
import { readerQuery } from '../database/raw-query';
import { parseDbTimestamp } from '../database/timestamps';
import { placeholders, type SqliteTx, type Tx } from '../database/tx';
import {
  type AssignmentTrigger,
  REQUEST_EVENT_TYPES,
  type RequestEventType,
  type WebhookEventType,
  webhookEventType,
} from '../events/request-event';
import { type DeliveryStatus, WebhookDelivery } from './entities/webhook-delivery.entity';
import { eventBit } from './webhook-events';

/** What an insert returns: enough to send a claimed delivery from memory. */
const RETURNED = 'id, subscription_id AS "subscriptionId", event_id AS "eventId"';

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
export const DELIVERIES_OF_INSERTED_EVENTS =
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

/**
 * The deliveries of an event that is not a request event (operator.presence_changed), each
 * carrying the body: one per active subscription whose mask has the type's bit and that is for
 * every source or for a source the operator is configured for (any weight). Parameters: event
 * id, type, body, attempts, lock token, next attempt, now, now, true, the type's bit, operator.
 * PostgreSQL types a SELECT's bare parameters as text, hence its casts; SQLite's would change
 * a timestamp's text into a number.
 */
const operatorEventSql = (dialect: Tx['dialect']): string => {
  const cast = (type: string) => (dialect === 'postgres' ? `CAST(? AS ${type})` : '?');
  return (
    'INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, body, status, ' +
    'attempts, lock_token, next_attempt_at, created_at, updated_at) ' +
    `SELECT s.id, ${cast('varchar(40)')}, ${cast('varchar(32)')}, ${cast('text')}, 'pending', ` +
    `${cast('integer')}, ${cast('varchar(40)')}, ${cast('timestamptz')}, ` +
    `${cast('timestamptz')}, ${cast('timestamptz')} FROM webhook_subscriptions s ` +
    'WHERE s.is_active = ? AND (s.event_mask & ?) <> 0 AND (s.source_id IS NULL OR EXISTS ' +
    '(SELECT 1 FROM operator_source_weights w WHERE w.source_id = s.source_id ' +
    `AND w.operator_id = ?)) ORDER BY s.id RETURNING ${RETURNED}`
  );
};

const OPERATOR_EVENT_SQL = {
  sqlite: operatorEventSql('sqlite'),
  postgres: operatorEventSql('postgres'),
};

const DUE =
  "status = 'pending' AND next_attempt_at <= ? AND EXISTS (SELECT 1 FROM webhook_subscriptions s " +
  'WHERE s.id = d.subscription_id AND s.is_active = ?)';

const ANY_DUE = `SELECT d.id FROM webhook_deliveries d WHERE ${DUE} LIMIT 1`;

/**
 * Claims due deliveries: pushes next_attempt_at to the end of a lease, counts the attempt and
 * stamps the claim's token. On PostgreSQL, SKIP LOCKED lets instances claim disjoint rows at
 * once; on SQLite the one writer serialises claims. A claim whose process died simply falls due
 * again when its lease ends.
 */
function claimSql(dialect: Tx['dialect']): string {
  const lock = dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  return (
    'UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?, lock_token = ?, ' +
    `updated_at = ? WHERE id IN (SELECT d.id FROM webhook_deliveries d WHERE ${DUE} ` +
    `ORDER BY d.next_attempt_at, d.id LIMIT ?${lock}) RETURNING id`
  );
}

/** A delivery of a request event is built from its event's row; any other carries its body. */
const loadSql = (count: number) =>
  'SELECT d.id, d.attempts, s.url, s.secret, d.event_id AS "eventId", d.body, e.type, ' +
  'e.request, e.previous_operator_id AS "previousOperatorId", e.trigger, ' +
  'e.request_id AS "requestId", e.source_id AS "sourceId", e.created_at AS "createdAt" ' +
  'FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id ' +
  'LEFT JOIN request_events e ON e.id = d.request_event_id ' +
  `WHERE d.id IN (${placeholders(count)})`;

/** Every delivered row of a pass that got the same status code, in one statement. */
const deliveredSql = (count: number) =>
  "UPDATE webhook_deliveries SET status = 'delivered', lock_token = NULL, last_status_code = ?, " +
  'last_error = NULL, delivered_at = ?, updated_at = ? WHERE lock_token = ? AND id IN (' +
  `${placeholders(count)})`;

const FAILED_SQL =
  'UPDATE webhook_deliveries SET status = ?, lock_token = NULL, last_status_code = ?, ' +
  'last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND lock_token = ?';

const releaseSql = (count: number) =>
  'UPDATE webhook_deliveries SET attempts = attempts - 1, lock_token = NULL, next_attempt_at = ?, ' +
  `updated_at = ? WHERE lock_token = ? AND id IN (${placeholders(count)})`;

const PURGE_SQL =
  'DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries ' +
  "WHERE status <> 'pending' AND updated_at < ? LIMIT ?) RETURNING id";

/** Sends a delivery again now: a dead one with its attempts counted afresh, a pending one sooner. */
const RETRY_SQL =
  "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ?, " +
  "attempts = CASE WHEN status = 'dead' THEN 0 ELSE attempts END " +
  "WHERE id = ? AND subscription_id = ? AND (status = 'dead' OR (status = 'pending' AND " +
  'lock_token IS NULL)) RETURNING id';

const PENDING_BACKLOG_SQL =
  "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM webhook_deliveries WHERE status = 'pending'";

export interface InsertedDelivery {
  id: number | string;
  subscriptionId: number | string;
  eventId: string;
}

/**
 * A claimed delivery with what sending it takes: its subscription, and its body as stored (any
 * event but a request event) or its request event as stored (the rest; null with a body).
 */
export type ClaimedRow = {
  id: number | string;
  attempts: number | string;
  url: string;
  secret: string;
  eventId: string;
} & (
  | {
      body: null;
      type: RequestEventType;
      request: string;
      previousOperatorId: number | null;
      trigger: AssignmentTrigger | null;
      requestId: number;
      sourceId: number;
      createdAt: Date | string;
    }
  | { body: string }
);

/** A failed attempt's outcome: retried at `nextAttemptAt`, or dead. */
export interface FailedAttempt {
  id: number | string;
  token: string;
  dead: boolean;
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: Date;
}

/**
 * webhook_deliveries: the outbox rows, written in the change's transaction, claimed and
 * recorded by the dispatcher, listed and revived by the API.
 */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly reader: DataSource) {}

  /**
   * SQLite: inserts the rows of `params` (nine values each, in insertSql's column order); the id
   * of the first (the rows of one statement get consecutive ids).
   */
  async insertMany(tx: SqliteTx, rows: number, params: readonly unknown[]): Promise<number> {
    return (await tx.insert(insertSql(rows), params)) - rows + 1;
  }

  /**
   * PostgreSQL: runs `eventsInsert` (an INSERT INTO request_events … RETURNING id, event_id, type,
   * source_id) and DELIVERIES_OF_INSERTED_EVENTS in one statement; `params` are both's, in order.
   */
  insertWithEvents(
    tx: Tx,
    eventsInsert: string,
    params: readonly unknown[],
  ): Promise<InsertedDelivery[]> {
    return tx.query<InsertedDelivery>(
      `WITH events AS (${eventsInsert}), deliveries AS (${DELIVERIES_OF_INSERTED_EVENTS}) ` +
        'SELECT * FROM deliveries',
      params,
    );
  }

  /**
   * The deliveries of an event that is not a request event, about operator `operatorId`, to the
   * subscriptions that want it (see operatorEventSql); `claim`: attempts, lock token, next
   * attempt, now, now (the outbox's claim columns).
   */
  insertOperatorEvent(
    tx: Tx,
    event: { eventId: string; type: WebhookEventType; body: string; operatorId: number },
    claim: readonly unknown[],
  ): Promise<InsertedDelivery[]> {
    return tx.query<InsertedDelivery>(OPERATOR_EVENT_SQL[tx.dialect], [
      event.eventId,
      event.type,
      event.body,
      ...claim,
      true,
      eventBit(event.type),
      event.operatorId,
    ]);
  }

  /** Whether any delivery is due at `now` (read outside a transaction, before claiming). */
  async anyDue(now: Date): Promise<boolean> {
    const due = await readerQuery(this.reader.manager).query(ANY_DUE, [now, true]);
    return due.length > 0;
  }

  /** Claims up to `limit` due deliveries with `token` until `leaseEnd`; oldest id first. */
  async claimDue(
    tx: Tx,
    token: string,
    now: Date,
    leaseEnd: Date,
    limit: number,
  ): Promise<ClaimedRow[]> {
    const ids = await tx.query<{ id: number | string }>(claimSql(tx.dialect), [
      leaseEnd,
      token,
      now,
      now,
      true,
      limit,
    ]);
    if (ids.length === 0) return [];
    const rows = await tx.query<ClaimedRow>(
      loadSql(ids.length),
      ids.map((row) => row.id),
    );
    return rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** Records deliveries of claim `token` that got `statusCode`: rows no longer held are left. */
  async markDelivered(
    tx: Tx,
    token: string,
    statusCode: number | null,
    ids: ReadonlyArray<number | string>,
    now: Date,
  ): Promise<void> {
    await tx.query(deliveredSql(ids.length), [statusCode, now, now, token, ...ids]);
  }

  /** Records a failed attempt, if its claim still holds. */
  async markFailed(tx: Tx, attempt: FailedAttempt, now: Date): Promise<void> {
    await tx.query(FAILED_SQL, [
      attempt.dead ? 'dead' : 'pending',
      attempt.statusCode,
      attempt.error,
      attempt.nextAttemptAt,
      now,
      attempt.id,
      attempt.token,
    ]);
  }

  /** Gives back claims of `token` not sent: due now, the attempt not counted. */
  async releaseClaims(tx: Tx, token: string, ids: readonly number[], now: Date): Promise<void> {
    await tx.query(releaseSql(ids.length), [now, now, token, ...ids]);
  }

  /** Deletes up to `limit` delivered or dead rows last changed before `before`; how many. */
  async purgeFinished(tx: Tx, before: Date, limit: number): Promise<number> {
    return (await tx.query<{ id: number }>(PURGE_SQL, [before, limit])).length;
  }

  /** Makes a dead delivery, or a pending one nobody holds, due at `now`; whether it did. */
  async revive(tx: Tx, subscriptionId: number, id: number, now: Date): Promise<boolean> {
    const rows = await tx.query(RETRY_SQL, [now, now, id, subscriptionId]);
    return rows.length > 0;
  }

  async deleteOfSubscription(tx: Tx, subscriptionId: number): Promise<void> {
    await tx.query('DELETE FROM webhook_deliveries WHERE subscription_id = ?', [subscriptionId]);
  }

  async pageOfSubscription(
    subscriptionId: number,
    { limit, offset, status }: { limit: number; offset: number; status?: DeliveryStatus },
  ): Promise<Page<WebhookDelivery>> {
    const [items, total] = await this.reader.manager.findAndCount(WebhookDelivery, {
      where: { subscriptionId, ...(status ? { status } : {}) },
      order: { id: 'ASC' },
      take: limit,
      skip: offset,
    });
    return { items, total };
  }

  findOfSubscription(subscriptionId: number, id: number): Promise<WebhookDelivery | null> {
    return this.reader.manager.findOneBy(WebhookDelivery, { id, subscriptionId });
  }

  /** The pending backlog: how many, and when the oldest was written. */
  async pendingBacklog(): Promise<{ pending: number; oldest: Date | null }> {
    const [row] =
      await this.reader.query<Array<{ n: number | string; oldest: Date | string | null }>>(
        PENDING_BACKLOG_SQL,
      );
    return {
      pending: Number(row?.n ?? 0),
      oldest: row?.oldest ? parseDbTimestamp(row.oldest) : null,
    };
  }
}
