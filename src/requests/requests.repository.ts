import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import type { Page } from '../common/pagination.dto';
import { readerQuery } from '../database/raw-query';
import { type Dialect, placeholders, sqliteTimestamp, type Tx } from '../database/tx';
import { skillPattern, storeSkills } from '../distribution/skills';
import type { OfferOutcome } from '../offers/offer';
import { NEXT_OFFER_ID } from '../offers/offers.repository';
import { Operator } from '../operators/entities/operator.entity';
import { Source } from '../sources/entities/source.entity';
import type { RequestView } from './dto/request-response.dto';
import type { ListRequestsQueryDto } from './dto/list-requests-query.dto';
import { LeadRequest, type RequestStatus } from './entities/request.entity';
import { MAX_PRIORITY } from './priority';
import { fromRawRequestView, type RawRequestView } from './request-views';

/**
 * A request is waiting while it is active without an operator or a pending offer (partial index
 * IDX_requests_waiting*).
 */
export const WAITING =
  "r.status = 'active' AND r.operator_id IS NULL AND r.pending_offer_id IS NULL";

/**
 * The requests table as `r`, read through the queue's partial index on SQLite: without
 * statistics its planner prefers the equalities of IDX_requests_(source_)operator_status, which
 * also hold every request with a pending offer, so each pass over the queue would read them all
 * (10 000 pending offers: a few ms per pass, and on every intake that drains). INDEXED BY fails
 * loudly should a query stop fitting the index. PostgreSQL picks the partial index itself.
 */
export const waitingRows = (dialect: Dialect, bySource: boolean) =>
  dialect === 'sqlite'
    ? `requests r INDEXED BY "${bySource ? 'IDX_requests_waiting_source' : 'IDX_requests_waiting'}"`
    : 'requests r';

/** The request as the API shows it, with its operator's name (alias `r`). */
const REQUEST_VIEW_COLUMNS = `SELECT r.id AS "id", r.lead_id AS "leadId", r.source_id AS "sourceId",
  r.operator_id AS "operatorId", o.name AS "operatorName", r.status AS "status",
  r.message AS "message", r.created_at AS "createdAt", r.assigned_at AS "assignedAt",
  r.updated_at AS "updatedAt", r.skills AS "skills", r.priority AS "priority",
  r.skills_relaxed AS "skillsRelaxed", s.priority_aging_per_minute AS "agingPerMinute",
  r.pending_offer_id AS "pendingOfferId", r.pending_offer_operator_id AS "pendingOfferOperatorId",
  r.pending_offer_expires_at AS "pendingOfferExpiresAt"`;
const viewFrom = (requests: string) => `${REQUEST_VIEW_COLUMNS}
  FROM ${requests} LEFT JOIN operators o ON o.id = r.operator_id
    JOIN sources s ON s.id = r.source_id`;
const REQUEST_VIEW_SQL = viewFrom('requests r');

// The statements that change a request, each conditional on the state it expects, so a
// concurrent change makes it match nothing instead of doubling work. Those that assign, close or
// end an offer also keep the request's facts for service levels (first_assigned_at,
// first_closed_at: set once; offers_*: counted), in the same statement as the change.
const INSERT_REQUEST = `INSERT INTO requests
  (lead_id, source_id, operator_id, status, message, decision, created_at, assigned_at, updated_at,
    skills, priority, first_assigned_at)
  VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`;
// An offer source's intake: the request with its pending offer, whose id it reserves.
const insertOffered = (dialect: Dialect) => `INSERT INTO requests
  (lead_id, source_id, operator_id, status, message, decision, created_at, assigned_at, updated_at,
    skills, priority, pending_offer_id, pending_offer_operator_id, pending_offer_expires_at)
  VALUES (?, ?, NULL, 'active', ?, ?, ?, NULL, ?, ?, ?, ${NEXT_OFFER_ID[dialect]}, ?, ?)
  RETURNING id, pending_offer_id AS "offerId"`;
const SELECT_VIEW = `${REQUEST_VIEW_SQL} WHERE r.id = ?`;
// PostgreSQL: transitions of one request take turns (the conditional updates stay the guard).
const LOCK_VIEW = `${SELECT_VIEW} FOR UPDATE OF r`;
const SET_STATUS = `UPDATE requests SET status = ?, updated_at = ?
  WHERE id = ? AND status = ? RETURNING id`;
const CLOSE = `UPDATE requests SET status = 'closed', updated_at = ?,
  first_closed_at = COALESCE(first_closed_at, ?) WHERE id = ? AND status = ? RETURNING id`;
const REOPEN_WAITING = `UPDATE requests SET status = 'active', operator_id = NULL,
  assigned_at = NULL, updated_at = ? WHERE id = ? AND status = 'closed' RETURNING id`;
const ASSIGN_WAITING = `UPDATE requests SET operator_id = ?, assigned_at = ?, updated_at = ?,
  decision = ?, first_assigned_at = COALESCE(first_assigned_at, ?) WHERE id = ? AND status = 'active' AND operator_id IS NULL
    AND pending_offer_id IS NULL RETURNING id`;
// Offers: a waiting request gets its pending offer; the offer ends (accepted, or not).
const SET_PENDING_OFFER = `UPDATE requests SET pending_offer_id = ?, pending_offer_operator_id = ?,
  pending_offer_expires_at = ?, decision = ?, updated_at = ?
  WHERE id = ? AND status = 'active' AND operator_id IS NULL AND pending_offer_id IS NULL
  RETURNING id`;
const END_PENDING_OFFER = `UPDATE requests SET pending_offer_id = NULL,
  pending_offer_operator_id = NULL, pending_offer_expires_at = NULL, updated_at = ?,
  offers_declined = offers_declined + ?, offers_expired = offers_expired + ?
  WHERE id = ? AND pending_offer_id = ? RETURNING id`;
const ACCEPT_PENDING_OFFER = `UPDATE requests SET operator_id = pending_offer_operator_id,
  assigned_at = ?, updated_at = ?, pending_offer_id = NULL, pending_offer_operator_id = NULL,
  pending_offer_expires_at = NULL, first_assigned_at = COALESCE(first_assigned_at, ?),
  offers_accepted = offers_accepted + 1
  WHERE id = ? AND status = 'active' AND pending_offer_id = ? RETURNING id`;
// Step 1 of the lock order for an operator's change: the requests offered to it, by id.
const OFFERED_TO = `SELECT id, source_id AS "sourceId" FROM requests
  WHERE pending_offer_operator_id = ? ORDER BY id`;
const MOVE = `UPDATE requests SET operator_id = ?, assigned_at = ?, updated_at = ?, decision = ?
  WHERE id = ? AND status = 'active' AND operator_id = ? RETURNING id`;
const UNASSIGN = `UPDATE requests SET operator_id = NULL, assigned_at = NULL, updated_at = ?
  WHERE id = ? AND status = 'active' AND operator_id = ? RETURNING id`;

const LAST_OPERATOR_OF_LEAD = `SELECT operator_id AS "operatorId" FROM requests
  WHERE lead_id = ? AND source_id = ? AND operator_id IS NOT NULL ORDER BY id DESC LIMIT 1`;
const ACTIVE_OF_OPERATOR = `${REQUEST_VIEW_SQL} WHERE r.operator_id = ? AND r.status = 'active'
  ORDER BY r.id`;
// Step 1 of the lock order (lock-order.service.ts): an operator's requests, in id order.
const LOCK_ACTIVE_OF_OPERATOR = `${ACTIVE_OF_OPERATOR} FOR UPDATE OF r`;

const sourcesWithWaiting = (dialect: Dialect) => `SELECT DISTINCT r.source_id AS "sourceId"
  FROM ${waitingRows(dialect, true)} WHERE ${WAITING} ORDER BY r.source_id`;

/**
 * A waiting request's effective priority at the instant bound to its one `?`, in SQL (the
 * same rule as effectivePriority in priority.ts): min(100, priority + floor(minutes waited ×
 * the source's aging per minute)). Needs `r` and its source `s`.
 */
const EFFECTIVE_PRIORITY: Record<Dialect, string> = {
  sqlite: `MIN(${MAX_PRIORITY}, r.priority + CAST((julianday(?) - julianday(r.created_at)) * 1440
    * s.priority_aging_per_minute AS INTEGER))`,
  postgres: `LEAST(${MAX_PRIORITY}, r.priority + CAST(FLOOR(EXTRACT(EPOCH FROM
    (CAST(? AS timestamptz) - r.created_at)) / 60 * s.priority_aging_per_minute) AS integer))`,
};
/** The queue's order: effective priority, then oldest. */
const queueOrder = (dialect: Dialect) => `${EFFECTIVE_PRIORITY[dialect]} DESC, r.created_at, r.id`;

// The next waiting request of these sources, not among those a drain passed over. On
// PostgreSQL the row is locked and rows other transactions hold are skipped, so two drains
// never take the same one.
const nextWaiting = (dialect: Dialect, sources: number, passedOver: number) =>
  `${viewFrom(waitingRows(dialect, true))} WHERE ${WAITING} AND r.source_id IN (${placeholders(sources)})` +
  (passedOver > 0 ? ` AND r.id NOT IN (${placeholders(passedOver)})` : '') +
  ` ORDER BY ${queueOrder(dialect)} LIMIT 1` +
  (dialect === 'postgres' ? ' FOR UPDATE OF r SKIP LOCKED' : '');

// Skill fallback: waiting requests that need skills and have waited their source's
// skill_fallback_seconds by the instant bound last (the source's current setting applies).
const FALLBACK_DUE: Record<Dialect, string> = {
  sqlite: 'julianday(r.created_at) + s.skill_fallback_seconds / 86400.0 <= julianday(?)',
  postgres: `r.created_at + s.skill_fallback_seconds * INTERVAL '1 second' <= CAST(? AS timestamptz)`,
};
const dueForRelax = (dialect: Dialect) => `SELECT r.id FROM ${waitingRows(dialect, false)}
  JOIN sources s ON s.id = r.source_id
  WHERE ${WAITING} AND r.skills_relaxed = ? AND r.skills <> '[]'
    AND s.skill_fallback_seconds IS NOT NULL AND ${FALLBACK_DUE[dialect]}
  ORDER BY r.created_at, r.id LIMIT ?`;
const RELAX = `UPDATE requests SET skills_relaxed = ?, updated_at = ?
  WHERE id = ? AND status = 'active' AND operator_id IS NULL AND skills_relaxed = ? RETURNING id`;

export interface NewRequest {
  leadId: number;
  sourceId: number;
  operatorId: number | null;
  message: string | null;
  decision: string;
  at: Date;
  skills: readonly string[];
  priority: number;
}

/** Requests of one source per operator (null: never assigned) and status. */
export interface StatusCount {
  sourceId: number;
  operatorId: number | null;
  status: RequestStatus;
  count: number;
}

export interface WaitingSummary {
  sourceId: number;
  waiting: number;
  oldest: Date | string | null;
}

const changed = (rows: unknown[]) => rows.length === 1;

/**
 * The requests table. The writes are RequestLifecycleService's alone (and PostgresIntake's one
 * statement); reads outside a transaction go to the reader.
 */
@Injectable()
export class RequestsRepository {
  constructor(@InjectDataSource() private readonly reader: DataSource) {}

  async insert(tx: Tx, request: NewRequest): Promise<number> {
    const assignedAt = request.operatorId === null ? null : request.at;
    const [{ id }] = await tx.query<{ id: number }>(INSERT_REQUEST, [
      request.leadId,
      request.sourceId,
      request.operatorId,
      request.message,
      request.decision,
      request.at,
      assignedAt,
      request.at,
      storeSkills(request.skills),
      request.priority,
      assignedAt,
    ]);
    return Number(id);
  }

  /**
   * A new request offered at once to `offer.operatorId`: its row carries the pending offer, whose
   * id it reserves (the caller inserts the offer with it: OffersRepository.insertReserved).
   */
  async insertOffered(
    tx: Tx,
    request: Omit<NewRequest, 'operatorId'>,
    offer: { operatorId: number; expiresAt: Date },
  ): Promise<{ id: number; offerId: number }> {
    const [row] = await tx.query<{ id: number; offerId: number }>(insertOffered(tx.dialect), [
      request.leadId,
      request.sourceId,
      request.message,
      request.decision,
      request.at,
      request.at,
      storeSkills(request.skills),
      request.priority,
      offer.operatorId,
      offer.expiresAt,
    ]);
    return { id: Number(row.id), offerId: Number(row.offerId) };
  }

  /** The request as the API shows it; on PostgreSQL its row stays locked until the end. */
  async lock(tx: Tx, id: number): Promise<RequestView | null> {
    const [row] = await tx.query<RawRequestView>(
      tx.dialect === 'postgres' ? LOCK_VIEW : SELECT_VIEW,
      [id],
    );
    return row ? fromRawRequestView(row) : null;
  }

  /** In `tx`, or as committed (the reader) without one. */
  async find(id: number, tx?: Tx): Promise<RequestView | null> {
    const [row] = await (tx ?? this.readerQuery()).query<RawRequestView>(SELECT_VIEW, [id]);
    return row ? fromRawRequestView(row) : null;
  }

  exists(id: number): Promise<boolean> {
    return this.reader.manager.existsBy(LeadRequest, { id });
  }

  async setStatus(
    tx: Tx,
    id: number,
    from: RequestStatus,
    to: RequestStatus,
    at: Date,
  ): Promise<boolean> {
    return changed(
      to === 'closed'
        ? await tx.query(CLOSE, [at, at, id, from])
        : await tx.query(SET_STATUS, [to, at, id, from]),
    );
  }

  async reopenWaiting(tx: Tx, id: number, at: Date): Promise<boolean> {
    return changed(await tx.query(REOPEN_WAITING, [at, id]));
  }

  /** Gives the request its operator: from waiting (`from` null) or from another operator. */
  async move(
    tx: Tx,
    id: number,
    from: number | null,
    to: number,
    decision: string,
    at: Date,
  ): Promise<boolean> {
    return changed(
      from === null
        ? await tx.query(ASSIGN_WAITING, [to, at, at, decision, at, id])
        : await tx.query(MOVE, [to, at, at, decision, id, from]),
    );
  }

  /** The waiting request is offered (not given): it stops waiting while the offer is pending. */
  async setPendingOffer(
    tx: Tx,
    id: number,
    offer: { id: number; operatorId: number; expiresAt: Date },
    decision: string,
    at: Date,
  ): Promise<boolean> {
    return changed(
      await tx.query(SET_PENDING_OFFER, [
        offer.id,
        offer.operatorId,
        offer.expiresAt,
        decision,
        at,
        id,
      ]),
    );
  }

  /**
   * The pending offer ended without an accept (`outcome`): the request has none (and may wait).
   */
  async endPendingOffer(
    tx: Tx,
    id: number,
    offerId: number,
    at: Date,
    outcome: Exclude<OfferOutcome, 'accepted'>,
  ): Promise<boolean> {
    return changed(
      await tx.query(END_PENDING_OFFER, [
        at,
        outcome === 'declined' ? 1 : 0,
        outcome === 'expired' ? 1 : 0,
        id,
        offerId,
      ]),
    );
  }

  /** The pending offer was accepted: its operator has the request. */
  async acceptPendingOffer(tx: Tx, id: number, offerId: number, at: Date): Promise<boolean> {
    return changed(await tx.query(ACCEPT_PENDING_OFFER, [at, at, at, id, offerId]));
  }

  /**
   * The requests offered to this operator, by id; on PostgreSQL locked (step 1 of the lock
   * order, before an operator change that may withdraw those offers).
   */
  async lockOfferedTo(
    tx: Tx,
    operatorId: number,
  ): Promise<Array<{ id: number; sourceId: number }>> {
    const sql = tx.dialect === 'postgres' ? `${OFFERED_TO} FOR UPDATE` : OFFERED_TO;
    const rows = await tx.query<{ id: number; sourceId: number }>(sql, [operatorId]);
    return rows.map((row) => ({ id: Number(row.id), sourceId: Number(row.sourceId) }));
  }

  /**
   * The requests offered to this operator, by id, without a lock: the re-check after steps 2
   * and 3, which must not wait for a request row (whose holder may wait for those locks).
   */
  async offeredTo(tx: Tx, operatorId: number): Promise<Array<{ id: number; sourceId: number }>> {
    const rows = await tx.query<{ id: number; sourceId: number }>(OFFERED_TO, [operatorId]);
    return rows.map((row) => ({ id: Number(row.id), sourceId: Number(row.sourceId) }));
  }

  async unassign(tx: Tx, id: number, from: number, at: Date): Promise<boolean> {
    return changed(await tx.query(UNASSIGN, [at, id, from]));
  }

  async lastOperatorOfLead(tx: Tx, leadId: number, sourceId: number): Promise<number | null> {
    const [row] = await tx.query<{ operatorId: number }>(LAST_OPERATOR_OF_LEAD, [leadId, sourceId]);
    return row ? Number(row.operatorId) : null;
  }

  /**
   * The operator's active requests, oldest first; on PostgreSQL their rows stay locked until the
   * end (taken in id order, as the lock order asks).
   */
  async lockActiveOf(tx: Tx, operatorId: number): Promise<RequestView[]> {
    const rows = await tx.query<RawRequestView>(
      tx.dialect === 'postgres' ? LOCK_ACTIVE_OF_OPERATOR : ACTIVE_OF_OPERATOR,
      [operatorId],
    );
    return rows
      .map(fromRawRequestView)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
  }

  /**
   * The first waiting request of these sources in the queue's order as of `now`, leaving out
   * `passedOver`; on PostgreSQL locked (see nextWaiting).
   */
  async nextWaiting(
    tx: Tx,
    sourceIds: readonly number[],
    passedOver: readonly number[],
    now: Date,
  ): Promise<RequestView | null> {
    const [row] = await tx.query<RawRequestView>(
      nextWaiting(tx.dialect, sourceIds.length, passedOver.length),
      [...sourceIds, ...passedOver, now],
    );
    return row ? fromRawRequestView(row) : null;
  }

  /**
   * The waiting requests of these sources but `passedOver`, without taking or waiting for any
   * lock: what a drain with SKIP LOCKED did not see (PostgreSQL).
   */
  async waitingIds(
    tx: Tx,
    sourceIds: readonly number[],
    passedOver: readonly number[],
  ): Promise<number[]> {
    const rows = await tx.query<{ id: number }>(
      `SELECT r.id FROM ${waitingRows(tx.dialect, true)} WHERE ${WAITING} AND r.source_id IN (${placeholders(sourceIds.length)})` +
        (passedOver.length > 0 ? ` AND r.id NOT IN (${placeholders(passedOver.length)})` : ''),
      [...sourceIds, ...passedOver],
    );
    return rows.map((row) => Number(row.id));
  }

  /** Step 1 of the lock order for these requests, by id (PostgreSQL; SQLite has one writer). */
  async lockMany(tx: Tx, ids: readonly number[]): Promise<void> {
    if (tx.dialect !== 'postgres' || ids.length === 0) return;
    await tx.query(
      `SELECT id FROM requests WHERE id IN (${placeholders(ids.length)}) ORDER BY id FOR UPDATE`,
      [...ids].sort((a, b) => a - b),
    );
  }

  /** Waiting requests whose skill fallback is due at `now`, oldest first (from the reader). */
  async dueForRelax(now: Date, limit: number): Promise<number[]> {
    const rows = await this.readerQuery().query<{ id: number }>(dueForRelax(this.dialect()), [
      false,
      now,
      limit,
    ]);
    return rows.map((row) => Number(row.id));
  }

  /** Marks a waiting request relaxed; false when it no longer waits or already was. */
  async relax(tx: Tx, id: number, at: Date): Promise<boolean> {
    return changed(await tx.query(RELAX, [true, at, id, false]));
  }

  /** A query builder's statement over `requests r`, read on SQLite as waitingRows reads it. */
  private queryThroughQueueIndex<T>(
    builder: SelectQueryBuilder<LeadRequest>,
    bySource: boolean,
  ): Promise<T[]> {
    const [sql, parameters] = builder.getQueryAndParameters();
    const from = 'FROM "requests" "r"';
    if (!sql.includes(from)) throw new Error(`no ${from} to read through the queue's index`);
    const indexed = sql.replace(from, `FROM ${waitingRows('sqlite', bySource)}`);
    return this.reader.query(indexed, parameters);
  }

  /** The sources that have waiting requests, by id (from the reader). */
  async sourcesWithWaiting(): Promise<number[]> {
    const rows = await this.readerQuery().query<{ sourceId: number }>(
      sourcesWithWaiting(this.dialect()),
    );
    return rows.map((row) => Number(row.sourceId));
  }

  /** The stored decision of a request (null: it predates recorded decisions), or null: none. */
  findDecision(id: number): Promise<Pick<LeadRequest, 'id' | 'sourceId' | 'decision'> | null> {
    return this.reader.manager.findOne(LeadRequest, {
      select: { id: true, sourceId: true, decision: true },
      where: { id },
    });
  }

  /** A page of requests by the list's filters: the queue oldest first, everything else by id. */
  async page(query: ListRequestsQueryDto, now: Date): Promise<Page<RequestView>> {
    const filters = selectViews(this.reader.manager);
    if (query.source_id !== undefined)
      filters.andWhere('r.source_id = :sourceId', { sourceId: query.source_id });
    if (query.operator_id !== undefined)
      filters.andWhere('r.operator_id = :operatorId', { operatorId: query.operator_id });
    if (query.lead_id !== undefined)
      filters.andWhere('r.lead_id = :leadId', { leadId: query.lead_id });
    if (query.status !== undefined)
      filters.andWhere('r.status = :status', { status: query.status });
    if (query.waiting === true) filters.andWhere(WAITING);
    if (query.waiting === false) filters.andWhere(`NOT (${WAITING})`);
    if (query.skill !== undefined)
      filters.andWhere('r.skills LIKE :skill', { skill: skillPattern(query.skill) });
    if (query.priority !== undefined)
      filters.andWhere('r.priority = :priority', { priority: query.priority });
    const ordered = filters.clone();
    // The queue is listed in the order it drains; everything else by id.
    if (query.waiting === true) {
      const dialect = this.dialect();
      const priority = EFFECTIVE_PRIORITY[dialect].replace('?', ':now');
      ordered
        .orderBy(priority, 'DESC')
        .addOrderBy('r.created_at', 'ASC')
        .addOrderBy('r.id', 'ASC')
        .setParameter('now', dialect === 'sqlite' ? sqliteTimestamp(now) : now);
    } else {
      ordered.orderBy('r.id', 'ASC');
    }
    ordered.offset(query.offset).limit(query.limit);
    if (query.waiting === true && this.dialect() === 'sqlite') {
      // As every other read of the queue: through its partial index (see waitingRows).
      const bySource = query.source_id !== undefined;
      const rows = await this.queryThroughQueueIndex<RawRequestView>(ordered, bySource);
      const [count] = await this.queryThroughQueueIndex<{ total: number | string }>(
        filters.clone().select('COUNT(*)', 'total'),
        bySource,
      );
      return { items: rows.map(fromRawRequestView), total: Number(count.total) };
    }
    const [rows, total] = await Promise.all([
      ordered.getRawMany<RawRequestView>(),
      filters.getCount(),
    ]);
    return { items: rows.map(fromRawRequestView), total };
  }

  /** These leads' requests with their source's name, by id. */
  async ofLeads(leadIds: readonly number[]): Promise<Array<RequestView & { sourceName: string }>> {
    if (leadIds.length === 0) return [];
    const rows = await selectViews(this.reader.manager)
      .addSelect('s.name', 'sourceName')
      .where('r.lead_id IN (:...leadIds)', { leadIds })
      .orderBy('r.id', 'ASC')
      .getRawMany<RawRequestView & { sourceName: string }>();
    return rows.map((row) => ({ ...fromRawRequestView(row), sourceName: row.sourceName }));
  }

  /** Counts per source, operator and status; read from IDX_requests_source_operator_status alone. */
  async statusCounts(sourceIds: readonly number[]): Promise<StatusCount[]> {
    const rows = await this.reader.manager
      .createQueryBuilder(LeadRequest, 'r')
      .select('r.source_id', 'sourceId')
      .addSelect('r.operator_id', 'operatorId')
      .addSelect('r.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('r.source_id IN (:...sourceIds)', { sourceIds })
      .groupBy('r.source_id')
      .addGroupBy('r.operator_id')
      .addGroupBy('r.status')
      .getRawMany<{ sourceId: unknown; operatorId: unknown; status: RequestStatus; n: unknown }>();
    return rows.map((row) => ({
      sourceId: Number(row.sourceId),
      operatorId: row.operatorId === null ? null : Number(row.operatorId),
      status: row.status,
      count: Number(row.n),
    }));
  }

  /** Per source: how many wait and since when. */
  async waitingBySource(sourceIds: readonly number[]): Promise<WaitingSummary[]> {
    const rows = await this.readerQuery().query<{
      sourceId: unknown;
      waiting: unknown;
      oldest: Date | string | null;
    }>(
      `SELECT r.source_id AS "sourceId", COUNT(*) AS "waiting", MIN(r.created_at) AS "oldest"
        FROM ${waitingRows(this.dialect(), true)}
        WHERE ${WAITING} AND r.source_id IN (${placeholders(sourceIds.length)})
        GROUP BY r.source_id`,
      [...sourceIds],
    );
    return rows.map((row) => ({
      sourceId: Number(row.sourceId),
      waiting: Number(row.waiting),
      oldest: row.oldest,
    }));
  }

  private dialect(): Dialect {
    return this.reader.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  private readerQuery(): Pick<Tx, 'query'> {
    return readerQuery(this.reader.manager);
  }
}

/** Requests with their operator's name, selected as RequestView columns (alias `r`). */
function selectViews(manager: EntityManager): SelectQueryBuilder<LeadRequest> {
  return manager
    .createQueryBuilder(LeadRequest, 'r')
    .leftJoin(Operator, 'o', 'o.id = r.operator_id')
    .innerJoin(Source, 's', 's.id = r.source_id')
    .select([
      'r.id AS "id"',
      'r.lead_id AS "leadId"',
      'r.source_id AS "sourceId"',
      'r.operator_id AS "operatorId"',
      'o.name AS "operatorName"',
      'r.status AS "status"',
      'r.message AS "message"',
      'r.created_at AS "createdAt"',
      'r.assigned_at AS "assignedAt"',
      'r.updated_at AS "updatedAt"',
      'r.skills AS "skills"',
      'r.priority AS "priority"',
      'r.skills_relaxed AS "skillsRelaxed"',
      's.priority_aging_per_minute AS "agingPerMinute"',
      'r.pending_offer_id AS "pendingOfferId"',
      'r.pending_offer_operator_id AS "pendingOfferOperatorId"',
      'r.pending_offer_expires_at AS "pendingOfferExpiresAt"',
    ]);
}
