import { Injectable } from '@nestjs/common';
import { placeholders, type Tx } from '../../database/tx';
import type { SourceRules } from '../../distribution/distribution.service';
import type { RequestView } from '../dto/request-response.dto';
import { fromRawRequestView, RawRequestView, REQUEST_VIEW_SQL } from '../request-views';

/** A request is waiting while it is active without an operator (partial index IDX_requests_waiting*). */
export const WAITING = "r.status = 'active' AND r.operator_id IS NULL";

const SOURCES_WITH_WAITING_FOR = `SELECT s.id, s.strategy, s.sticky
  FROM operator_source_weights w JOIN sources s ON s.id = w.source_id
  WHERE w.operator_id = ? AND w.weight > 0 AND EXISTS
    (SELECT 1 FROM requests r WHERE r.source_id = w.source_id AND ${WAITING})
  ORDER BY s.id`;
export const SOURCES_WITH_WAITING = `SELECT DISTINCT r.source_id AS "sourceId" FROM requests r
  WHERE ${WAITING} ORDER BY r.source_id`;

interface SourceRow {
  id: number;
  strategy: string | null;
  sticky: unknown;
}

// SQLite gives booleans as 0/1, PostgreSQL bigint ids as text.
const toRules = (rows: SourceRow[]): SourceRules[] =>
  rows.map((row) => ({ id: Number(row.id), strategy: row.strategy, sticky: Boolean(row.sticky) }));

/** The queries that find waiting work; the writes are RequestLifecycle's. */
@Injectable()
export class WaitingQueue {
  /** The sources this operator may take work of (weight > 0) that have waiting requests. */
  async sourcesWithWaitingFor(tx: Tx, operatorId: number): Promise<SourceRules[]> {
    return toRules(await tx.query<SourceRow>(SOURCES_WITH_WAITING_FOR, [operatorId]));
  }

  async sourceRules(tx: Tx, sourceIds: readonly number[]): Promise<SourceRules[]> {
    if (sourceIds.length === 0) return [];
    return toRules(
      await tx.query<SourceRow>(
        `SELECT id, strategy, sticky FROM sources WHERE id IN (${placeholders(sourceIds.length)}) ORDER BY id`,
        sourceIds,
      ),
    );
  }

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
