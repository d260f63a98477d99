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
  targetAnswerSeconds: number;
}

/** One bucket's figures as the database computes them; buckets without arrivals are absent. */
export interface ServiceLevelRow {
  /** Seconds since the epoch of the bucket's start. */
  bucketStart: number;
  arrivals: number;
  assigned: number;
  abandoned: number;
  answeredWithinTarget: number;
  waitP50: number | null;
  waitP90: number | null;
  waitMax: number | null;
  handleP50: number | null;
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
  /** Seconds from `start` to `end`, to the millisecond. */
  secondsBetween(end: string, start: string): string;
}

const DIALECT_SQL: Record<Dialect, Sql> = {
  // SQLite stores TypeORM's UTC text ("2026-01-27 10:30:00.000"); unixepoch and julianday read it
  // as UTC (unixepoch truncates to the second, as strftime('%s') did at twice the cost per row).
  // julianday's double keeps about 20 µs at today's dates: rounded to the millisecond.
  sqlite: {
    epoch: (column) => `unixepoch(${column})`,
    secondsBetween: (end, start) => `ROUND((julianday(${end}) - julianday(${start})) * 86400.0, 3)`,
  },
  postgres: {
    epoch: (column) => `CAST(FLOOR(EXTRACT(EPOCH FROM ${column})) AS bigint)`,
    secondsBetween: (end, start) => `ROUND(EXTRACT(EPOCH FROM (${end} - ${start})), 3)`,
  },
};

/** ceil(p·n) in integers, which both dialects divide alike: the nearest-rank percentile's rank. */
const rank = (percent: number) => `(n * ${percent} + 99) / 100`;

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
 * Percentiles are nearest-rank (an observed value: the ⌈p·n⌉-th smallest), computed in the
 * database by ROW_NUMBER over each bucket, so only one row per bucket leaves it. Waits are
 * those of the assigned requests; requests still waiting have no wait yet and are left out.
 *
 * Cost: the requests of the window through IDX_requests_created_at, and each one's few events
 * through IDX_request_events_request; nothing outside the window is read, however long the
 * history (events before `from` cannot belong to a request created after it).
 */
@Injectable()
export class ServiceLevelsRepository {
  constructor(private readonly reader: DataSource) {}

  private get dialect(): Dialect {
    return this.reader.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  async byBucket(window: ServiceLevelWindow): Promise<ServiceLevelRow[]> {
    const sql = DIALECT_SQL[this.dialect];
    const size = BUCKET_SECONDS[window.bucket];
    const params: unknown[] = [window.from, window.from, window.to];
    let sourceFilter = '';
    if (window.sourceId !== undefined) {
      sourceFilter = 'AND r.source_id = ?';
      params.push(window.sourceId);
    }
    params.push(window.targetAnswerSeconds);

    const statement = `
      WITH cohort AS (
        SELECT r.id, r.created_at,
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
        GROUP BY r.id, r.created_at
      ),
      timed AS (
        SELECT ${sql.epoch('created_at')} / ${size} AS bucket, assigned_at, accepted, declined, expired,
          CASE WHEN closed_at IS NOT NULL AND (assigned_at IS NULL OR closed_at < assigned_at)
            THEN 1 ELSE 0 END AS abandoned,
          CASE WHEN assigned_at IS NOT NULL
            THEN ${sql.secondsBetween('assigned_at', 'created_at')} END AS wait,
          CASE WHEN closed_at >= assigned_at
            THEN ${sql.secondsBetween('closed_at', 'assigned_at')} END AS handle
        FROM cohort
      ),
      waits AS (
        SELECT bucket, wait, ROW_NUMBER() OVER (PARTITION BY bucket ORDER BY wait) AS position,
          COUNT(*) OVER (PARTITION BY bucket) AS n
        FROM timed WHERE wait IS NOT NULL
      ),
      handles AS (
        SELECT bucket, handle, ROW_NUMBER() OVER (PARTITION BY bucket ORDER BY handle) AS position,
          COUNT(*) OVER (PARTITION BY bucket) AS n
        FROM timed WHERE handle IS NOT NULL
      ),
      wait_ranks AS (
        SELECT bucket,
          MIN(CASE WHEN position = ${rank(50)} THEN wait END) AS p50,
          MIN(CASE WHEN position = ${rank(90)} THEN wait END) AS p90
        FROM waits GROUP BY bucket
      ),
      handle_ranks AS (
        SELECT bucket, MIN(CASE WHEN position = ${rank(50)} THEN handle END) AS p50
        FROM handles GROUP BY bucket
      ),
      counts AS (
        SELECT bucket,
          COUNT(*) AS arrivals,
          COUNT(assigned_at) AS assigned,
          SUM(abandoned) AS abandoned,
          SUM(CASE WHEN wait <= ? THEN 1 ELSE 0 END) AS within_target,
          MAX(wait) AS wait_max,
          SUM(accepted) AS accepted,
          SUM(declined) AS declined,
          SUM(expired) AS expired
        FROM timed GROUP BY bucket
      )
      SELECT c.bucket, c.arrivals, c.assigned, c.abandoned, c.within_target, c.wait_max,
        w.p50 AS wait_p50, w.p90 AS wait_p90, h.p50 AS handle_p50,
        c.accepted, c.declined, c.expired
      FROM counts c
      LEFT JOIN wait_ranks w ON w.bucket = c.bucket
      LEFT JOIN handle_ranks h ON h.bucket = c.bucket
      ORDER BY c.bucket`;

    const rows = await readerQuery(this.reader.manager).query<Record<string, unknown>>(
      statement,
      params,
    );
    return rows.map((row) => ({
      bucketStart: Number(row.bucket) * size,
      arrivals: Number(row.arrivals),
      assigned: Number(row.assigned),
      abandoned: Number(row.abandoned),
      answeredWithinTarget: Number(row.within_target),
      waitP50: numberOrNull(row.wait_p50),
      waitP90: numberOrNull(row.wait_p90),
      waitMax: numberOrNull(row.wait_max),
      handleP50: numberOrNull(row.handle_p50),
      offersAccepted: Number(row.accepted),
      offersDeclined: Number(row.declined),
      offersExpired: Number(row.expired),
    }));
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
   * The handle times (first assignment → first close, as byBucket defines them) of the source's
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
