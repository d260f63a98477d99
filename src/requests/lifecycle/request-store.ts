import { NotFoundException } from '@nestjs/common';
import type { Tx } from '../../database/tx';
import type { RequestView } from '../dto/request-response.dto';
import type { RequestStatus } from '../entities/request.entity';
import { fromRawRequestView, RawRequestView, REQUEST_VIEW_SQL } from '../request-views';

/**
 * The statements that change a request or an operator's load, each conditional on the state it
 * expects, so a concurrent change makes it match nothing instead of doubling work. Only
 * RequestLifecycleService uses this file.
 */
const INSERT_REQUEST = `INSERT INTO requests
  (lead_id, source_id, operator_id, status, message, decision, created_at, assigned_at, updated_at)
  VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?) RETURNING id`;
const SELECT_VIEW = `${REQUEST_VIEW_SQL} WHERE r.id = ?`;
// PostgreSQL: transitions of one request take turns (the conditional updates stay the guard).
const LOCK_VIEW = `${SELECT_VIEW} FOR UPDATE OF r`;
const SET_STATUS = `UPDATE requests SET status = ?, updated_at = ?
  WHERE id = ? AND status = ? RETURNING id`;
const REOPEN_WAITING = `UPDATE requests SET status = 'active', operator_id = NULL,
  assigned_at = NULL, updated_at = ? WHERE id = ? AND status = 'closed' RETURNING id`;
const ASSIGN_WAITING = `UPDATE requests SET operator_id = ?, assigned_at = ?, updated_at = ?,
  decision = ? WHERE id = ? AND status = 'active' AND operator_id IS NULL RETURNING id`;
const MOVE = `UPDATE requests SET operator_id = ?, assigned_at = ?, updated_at = ?, decision = ?
  WHERE id = ? AND status = 'active' AND operator_id = ? RETURNING id`;
const UNASSIGN = `UPDATE requests SET operator_id = NULL, assigned_at = NULL, updated_at = ?
  WHERE id = ? AND status = 'active' AND operator_id = ? RETURNING id`;

// The capacity check and the increment are one statement: no interleaving can pass max_load.
const CLAIM_ACTIVE_OPERATOR = `UPDATE operators SET current_load = current_load + 1
  WHERE id = ? AND current_load < max_load AND is_active = ? RETURNING id`;
// After a lost claim (PostgreSQL): the same claim, but an operator locked by another transaction
// is a conflict (55P03, the transaction runs again) instead of a wait (see lock-order.ts).
const CLAIM_ACTIVE_OPERATOR_NOWAIT = `UPDATE operators SET current_load = current_load + 1
  WHERE id = (SELECT id FROM operators WHERE id = ? FOR NO KEY UPDATE NOWAIT)
    AND current_load < max_load AND is_active = ? RETURNING id`;
const RELEASE_OPERATOR = `UPDATE operators SET current_load = current_load - 1 WHERE id = ?`;
const SELECT_OPERATOR = `SELECT id, name, is_active AS "isActive", current_load AS "currentLoad",
  max_load AS "maxLoad" FROM operators WHERE id = ?`;

const LAST_OPERATOR_OF_LEAD = `SELECT operator_id AS "operatorId" FROM requests
  WHERE lead_id = ? AND source_id = ? AND operator_id IS NOT NULL ORDER BY id DESC LIMIT 1`;
const ACTIVE_OF_OPERATOR = `${REQUEST_VIEW_SQL} WHERE r.operator_id = ? AND r.status = 'active'
  ORDER BY r.id`;
// Step 1 of the lock order (lock-order.ts): an operator's requests, in id order.
const LOCK_ACTIVE_OF_OPERATOR = `${ACTIVE_OF_OPERATOR} FOR UPDATE OF r`;

export interface NewRequest {
  leadId: number;
  sourceId: number;
  operatorId: number | null;
  message: string | null;
  decision: string;
  at: Date;
}

export interface OperatorRow {
  id: number;
  name: string;
  isActive: boolean;
  currentLoad: number;
  maxLoad: number;
}

export async function insertRequest(tx: Tx, request: NewRequest): Promise<number> {
  const [{ id }] = await tx.query<{ id: number }>(INSERT_REQUEST, [
    request.leadId,
    request.sourceId,
    request.operatorId,
    request.message,
    request.decision,
    request.at,
    request.operatorId === null ? null : request.at,
    request.at,
  ]);
  return Number(id);
}

/** The request as the API shows it; on PostgreSQL its row stays locked until the end. */
export async function lockRequest(tx: Tx, id: number): Promise<RequestView> {
  const [row] = await tx.query<RawRequestView>(
    tx.dialect === 'postgres' ? LOCK_VIEW : SELECT_VIEW,
    [id],
  );
  if (!row) throw new NotFoundException(`request ${id} not found`);
  return fromRawRequestView(row);
}

export async function readRequest(tx: Tx, id: number): Promise<RequestView> {
  const [row] = await tx.query<RawRequestView>(SELECT_VIEW, [id]);
  if (!row) throw new NotFoundException(`request ${id} not found`);
  return fromRawRequestView(row);
}

const changed = (rows: unknown[]) => rows.length === 1;

export async function setStatus(
  tx: Tx,
  id: number,
  from: RequestStatus,
  to: RequestStatus,
  at: Date,
): Promise<boolean> {
  return changed(await tx.query(SET_STATUS, [to, at, id, from]));
}

export async function reopenWaiting(tx: Tx, id: number, at: Date): Promise<boolean> {
  return changed(await tx.query(REOPEN_WAITING, [at, id]));
}

/** Gives the request its operator: from waiting (`from` null) or from another operator. */
export async function moveRequest(
  tx: Tx,
  id: number,
  from: number | null,
  to: number,
  decision: string,
  at: Date,
): Promise<boolean> {
  return changed(
    from === null
      ? await tx.query(ASSIGN_WAITING, [to, at, at, decision, id])
      : await tx.query(MOVE, [to, at, at, decision, id, from]),
  );
}

export async function unassign(tx: Tx, id: number, from: number, at: Date): Promise<boolean> {
  return changed(await tx.query(UNASSIGN, [at, id, from]));
}

export async function claimCapacity(
  tx: Tx,
  operatorId: number,
  afterLoss: boolean,
): Promise<boolean> {
  const sql =
    afterLoss && tx.dialect === 'postgres' ? CLAIM_ACTIVE_OPERATOR_NOWAIT : CLAIM_ACTIVE_OPERATOR;
  return changed(await tx.query(sql, [operatorId, true]));
}

export async function releaseCapacity(tx: Tx, operatorId: number): Promise<void> {
  await tx.query(RELEASE_OPERATOR, [operatorId]);
}

export async function findOperator(tx: Tx, id: number): Promise<OperatorRow | null> {
  const [row] = await tx.query<Record<string, unknown>>(SELECT_OPERATOR, [id]);
  if (!row) return null;
  return {
    id: Number(row.id),
    name: String(row.name),
    isActive: Boolean(row.isActive),
    currentLoad: Number(row.currentLoad),
    maxLoad: Number(row.maxLoad),
  };
}

export async function lastOperatorOfLead(
  tx: Tx,
  leadId: number,
  sourceId: number,
): Promise<number | null> {
  const [row] = await tx.query<{ operatorId: number }>(LAST_OPERATOR_OF_LEAD, [leadId, sourceId]);
  return row ? Number(row.operatorId) : null;
}

/**
 * The operator's active requests, oldest first; on PostgreSQL their rows stay locked until the
 * end (taken in id order, as the lock order asks).
 */
export async function lockActiveRequestsOf(tx: Tx, operatorId: number): Promise<RequestView[]> {
  const rows = await tx.query<RawRequestView>(
    tx.dialect === 'postgres' ? LOCK_ACTIVE_OF_OPERATOR : ACTIVE_OF_OPERATOR,
    [operatorId],
  );
  return rows
    .map(fromRawRequestView)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id);
}
