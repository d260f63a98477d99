import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readerQuery } from '../database/raw-query';
import type { Dialect } from '../database/tx';

export type BucketSize = 'hour' | 'day';
export const BUCKET_SECONDS: Record<BucketSize, number> = { hour: 3600, day: 86400 };

export interface ServiceLevelWindow {
  /** Inclusive, on a bucket boundary. */
  from: Date;
  /** Exclusive, on a bucket boundary. */
  to: Date;
  bucket: BucketSize;
  sourceId?: number;
}

/**
 * One request of the window as the database reads it from its events; service-level-buckets.ts
 * sums these up per bucket (counts and percentiles).
 */
export interface RequestFigures {
  /** Seconds since the epoch of the start of the bucket the request arrived in. */
  bucketStart: number;
  /** Created → first assignment, to the millisecond; null while never assigned. */
  wait: number | null;
  /** First assignment → first close, to the millisecond; null unless closed after assignment. */
  handle: number | null;
  /** Closed before any assignment. */
  abandoned: boolean;
  offersAccepted: number;
  offersDeclined: number;
  offersExpired: number;
}

/** A source's arrivals in one bucket of time (UTC); buckets without arrivals are absent. */
export interface ArrivalCountRow {
  /** Seconds since the epoch of the bucket's start. */
  bucketStart: number;
  arrivals: number;
}

/** The handle times of a source's requests created in a window: how many, and their sum. */
export interface HandleTotals {
  handled: number;
  totalSeconds: number;
}

interface Sql {
  /** Whole seconds since the epoch of a stored timestamp (both store UTC). */
  epoch(column: string): string;
  /**
   * A stored timestamp's bucket, as a key that sorts and groups like the bucket's start. SQLite
   * cuts TypeORM's UTC text ("2026-01-27 10:30:00.000") to its hour or day: no date parsing per
   * request, which at tens of thousands of requests costs more than the rest of the statement.
   */
  bucketKey(column: string, bucket: BucketSize): string;
  /** The bucket's start in seconds since the epoch, from its key as read (once per bucket). */
  bucketStart(key: unknown, bucket: BucketSize): number;
  /** Seconds from `start` to `end`, to the millisecond. */
  secondsBetween(end: string, start: string): string;
}

const DIALECT_SQL: Record<Dialect, Sql> = {
  // SQLite stores TypeORM's UTC text ("2026-01-27 10:30:00.000"); unixepoch and julianday read it
  // as UTC (unixepoch truncates to the second, as strftime('%s') did at twice the cost per row).
  // julianday's double keeps about 20 µs at today's dates: rounded to the millisecond.
  sqlite: {
    epoch: (column) => `unixepoch(${column})`,
    bucketKey: (column, bucket) => `substr(${column}, 1, ${bucket === 'hour' ? 13 : 10})`,
    // "2026-01-27 10" or "2026-01-27", read as UTC as unixepoch read it.
    bucketStart: (key, bucket) => {
      const text = String(key);
      const hour = bucket === 'hour' ? text.slice(11, 13) : '00';
      return Date.parse(`${text.slice(0, 10)}T${hour}:00:00Z`) / 1000;
    },
    secondsBetween: (end, start) => `ROUND((julianday(${end}) - julianday(${start})) * 86400.0, 3)`,
  },
  postgres: {
    epoch: (column) => `CAST(FLOOR(EXTRACT(EPOCH FROM ${column})) AS bigint)`,
    bucketKey: (column, bucket) =>
      `CAST(FLOOR(EXTRACT(EPOCH FROM ${column})) AS bigint) / ${BUCKET_SECONDS[bucket]}`,
    bucketStart: (key, bucket) => Number(key) * BUCKET_SECONDS[bucket],
    secondsBetween: (end, start) => `ROUND(EXTRACT(EPOCH FROM (${end} - ${start})), 3)`,
  },
};

/**
 * The request history summed up per bucket of arrival: every figure of a bucket is about the
 * requests created in it (a cohort), whenever their later events happened.
 *
 * Per request, from its events: the first `assigned` (created → first assignment is the wait;
 * a move to another operator is `reassigned` and does not count), the first `closed` (closed
 * before any assignment = abandoned; otherwise first assignment → first close is the handle
 * time), and its offer outcomes. Offers come with "Presence, shifts and offers": an accepted
 * offer is written as `assigned` with trigger `offer`, the others as `offer_declined` and
 * `offer_expired`. Until then nothing writes those, and the offer counts are 0.
 *
 * One compact row per request leaves the database; serviceLevelRows (service-level-buckets.ts)
 * counts and takes the percentiles per bucket. Two ROW_NUMBER passes over the window's requests
 * cost SQLite about as much as the rest of the statement (bench:growth, a week of 19 000
 * arrivals by hour: 376 ms with them, 187 ms without); a numeric sort per bucket costs a few ms.
 *
 * Cost (bench:growth): the window's requests from an index alone, in its order (so grouping per
 * request needs no sort): IDX_requests_created_source for all sources,
 * IDX_requests_source_created (source_id, created_at) for one; each
 * one's few events from IDX_request_events_request alone (it carries type, time and trigger).
 * Nothing outside the window is read, however
 * long the history (events before `from` cannot belong to a request created after it); the
 * work grows with the requests in the window.
 */
@Injectable()
export class ServiceLevelsRepository {
  constructor(private readonly reader: DataSource) {}

  private get dialect(): Dialect {
    return this.reader.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  async requestFigures(window: ServiceLevelWindow): Promise<RequestFigures[]> {
    const sql = DIALECT_SQL[this.dialect];
    const params: unknown[] = [window.from, window.from, window.to];
    let sourceFilter = '';
    if (window.sourceId !== undefined) {
      sourceFilter = 'AND r.source_id = ?';
      params.push(window.sourceId);
    }

    const statement = `
      WITH cohort AS (
        SELECT ${sql.bucketKey('r.created_at', window.bucket)} AS bucket, r.created_at,
          MIN(CASE WHEN e.type = 'assigned' THEN e.created_at END) AS assigned_at,
          MIN(CASE WHEN e.type = 'closed' THEN e.created_at END) AS closed_at,
          SUM(CASE WHEN e.type = 'assigned' AND e.trigger = 'offer' THEN 1 ELSE 0 END) AS accepted,
          SUM(CASE WHEN e.type = 'offer_declined' THEN 1 ELSE 0 END) AS declined,
          SUM(CASE WHEN e.type = 'offer_expired' THEN 1 ELSE 0 END) AS expired
        FROM requests r
        LEFT JOIN request_events e ON e.request_id = r.id
          AND e.type IN ('assigned', 'closed', 'offer_declined', 'offer_expired')
          AND e.created_at >= ?
        WHERE r.created_at >= ? AND r.created_at < ? ${sourceFilter}
        GROUP BY r.created_at, r.source_id, r.id
      )
      SELECT bucket, accepted, declined, expired,
        CASE WHEN closed_at IS NOT NULL AND (assigned_at IS NULL OR closed_at < assigned_at)
          THEN 1 ELSE 0 END AS abandoned,
        CASE WHEN assigned_at IS NOT NULL
          THEN ${sql.secondsBetween('assigned_at', 'created_at')} END AS wait,
        CASE WHEN closed_at >= assigned_at
          THEN ${sql.secondsBetween('closed_at', 'assigned_at')} END AS handle
      FROM cohort`;

    const rows = await readerQuery(this.reader.manager).query<Record<string, unknown>>(
      statement,
      params,
    );
    // A few hundred buckets at most: each key is read once.
    const starts = new Map<unknown, number>();
    const figures = new Array<RequestFigures>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      let bucketStart = starts.get(row.bucket);
      if (bucketStart === undefined) {
        bucketStart = sql.bucketStart(row.bucket, window.bucket);
        starts.set(row.bucket, bucketStart);
      }
      figures[i] = {
        bucketStart,
        wait: numberOrNull(row.wait),
        handle: numberOrNull(row.handle),
        abandoned: Number(row.abandoned) === 1,
        offersAccepted: Number(row.accepted),
        offersDeclined: Number(row.declined),
        offersExpired: Number(row.expired),
      };
    }
    return figures;
  }

  /**
   * The source's arrivals per `bucketSeconds` (UTC, from the epoch) of [from, to), for
   * GET /staffing/plan. One grouped read of IDX_requests_source_created (source_id, created_at):
   * the index alone answers it, however long the history outside the window.
   */
  async arrivalCounts(
    sourceId: number,
    from: Date,
    to: Date,
    bucketSeconds: number,
  ): Promise<ArrivalCountRow[]> {
    const sql = DIALECT_SQL[this.dialect];
    const bucket = `${sql.epoch('created_at')} / ${Math.trunc(bucketSeconds)}`;
    const rows = await readerQuery(this.reader.manager).query<Record<string, unknown>>(
      `SELECT ${bucket} AS bucket, COUNT(*) AS arrivals
        FROM requests
        WHERE source_id = ? AND created_at >= ? AND created_at < ?
        GROUP BY ${bucket}`,
      [sourceId, from, to],
    );
    return rows.map((row) => ({
      bucketStart: Number(row.bucket) * bucketSeconds,
      arrivals: Number(row.arrivals),
    }));
  }

  /**
   * The handle times (first assignment → first close, as requestFigures defines them) of the source's
   * latest `sample` requests created in [from, to): how many were handled, and the seconds they
   * took in all. The latest requests come from an index on created_at read backwards, each
   * one's first assignment and close from IDX_request_events_request, so the cost is bounded by
   * `sample`, not by the window: a mean of thousands of handle times changes little with more.
   * Correlated subqueries, not a join: PostgreSQL would hash-join the whole events table (2 s at
   * 2 000 000 events) where 2 × `sample` index probes take about 150 ms. MATERIALIZED keeps it
   * from running each subquery once per mention.
   */
  async handleTotals(
    sourceId: number,
    from: Date,
    to: Date,
    sample: number,
  ): Promise<HandleTotals> {
    const sql = DIALECT_SQL[this.dialect];
    const [row] = await readerQuery(this.reader.manager).query<Record<string, unknown>>(
      `WITH latest AS (
        SELECT id FROM requests
        WHERE source_id = ? AND created_at >= ? AND created_at < ?
        ORDER BY created_at DESC LIMIT ${Math.trunc(sample)}
      ),
      cohort AS MATERIALIZED (
        SELECT
          (SELECT MIN(e.created_at) FROM request_events e
            WHERE e.request_id = r.id AND e.type = 'assigned') AS assigned_at,
          (SELECT MIN(e.created_at) FROM request_events e
            WHERE e.request_id = r.id AND e.type = 'closed') AS closed_at
        FROM latest r
      )
      SELECT COUNT(*) AS handled,
        SUM(${sql.secondsBetween('closed_at', 'assigned_at')}) AS total
      FROM cohort WHERE closed_at >= assigned_at`,
      [sourceId, from, to],
    );
    return {
      handled: Number(row?.handled ?? 0),
      totalSeconds: Number(row?.total ?? 0),
    };
  }
}

/** PostgreSQL gives numeric and bigint as strings. */
function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}
