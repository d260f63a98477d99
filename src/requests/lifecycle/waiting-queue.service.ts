import { Injectable } from '@nestjs/common';
import { placeholders, type Tx } from '../../database/tx';
import type { RequestView } from '../dto/request-response.dto';
import { fromRawRequestView, RawRequestView, REQUEST_VIEW_SQL } from '../request-views';

/** A request is waiting while it is active without an operator (partial index IDX_requests_waiting*). */
export const WAITING = "r.status = 'active' AND r.operator_id IS NULL";

export const SOURCES_WITH_WAITING = `SELECT DISTINCT r.source_id AS "sourceId" FROM requests r
  WHERE ${WAITING} ORDER BY r.source_id`;

/** The queries that find waiting work; the writes are RequestLifecycleService's. */
@Injectable()
export class WaitingQueueService {
  /**
   * The oldest waiting request of these sources (created_at, then id). On PostgreSQL its row is
   * locked and rows other transactions hold are skipped, so two drains never take the same one.
   */
  async oldestWaiting(tx: Tx, sourceIds: readonly number[]): Promise<RequestView | null> {
    const lock = tx.dialect === 'postgres' ? ' FOR UPDATE OF r SKIP LOCKED' : '';
    const [row] = await tx.query<RawRequestView>(
      `${REQUEST_VIEW_SQL} WHERE ${WAITING} AND r.source_id IN (${placeholders(sourceIds.length)})
        ORDER BY r.created_at, r.id LIMIT 1${lock}`,
      sourceIds,
    );
    return row ? fromRawRequestView(row) : null;
  }
}
