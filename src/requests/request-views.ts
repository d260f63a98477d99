import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { parseDbTimestamp } from '../database/timestamps';
import { Operator } from '../operators/entities/operator.entity';
import type { RequestView } from './dto/request-response.dto';
import { LeadRequest } from './entities/request.entity';

export type RawRequestView = Omit<RequestView, 'createdAt'> & { createdAt: Date | string };

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
    ]);
}

export function fromRawRequestView(row: RawRequestView): RequestView {
  return { ...row, createdAt: parseDbTimestamp(row.createdAt) };
}
