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
 * The requests that arrived in one bucket as the database sums them up: their counts, and the
 * values whose percentiles service-level-buckets.ts takes. Buckets without arrivals are absent.
 */
export interface BucketFigures {
  /** Seconds since the epoch of the bucket's start. */
  bucketStart: number;
  arrivals: number;
  /** Closed before any assignment. */
  abandoned: number;
  offersAccepted: number;
  offersDeclined: number;
  offersExpired: number;
  /** Created → first assignment of each request assigned, in seconds to the ms; in no order. */
  waits: Float64Array;
  /** First assignment → first close of each request closed after it was assigned; in no order. */
  handles: Float64Array;
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
  /**
   * Whole milliseconds from `start` to `end` (both are stored to the millisecond): integers sum
   * exactly and print fast, and ms / 1000 is the double nearest the seconds to the millisecond.
   */
  millisBetween(end: string, start: string): string;
  /** A group's non-null integers as one text, separated by commas (null: none). */
  listOf(value: string): string;
}

const DIALECT_SQL: Record<Dialect, Sql> = {
  // SQLite stores TypeORM's UTC text ("2026-01-27 10:30:00.000"); unixepoch reads it as UTC,
  // truncated to the second (half the cost of strftime('%s')), or with 'subsec' to the
  // millisecond as a double within a microsecond of it (rounded; two thirds of julianday's cost).
  sqlite: {
    epoch: (column) => `unixepoch(${column})`,
    bucketKey: (column, bucket) => `substr(${column}, 1, ${bucket === 'hour' ? 13 : 10})`,
    // "2026-01-27 10" or "2026-01-27", read as UTC as unixepoch read it.
    bucketStart: (key, bucket) => {
      const text = String(key);
      const hour = bucket === 'hour' ? text.slice(11, 13) : '00';
      return Date.parse(`${text.slice(0, 10)}T${hour}:00:00Z`) / 1000;
    },
    millisBetween: (end, start) =>
      `CAST(ROUND((unixepoch(${end}, 'subsec') - unixepoch(${start}, 'subsec')) * 1000) AS INTEGER)`,
    listOf: (value) => `group_concat(${value})`,
  },
  postgres: {
    epoch: (column) => `CAST(FLOOR(EXTRACT(EPOCH FROM ${column})) AS bigint)`,
    bucketKey: (column, bucket) =>
      `CAST(FLOOR(EXTRACT(EPOCH FROM ${column})) AS bigint) / ${BUCKET_SECONDS[bucket]}`,
    bucketStart: (key, bucket) => Number(key) * BUCKET_SECONDS[bucket],
    millisBetween: (end, start) => `CAST(EXTRACT(EPOCH FROM (${end} - ${start})) * 1000 AS bigint)`,
    listOf: (value) => `string_agg(CAST(${value} AS text), ',')`,
  },
};

/**
 * The request history summed up per bucket of arrival: every figure of a bucket is about the
 * requests created in it (a cohort), whenever their later events happened.
 *
 * Per request, from the facts its row keeps (migration RequestFacts; written by the statement
 * of each change, as its history says): `first_assigned_at`, the first `assigned` (created →
 * first assignment is the wait; a move to another operator is `reassigned` and does not count;
 * an accepted offer is an assignment), `first_closed_at`, the first `closed` (closed before any
 * assignment = abandoned; otherwise first assignment → first close is the handle time), and its
 * offers' outcomes (`offers_accepted`, `offers_declined`, `offers_expired`).
 *
 * One row per bucket leaves the database: the counts, and the waits and handle times as lists of
 * numbers (the percentiles are nearest-rank, an observed value, which neither database computes
 * alike: serviceLevelRows in service-level-buckets.ts sorts and ranks them). A row per request
 * cost twice as much: building 19 000 row objects took longer than the index read and the
 * arithmetic (bench:growth, SQLite, a week of 19 000 arrivals: 35 ms for the statement alone
 * against 18 ms grouped).
 *
 * Cost (bench:growth): the window is one range read of an index that holds every column the
 * statement needs, IDX_requests_created_facts (created_at, facts) for all sources,
 * IDX_requests_source_created_facts (source_id, created_at, facts) for one; no table row and no
 * event is read. Nothing outside the window is read, however long the history; the work grows
 * with the requests in the window.
 */
@Injectable()
export class ServiceLevelsRepository {
  constructor(private readonly reader: DataSource) {}

  private get dialect(): Dialect {
    return this.reader.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  async bucketFigures(window: ServiceLevelWindow): Promise<BucketFigures[]> {
    const sql = DIALECT_SQL[this.dialect];
    const params: unknown[] = [window.from, window.to];
    let sourceFilter = '';
    if (window.sourceId !== undefined) {
      sourceFilter = 'AND source_id = ?';
      params.push(window.sourceId);
    }

    // The wait is null while never assigned (so is any difference with a null), and lists skip
    // nulls.
    const statement = `
      SELECT ${sql.bucketKey('created_at', window.bucket)} AS bucket, COUNT(*) AS arrivals,
        SUM(CASE WHEN first_closed_at IS NOT NULL
            AND (first_assigned_at IS NULL OR first_closed_at < first_assigned_at)
          THEN 1 ELSE 0 END) AS abandoned,
        SUM(offers_accepted) AS accepted, SUM(offers_declined) AS declined,
        SUM(offers_expired) AS expired,
        ${sql.listOf(sql.millisBetween('first_assigned_at', 'created_at'))} AS waits,
        ${sql.listOf(
          `CASE WHEN first_closed_at >= first_assigned_at
            THEN ${sql.millisBetween('first_closed_at', 'first_assigned_at')} END`,
        )} AS handles
      FROM requests
      WHERE created_at >= ? AND created_at < ? ${sourceFilter}
      GROUP BY ${sql.bucketKey('created_at', window.bucket)}`;

    const rows = await readerQuery(this.reader.manager).query<Record<string, unknown>>(
      statement,
      params,
    );
    return rows.map((row) => ({
      bucketStart: sql.bucketStart(row.bucket, window.bucket),
      arrivals: Number(row.arrivals),
      abandoned: Number(row.abandoned),
      offersAccepted: Number(row.accepted),
      offersDeclined: Number(row.declined),
      offersExpired: Number(row.expired),
      waits: seconds(row.waits),
      handles: seconds(row.handles),
    }));
  }

  /**
   * The source's arrivals per `bucketSeconds` (UTC, from the epoch) of [from, to), for
   * GET /staffing/plan. One grouped read of IDX_requests_source_created_facts (source_id,
   * created_at, …): the index alone answers it, however long the history outside the window.
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
   * The handle times (first assignment → first close, as bucketFigures defines them) of the
   * source's latest `sample` requests created in [from, to): how many were handled, and the
   * seconds they took in all. The latest come from IDX_requests_source_created_facts read
   * backwards, with their facts, so the cost is bounded by `sample`, not by the window: a mean
   * of thousands of handle times changes little with more.
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
        SELECT first_assigned_at, first_closed_at FROM requests
        WHERE source_id = ? AND created_at >= ? AND created_at < ?
        ORDER BY created_at DESC LIMIT ${Math.trunc(sample)}
      )
      SELECT COUNT(*) AS handled,
        SUM(${sql.millisBetween('first_closed_at', 'first_assigned_at')}) AS total
      FROM latest WHERE first_closed_at >= first_assigned_at`,
      [sourceId, from, to],
    );
    return {
      handled: Number(row?.handled ?? 0),
      totalSeconds: Number(row?.total ?? 0) / 1000,
    };
  }
}

/** A list of milliseconds as listOf wrote it, in seconds. */
function seconds(list: unknown): Float64Array {
  return typeof list === 'string' && list !== ''
    ? Float64Array.from(list.split(','), (millis) => Number(millis) / 1000)
    : new Float64Array(0);
}
