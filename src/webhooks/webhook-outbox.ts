import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/tx';
import {
  REQUEST_EVENT_TYPES,
  type RequestEventRecord,
  webhookEventType,
} from '../events/request-event';
import { eventBit } from './webhook-events';

const sqlCache = new Map<string, string>();

/**
 * One INSERT … SELECT: the events as a derived table joined to the active subscriptions that
 * want them (type bit, optional source). With no subscription it inserts nothing and costs one
 * statement on an empty (or tiny) table, so the intake path pays next to nothing for webhooks.
 * No in-process cache of subscriptions: another instance may change them at any moment, and a
 * stale cache would lose events.
 */
function insertSql(dialect: Tx['dialect'], events: number): string {
  const key = `${dialect}:${events}`;
  let sql = sqlCache.get(key);
  if (sql === undefined) {
    const at = dialect === 'postgres' ? 'CAST(? AS timestamptz)' : '?';
    const row =
      'SELECT CAST(? AS bigint) AS rid, CAST(? AS varchar(40)) AS eid, ' +
      'CAST(? AS varchar(32)) AS etype, CAST(? AS integer) AS bit, CAST(? AS integer) AS sid';
    sql =
      'INSERT INTO webhook_deliveries (subscription_id, request_event_id, event_id, event_type, ' +
      'status, attempts, next_attempt_at, created_at, updated_at) ' +
      `SELECT s.id, e.rid, e.eid, e.etype, 'pending', 0, ${at}, ${at}, ${at} ` +
      `FROM (${Array<string>(events).fill(row).join(' UNION ALL ')}) e ` +
      'JOIN webhook_subscriptions s ON (s.event_mask & e.bit) <> 0 ' +
      'AND (s.source_id IS NULL OR s.source_id = e.sid) ' +
      'WHERE s.is_active = ? RETURNING id';
    sqlCache.set(key, sql);
  }
  return sql;
}

/**
 * PostgreSQL: the deliveries of the events a data-modifying CTE named `events` (id, event_id,
 * type, source_id) just inserted, as the next CTE of the same statement, so that a change's
 * events and their outbox rows cost one round trip. The event types' webhook names and bits are
 * constants of the statement. Parameters: now, now, now, true.
 */
const DELIVERIES_OF_INSERTED_EVENTS =
  'INSERT INTO webhook_deliveries (subscription_id, request_event_id, event_id, event_type, ' +
  'status, attempts, next_attempt_at, created_at, updated_at) ' +
  "SELECT s.id, e.id, e.event_id, t.webhook_type, 'pending', 0, " +
  'CAST(? AS timestamptz), CAST(? AS timestamptz), CAST(? AS timestamptz) FROM events e ' +
  `JOIN (VALUES ${REQUEST_EVENT_TYPES.map((type) => {
    const webhookType = webhookEventType(type);
    return `('${type}', '${webhookType}', ${eventBit(webhookType)})`;
  }).join(', ')}) t (type, webhook_type, bit) ON t.type = e.type ` +
  'JOIN webhook_subscriptions s ON (s.event_mask & t.bit) <> 0 ' +
  'AND (s.source_id IS NULL OR s.source_id = e.source_id) WHERE s.is_active = ? RETURNING id';

/**
 * The webhook outbox: for each request event, one delivery row per matching active
 * subscription, written in the change's own transaction (see RequestEventsWriter), so a
 * rolled-back change announces nothing and a committed one is never lost.
 */
@Injectable()
export class WebhookOutbox {
  private enqueued = false;

  async enqueue(tx: Tx, events: readonly RequestEventRecord[]): Promise<void> {
    if (events.length === 0) return;
    const now = new Date();
    const rows = await tx.query(insertSql(tx.dialect, events.length), [
      now,
      now,
      now,
      ...events.flatMap((event) => {
        const type = webhookEventType(event.type);
        return [event.id, event.eventId, type, eventBit(type), event.sourceId];
      }),
      true,
    ]);
    // Registered before the writer's notify, so the flag is up when the dispatcher is nudged.
    if (rows.length > 0) tx.afterCommit(() => (this.enqueued = true));
  }

  /**
   * PostgreSQL: runs `eventsInsert` (an INSERT INTO request_events … RETURNING id, event_id, type,
   * source_id) and writes the matching deliveries in the same statement.
   */
  async enqueueWithInsert(tx: Tx, eventsInsert: string, params: readonly unknown[]): Promise<void> {
    const now = new Date();
    const [{ deliveries }] = await tx.query<{ deliveries: number | string }>(
      `WITH events AS (${eventsInsert}), deliveries AS (${DELIVERIES_OF_INSERTED_EVENTS}) ` +
        'SELECT count(*) AS deliveries FROM deliveries',
      [...params, now, now, now, true],
    );
    if (Number(deliveries) > 0) tx.afterCommit(() => (this.enqueued = true));
  }

  /**
   * Whether deliveries were committed since the last call: the dispatcher skips the nudges of
   * commits that matched no subscription (with none, webhooks cost intake one statement).
   */
  takeEnqueued(): boolean {
    const enqueued = this.enqueued;
    this.enqueued = false;
    return enqueued;
  }
}
