import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Raw, Repository } from 'typeorm';
import { parseSkills, skillPattern } from '../distribution/skills';
import { findPage, type Page, type PaginationQueryDto } from '../common/pagination.dto';
import { readerQuery } from '../database/raw-query';
import { parseDbTimestamp } from '../database/timestamps';
import type { Schedule } from '../shifts/schedule';
import { parseSchedule } from '../shifts/schedule-column';
import { placeholders, type Tx } from '../database/tx';
import { Operator } from './entities/operator.entity';
import type { Presence } from './presence';

/** An operator's row as a state change reads it. */
export interface OperatorRow {
  id: number;
  name: string;
  isActive: boolean;
  currentLoad: number;
  offeredLoad: number;
  maxLoad: number;
  skills: string[];
  presence: Presence;
  presenceReason: string | null;
  schedule: Schedule | null;
  nextShiftChangeAt: Date | null;
}

/** The columns a change may write; current_load is the lifecycle's alone. */
export type OperatorChanges = Partial<
  Pick<
    Operator,
    | 'name'
    | 'isActive'
    | 'maxLoad'
    | 'skills'
    | 'presence'
    | 'presenceReason'
    | 'presenceSince'
    | 'schedule'
    | 'nextShiftChangeAt'
  >
>;

/**
 * What a claim takes: a unit of current_load (an assignment) or of offered_load (a pending
 * offer). Both count against max_load.
 */
export type ClaimKind = 'assign' | 'offer';
const LOAD_COLUMN: Record<ClaimKind, string> = { assign: 'current_load', offer: 'offered_load' };

/** Room left: pending offers hold room as active requests do (invariant 1). */
export const HAS_ROOM = 'current_load + offered_load < max_load';

// The capacity check and the increment are one statement: no interleaving can pass max_load.
// The work-taking state (activity, presence) is re-checked with it; a person's manual assignment
// may give work to an operator who is away (`anyPresence`).
const claimOperator = (anyPresence: boolean, kind: ClaimKind) =>
  `UPDATE operators SET ${LOAD_COLUMN[kind]} = ${LOAD_COLUMN[kind]} + 1
  WHERE id = ? AND ${HAS_ROOM} AND is_active = ?${anyPresence ? '' : " AND presence = 'available'"}
  RETURNING id`;
// After a lost claim (PostgreSQL): the same claim, but an operator locked by another transaction
// is a conflict (55P03, the transaction runs again) instead of a wait (see lock-order.service.ts).
const claimOperatorNowait = (kind: ClaimKind) =>
  `UPDATE operators SET ${LOAD_COLUMN[kind]} = ${LOAD_COLUMN[kind]} + 1
  WHERE id = (SELECT id FROM operators WHERE id = ? FOR NO KEY UPDATE NOWAIT)
    AND ${HAS_ROOM} AND is_active = ? AND presence = 'available' RETURNING id`;
const RELEASE_OPERATOR = `UPDATE operators SET current_load = current_load - 1 WHERE id = ?`;
const RELEASE_OFFER = `UPDATE operators SET offered_load = offered_load - 1 WHERE id = ?`;
// An accepted offer's unit becomes an active request's: no room check, the unit is held already.
const ACCEPT_OFFER = `UPDATE operators SET offered_load = offered_load - 1,
  current_load = current_load + 1, missed_offers = 0 WHERE id = ? AND offered_load > 0 RETURNING id`;
const COUNT_MISSED_OFFER = `UPDATE operators SET missed_offers = missed_offers + 1 WHERE id = ?
  RETURNING missed_offers AS "missed"`;
const SELECT_OPERATOR = `SELECT id, name, is_active AS "isActive", current_load AS "currentLoad",
  offered_load AS "offeredLoad", max_load AS "maxLoad", skills, presence, presence_reason AS "presenceReason", schedule,
  next_shift_change_at AS "nextShiftChangeAt" FROM operators WHERE id = ?`;
const SHIFT_CHANGES_DUE = `SELECT id FROM operators
  WHERE next_shift_change_at IS NOT NULL AND next_shift_change_at <= ?
  ORDER BY next_shift_change_at, id LIMIT ?`;

// Step 3 of the lock order (lock-order.service.ts): the operators a drain of these sources may claim
// (weight > 0), and any named ones, in one statement, by id.
const lockOperators = (sources: number, named: number) =>
  `SELECT o.id FROM operators o WHERE o.id IN (SELECT w.operator_id FROM operator_source_weights w
      WHERE w.source_id IN (${placeholders(sources)}) AND w.weight > 0)
    OR o.id IN (${placeholders(named)}) ORDER BY o.id FOR NO KEY UPDATE`;

/** The operators table: its rows, their capacity (current_load) and their row locks. */
@Injectable()
export class OperatorsRepository {
  constructor(@InjectRepository(Operator) private readonly operators: Repository<Operator>) {}

  async insert(tx: Tx, operator: Operator): Promise<void> {
    await tx.manager.insert(Operator, operator);
  }

  /** Writes only the named columns, so a concurrent change of current_load is kept. */
  async update(tx: Tx, id: number, changes: OperatorChanges): Promise<boolean> {
    const result = await tx.manager.update(Operator, { id }, changes);
    return result.affected !== 0;
  }

  /** The operator as committed, or as this transaction sees it when `tx` is given. */
  find(id: number, tx?: Tx): Promise<Operator | null> {
    return tx ? tx.manager.findOneBy(Operator, { id }) : this.operators.findOneBy({ id });
  }

  /** These operators that exist (from the reader, or in `tx`). */
  findByIds(ids: readonly number[], tx?: Tx): Promise<Operator[]> {
    if (ids.length === 0) return Promise.resolve([]);
    const where = { id: In([...ids]) };
    return tx ? tx.manager.find(Operator, { where }) : this.operators.find({ where });
  }

  /** The names of these operators, by id. */
  async names(ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.operators.find({
      select: { id: true, name: true },
      where: { id: In([...ids]) },
    });
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /** A page of operators by id; with `skill`, only those that have it. */
  async page(query: PaginationQueryDto, skill?: string): Promise<Page<Operator>> {
    if (skill === undefined) return findPage(this.operators, query);
    const [items, total] = await this.operators.findAndCount({
      where: { skills: Raw((column) => `${column} LIKE :skill`, { skill: skillPattern(skill) }) },
      order: { id: 'ASC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items, total };
  }

  /**
   * Takes one unit of the operator's capacity; false when it has none, is inactive, or (unless
   * `anyPresence`: a person's decision) is not available.
   */
  async claimCapacity(
    tx: Tx,
    operatorId: number,
    afterLoss: boolean,
    anyPresence = false,
    kind: ClaimKind = 'assign',
  ): Promise<boolean> {
    const sql =
      afterLoss && !anyPresence && tx.dialect === 'postgres'
        ? claimOperatorNowait(kind)
        : claimOperator(anyPresence, kind);
    return (await tx.query(sql, [operatorId, true])).length === 1;
  }

  /** A pending offer ended without an accept: its unit of room is free again. */
  async releaseOffer(tx: Tx, operatorId: number): Promise<void> {
    await tx.query(RELEASE_OFFER, [operatorId]);
  }

  /** The offer's unit becomes an active request's, and the missed-offers count restarts. */
  async acceptOffer(tx: Tx, operatorId: number): Promise<boolean> {
    return (await tx.query(ACCEPT_OFFER, [operatorId])).length === 1;
  }

  /** One more offer let expire in a row; returns the count. */
  async countMissedOffer(tx: Tx, operatorId: number): Promise<number> {
    const [row] = await tx.query<{ missed: number }>(COUNT_MISSED_OFFER, [operatorId]);
    return Number(row?.missed ?? 0);
  }

  async resetMissedOffers(tx: Tx, operatorId: number): Promise<void> {
    await tx.manager.update(Operator, { id: operatorId }, { missedOffers: 0 });
  }

  /** Operators whose shift changed by `now` (next_shift_change_at passed), soonest first. */
  async shiftChangesDue(now: Date, limit: number): Promise<number[]> {
    const rows = await readerQuery(this.operators.manager).query<{ id: number }>(
      SHIFT_CHANGES_DUE,
      [now, limit],
    );
    return rows.map((row) => Number(row.id));
  }

  async releaseCapacity(tx: Tx, operatorId: number): Promise<void> {
    await tx.query(RELEASE_OPERATOR, [operatorId]);
  }

  async findRow(tx: Tx, id: number): Promise<OperatorRow | null> {
    const [row] = await tx.query<Record<string, unknown>>(SELECT_OPERATOR, [id]);
    if (!row) return null;
    return {
      id: Number(row.id),
      name: String(row.name),
      isActive: Boolean(row.isActive),
      currentLoad: Number(row.currentLoad),
      offeredLoad: Number(row.offeredLoad),
      maxLoad: Number(row.maxLoad),
      skills: parseSkills(row.skills),
      presence: row.presence as Presence,
      presenceReason: (row.presenceReason as string | null) ?? null,
      schedule: parseSchedule(row.schedule),
      nextShiftChangeAt:
        row.nextShiftChangeAt == null
          ? null
          : parseDbTimestamp(row.nextShiftChangeAt as Date | string),
    };
  }

  /**
   * PostgreSQL: locks the operators configured (weight > 0) for these sources and the named
   * ones, in id order (step 3 of the lock order). SQLite: nothing to lock.
   */
  async lockServingOrNamed(
    tx: Tx,
    sourceIds: readonly number[],
    operatorIds: readonly number[],
  ): Promise<void> {
    if (tx.dialect !== 'postgres' || (sourceIds.length === 0 && operatorIds.length === 0)) return;
    // `IN ()` is not SQL: an empty list is given as an id that matches nothing.
    const s = sourceIds.length > 0 ? sourceIds : [0];
    const o = operatorIds.length > 0 ? operatorIds : [0];
    await tx.query(lockOperators(s.length, o.length), [...s, ...o]);
  }
}
