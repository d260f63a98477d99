import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface OperatorLoadRow {
  id: number;
  currentLoad: number;
  maxLoad: number;
  isActive: boolean;
}

export interface SourceCountRow {
  sourceId: number;
  count: number;
}

/** What a scrape reads: every operator's load, and requests without an operator by source. */
export interface MetricsSnapshot {
  operators: OperatorLoadRow[];
  /** Requests stored without an operator, by source. */
  unassigned: SourceCountRow[];
  /** Active requests without an operator (waiting), by source. */
  waiting: SourceCountRow[];
}

type Row = Record<string, unknown>;

const bySource = (rows: Row[]): SourceCountRow[] =>
  rows.map((row) => ({ sourceId: Number(row.source_id), count: Number(row.n) }));

/** A read model across operators and requests for the metrics scrape (reads committed data). */
@Injectable()
export class MetricsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async snapshot(): Promise<MetricsSnapshot> {
    const [operators, unassigned, waiting] = await Promise.all([
      this.dataSource.query<Row[]>('SELECT id, current_load, max_load, is_active FROM operators'),
      this.dataSource.query<Row[]>(
        'SELECT source_id, COUNT(*) AS n FROM requests WHERE operator_id IS NULL GROUP BY source_id',
      ),
      this.dataSource.query<Row[]>(
        // A request with a pending offer is not waiting (offers); SQLite is told the queue's
        // partial index, as in requests.repository.ts, or it reads every pending offer too.
        `SELECT source_id, COUNT(*) AS n FROM requests${
          this.dataSource.options.type === 'postgres'
            ? ''
            : ' INDEXED BY "IDX_requests_waiting_source"'
        } WHERE status = 'active' AND operator_id IS NULL AND pending_offer_id IS NULL GROUP BY source_id`,
      ),
    ]);
    return {
      operators: operators.map((row) => ({
        id: Number(row.id),
        currentLoad: Number(row.current_load),
        maxLoad: Number(row.max_load),
        isActive: Boolean(row.is_active),
      })),
      unassigned: bySource(unassigned),
      waiting: bySource(waiting),
    };
  }
}
