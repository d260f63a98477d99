import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { parseDbTimestamp } from '../database/timestamps';
import { Operator } from '../operators/entities/operator.entity';
import type { RequestView } from './dto/request-response.dto';
import { LeadRequest } from './entities/request.entity';

type Timestamp = Date | string;
export type RawRequestView = Omit<RequestView, 'createdAt' | 'assignedAt' | 'updatedAt'> & {
  createdAt: Timestamp;
  assignedAt: Timestamp | null;
  updatedAt: Timestamp | null;
};

/** Requests with their operator's name, selected as RequestView columns (alias `r`). */
export function selectRequestViews(manager: EntityManager): SelectQueryBuilder<LeadRequest> {
  return manager
    .createQueryBuilder(LeadRequest, 'r')
    .leftJoin(Operator, 'o', 'o.id = r.operator_id')
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
    ]);
}

export function fromRawRequestView(row: RawRequestView): RequestView {
  return {
    id: Number(row.id),
    leadId: Number(row.leadId),
    sourceId: Number(row.sourceId),
    operatorId: row.operatorId === null ? null : Number(row.operatorId),
    operatorName: row.operatorName,
    status: row.status,
    message: row.message,
    createdAt: parseDbTimestamp(row.createdAt),
    assignedAt: row.assignedAt === null ? null : parseDbTimestamp(row.assignedAt),
    updatedAt: row.updatedAt === null ? null : parseDbTimestamp(row.updatedAt),
  };
}

/** The same columns for a hand-written statement (`?` placeholders, see Tx.query). */
export const REQUEST_VIEW_SQL = `SELECT r.id AS "id", r.lead_id AS "leadId", r.source_id AS "sourceId",
  r.operator_id AS "operatorId", o.name AS "operatorName", r.status AS "status",
  r.message AS "message", r.created_at AS "createdAt", r.assigned_at AS "assignedAt",
  r.updated_at AS "updatedAt"
  FROM requests r LEFT JOIN operators o ON o.id = r.operator_id`;
