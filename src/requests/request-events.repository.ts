import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, MoreThan, Repository } from 'typeorm';
import type { SqliteTx } from '../database/tx';
import type { RequestEventRecord } from '../events/request-event';
import { RequestEvent } from './entities/request-event.entity';

/** An event to insert: its row but for the id, which the insert gives it. */
export type NewRequestEvent = Omit<RequestEventRecord, 'id' | 'request'>;

/** A request's history, oldest first (GET /requests/{id}/events). */
export type RequestHistory = RequestEvent[];

/** Ids from..to, inclusive. */
export interface IdRange {
  from: number;
  to: number;
}

/** The newest id, and the runs of ids missing below it (see `startWindow`). */
export interface StartWindow {
  newest: number;
  holes: IdRange[];
}

const COLUMNS =
  '(event_id, request_id, source_id, type, operator_id, previous_operator_id, trigger, actor, request, created_at)';
const ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const insertSql = (rows: number, returning?: string) =>
  `INSERT INTO request_events ${COLUMNS} VALUES ${Array(rows).fill(ROW).join(', ')}` +
  (returning ? ` RETURNING ${returning}` : '');

// PostgreSQL: the newest id and the runs of ids missing among the `$1` below it, newest runs
// first, at most `$2` of them. One statement, so one snapshot.
const START_WINDOW_SQL = `WITH newest AS (SELECT COALESCE(MAX(id), 0) AS id FROM request_events),
       present AS (
         SELECT e.id, LAG(e.id, 1, GREATEST(newest.id - $1, 0)) OVER (ORDER BY e.id) AS previous
         FROM request_events e, newest
         WHERE e.id > newest.id - $1 AND e.id <= newest.id
       )
       SELECT newest.id AS newest, holes.first, holes.last
       FROM newest LEFT JOIN LATERAL (
         SELECT previous + 1 AS first, id - 1 AS last FROM present
         WHERE id > previous + 1 ORDER BY id DESC LIMIT $2
       ) holes ON true`;

/**
 * request_events: a request's history and the event log that webhooks (outbox) and the console's
 * stream read. Rows are inserted in the transaction of the change (RequestEventsWriter); reads
 * outside a transaction see committed rows only.
 */
@Injectable()
export class RequestEventsRepository {
  /**
   * PostgreSQL hands out ids when rows are inserted, not when they commit, so a read may skip an
   * id that commits later. SQLite has one writer: ids commit in order and a rolled-back insert
   * leaves no gap.
   */
  readonly idsMayCommitOutOfOrder: boolean;

  constructor(@InjectRepository(RequestEvent) private readonly events: Repository<RequestEvent>) {
    this.idsMayCommitOutOfOrder = events.manager.connection.options.type === 'postgres';
  }

  /**
   * PostgreSQL: the insert of `records`, each carrying the request as `requestJson`, to run as the
   * `events` CTE of the statement that also writes their outbox rows (webhook-outbox.ts); it
   * returns the columns that statement reads.
   */
  insertStatement(
    records: readonly NewRequestEvent[],
    requestJson: string,
  ): { sql: string; params: unknown[] } {
    return {
      sql: insertSql(records.length, 'id, event_id, type, source_id'),
      params: rowParams(records, requestJson),
    };
  }

  /** SQLite: inserts `records`; returns the id of the first (the others follow it). */
  async insert(
    tx: SqliteTx,
    records: readonly NewRequestEvent[],
    requestJson: string,
  ): Promise<number> {
    const params = rowParams(records, requestJson);
    // One statement's rows get consecutive ids, in the order of its rows.
    return (await tx.insert(insertSql(records.length), params)) - records.length + 1;
  }

  /** The request's events, oldest first: its whole history (the route does not page it). */
  listForRequest(requestId: number): Promise<RequestHistory> {
    return this.events.find({ where: { requestId }, order: { id: 'ASC' } });
  }

  /** The highest id, 0 when there is no event. */
  async latestId(): Promise<number> {
    const [latest] = await this.events.find({
      select: { id: true },
      order: { id: 'DESC' },
      take: 1,
    });
    return latest ? Number(latest.id) : 0;
  }

  /** At most `limit` events after `cursor`, by id. */
  listAfter(cursor: number, limit: number): Promise<RequestEvent[]> {
    return this.events.find({
      where: { id: MoreThan(cursor) },
      order: { id: 'ASC' },
      take: limit,
    });
  }

  /** At most `limit` events whose ids fall in any of `ranges`, by id. */
  listInRanges(ranges: readonly IdRange[], limit: number): Promise<RequestEvent[]> {
    return this.events.find({
      where: ranges.map((range) => ({ id: Between(range.from, range.to) })),
      order: { id: 'ASC' },
      take: limit,
    });
  }

  /**
   * The newest id and, where ids may commit out of order (PostgreSQL), the runs of ids missing
   * among the `window` below it, at most `maxHoles` of them, the newest kept; in ascending order.
   */
  async startWindow(window: number, maxHoles: number): Promise<StartWindow> {
    if (!this.idsMayCommitOutOfOrder) return { newest: await this.latestId(), holes: [] };
    const rows = await this.events.query<
      { newest: string; first: string | null; last: string | null }[]
    >(START_WINDOW_SQL, [window, maxHoles]);
    const holes = rows
      .filter((row) => row.first !== null && row.last !== null)
      .map((row) => ({ from: Number(row.first), to: Number(row.last) }))
      .sort((x, y) => x.from - y.from);
    return { newest: rows.length > 0 ? Number(rows[0].newest) : 0, holes };
  }
}

function rowParams(records: readonly NewRequestEvent[], requestJson: string): unknown[] {
  return records.flatMap((r) => [
    r.eventId,
    r.requestId,
    r.sourceId,
    r.type,
    r.operatorId,
    r.previousOperatorId,
    r.trigger,
    r.actor,
    requestJson,
    r.createdAt,
  ]);
}
