import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Page } from '../common/pagination.dto';
import { readerQuery } from '../database/raw-query';
import { parseDbTimestamp } from '../database/timestamps';
import type { Dialect, Tx } from '../database/tx';
import type { Offer, OfferOutcome, OfferStatus } from './offer';

const COLUMNS = `id, request_id AS "requestId", operator_id AS "operatorId", status,
  created_at AS "createdAt", expires_at AS "expiresAt", decided_at AS "decidedAt", reason,
  excluding`;
const INSERT = `INSERT INTO offers (request_id, operator_id, status, created_at, expires_at, excluding)
  VALUES (?, ?, 'pending', ?, ?, ?) RETURNING id`;
const INSERT_WITH_ID = `INSERT INTO offers
  (id, request_id, operator_id, status, created_at, expires_at, excluding)
  VALUES (?, ?, ?, 'pending', ?, ?, ?)`;

/**
 * The id the next offer takes, as an SQL expression: a request's insert reserves it for its
 * pending offer, so the request row needs no second write once the offer exists. PostgreSQL's
 * sequence hands it out; SQLite's one writer reads what AUTOINCREMENT would give next (the
 * offer is inserted with it in the same transaction, which moves sqlite_sequence on).
 */
export const NEXT_OFFER_ID: Record<Dialect, string> = {
  sqlite: `(SELECT COALESCE(MAX(seq), 0) + 1 FROM sqlite_sequence WHERE name = 'offers')`,
  postgres: `nextval(pg_get_serial_sequence('offers', 'id'))`,
};
const SELECT = `SELECT ${COLUMNS} FROM offers WHERE id = ?`;
// Conditional on pending: an offer ends once, whichever instance gets there first.
const DECIDE = `UPDATE offers SET status = ?, decided_at = ?, reason = ?, excluding = ?
  WHERE id = ? AND status = 'pending' RETURNING id`;
const EXCLUDED_OPERATORS = `SELECT DISTINCT operator_id AS "operatorId" FROM offers
  WHERE request_id = ? AND excluding = ?`;
const CLEAR_EXCLUSIONS = `UPDATE offers SET excluding = ? WHERE request_id = ? AND excluding = ?`;
// The expiry pass's one read: pending offers whose time is up (IDX_offers_pending_expiry).
// SQLite, without statistics, prefers IDX_offers_status (status = ?): every pass then reads and
// sorts all pending offers (4 ms a pass with 10 000 pending); the partial index reads none.
const DUE: Record<Dialect, string> = {
  sqlite: `SELECT id FROM offers INDEXED BY "IDX_offers_pending_expiry"
    WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at, id LIMIT ?`,
  postgres: `SELECT id FROM offers WHERE status = 'pending' AND expires_at <= ?
    ORDER BY expires_at, id LIMIT ?`,
};
export interface OfferFilters {
  operator_id?: number;
  request_id?: number;
  status?: OfferStatus;
  limit: number;
  offset: number;
}

function toOffer(row: Record<string, unknown>): Offer {
  return {
    id: Number(row.id),
    requestId: Number(row.requestId),
    operatorId: Number(row.operatorId),
    status: row.status as OfferStatus,
    createdAt: parseDbTimestamp(row.createdAt as Date | string),
    expiresAt: parseDbTimestamp(row.expiresAt as Date | string),
    decidedAt: row.decidedAt == null ? null : parseDbTimestamp(row.decidedAt as Date | string),
    reason: (row.reason as string | null) ?? null,
    excluding: Boolean(row.excluding),
  };
}

/** The offers table: every offer ever made, written by the request lifecycle alone. */
@Injectable()
export class OffersRepository {
  constructor(@InjectDataSource() private readonly reader: DataSource) {}

  async insert(
    tx: Tx,
    offer: { requestId: number; operatorId: number; createdAt: Date; expiresAt: Date },
  ): Promise<number> {
    const [{ id }] = await tx.query<{ id: number }>(INSERT, [
      offer.requestId,
      offer.operatorId,
      offer.createdAt,
      offer.expiresAt,
      false,
    ]);
    return Number(id);
  }

  /** An offer with the id its request's insert reserved (NEXT_OFFER_ID). */
  async insertReserved(
    tx: Tx,
    offer: { id: number; requestId: number; operatorId: number; createdAt: Date; expiresAt: Date },
  ): Promise<void> {
    await tx.query(INSERT_WITH_ID, [
      offer.id,
      offer.requestId,
      offer.operatorId,
      offer.createdAt,
      offer.expiresAt,
      false,
    ]);
  }

  /** In `tx`, or as committed (the reader) without one. */
  async find(id: number, tx?: Tx): Promise<Offer | null> {
    const [row] = await (tx ?? this.readerQuery()).query<Record<string, unknown>>(SELECT, [id]);
    return row ? toOffer(row) : null;
  }

  /** Ends a pending offer; false when it was not pending any more. */
  async decide(
    tx: Tx,
    id: number,
    outcome: OfferOutcome,
    at: Date,
    reason: string | null,
    excluding: boolean,
  ): Promise<boolean> {
    return (await tx.query(DECIDE, [outcome, at, reason, excluding, id])).length === 1;
  }

  /** The operators this request must not be offered to again (they declined or let it lapse). */
  async excludedOperators(tx: Tx, requestId: number): Promise<number[]> {
    const rows = await tx.query<{ operatorId: number }>(EXCLUDED_OPERATORS, [requestId, true]);
    return rows.map((row) => Number(row.operatorId));
  }

  /** Nobody else was left: those who said no may be offered the request again. */
  async clearExclusions(tx: Tx, requestId: number): Promise<void> {
    await tx.query(CLEAR_EXCLUSIONS, [false, requestId, true]);
  }

  /** Pending offers whose expiry has come by `now`, soonest first (from the reader). */
  async due(now: Date, limit: number): Promise<number[]> {
    const dialect: Dialect = this.reader.options.type === 'postgres' ? 'postgres' : 'sqlite';
    const rows = await this.readerQuery().query<{ id: number }>(DUE[dialect], [now, limit]);
    return rows.map((row) => Number(row.id));
  }

  /** A page of offers by id, filtered. */
  async page(filters: OfferFilters): Promise<Page<Offer>> {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [column, value] of [
      ['operator_id', filters.operator_id],
      ['request_id', filters.request_id],
      ['status', filters.status],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      params.push(value);
    }
    const clause = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
    const query = this.readerQuery();
    const [rows, [count]] = await Promise.all([
      query.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM offers${clause} ORDER BY id LIMIT ? OFFSET ?`,
        [...params, filters.limit, filters.offset],
      ),
      query.query<{ n: number }>(`SELECT COUNT(*) AS n FROM offers${clause}`, params),
    ]);
    return { items: rows.map(toOffer), total: Number(count.n) };
  }

  private readerQuery(): Pick<Tx, 'query'> {
    return readerQuery(this.reader.manager);
  }
}
