import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Dialect } from '../database/tx';
import { WAITING, waitingRows } from '../requests/requests.repository';

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

  private get dialect(): Dialect {
    return this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }

  async snapshot(): Promise<MetricsSnapshot> {
    const [operators, unassigned, waiting] = await Promise.all([
      this.dataSource.query<Row[]>('SELECT id, current_load, max_load, is_active FROM operators'),
      this.dataSource.query<Row[]>(
        'SELECT source_id, COUNT(*) AS n FROM requests WHERE operator_id IS NULL GROUP BY source_id',
      ),
      this.dataSource.query<Row[]>(
        // The queue's own definition of waiting, read as the queue reads it (requests.repository.ts).
        `SELECT r.source_id, COUNT(*) AS n FROM ${waitingRows(this.dialect, true)}
          WHERE ${WAITING} GROUP BY r.source_id`,
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
