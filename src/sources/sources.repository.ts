import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { findPage, type Page, type PaginationQueryDto } from '../common/pagination.dto';
import { readerQuery } from '../database/raw-query';
import { placeholders, type Tx } from '../database/tx';
import { SOURCE_RULES_COLUMNS, type SourceRules, toSourceRules } from './source-rules';
import { type ConfiguredOperator, toConfiguredOperator } from '../distribution/eligibility';
import { OperatorSourceWeight } from './entities/operator-source-weight.entity';
import { Source } from './entities/source.entity';

export type SourceChanges = Partial<
  Pick<
    Source,
    | 'name'
    | 'description'
    | 'strategy'
    | 'sticky'
    | 'requiredSkills'
    | 'skillFallbackSeconds'
    | 'defaultPriority'
    | 'priorityAgingPerMinute'
    | 'assignment'
    | 'offerTimeoutSeconds'
  >
>;

/** A configured operator with its round-robin value (null: no row yet, counts as 0). */
export interface ConfiguredRow extends ConfiguredOperator {
  stateValue: number | null;
}

export interface WeightRow {
  sourceId: number;
  operatorId: number;
  operatorName: string;
  weight: number;
}

const SELECT_SOURCE_STRATEGY = 'SELECT strategy FROM sources WHERE id = ?';
// FOR NO KEY UPDATE: concurrent inserts that only reference the source are not blocked.
const LOCK_SOURCE = `${SELECT_SOURCE_STRATEGY} FOR NO KEY UPDATE`;

const selectRules = (count: number, lock: boolean) =>
  `SELECT ${SOURCE_RULES_COLUMNS} FROM sources s WHERE s.id IN (${placeholders(count)})
    ORDER BY s.id` + (lock ? ' FOR NO KEY UPDATE' : '');

const SERVED_BY = `SELECT source_id AS "sourceId" FROM operator_source_weights
  WHERE operator_id = ? AND weight > 0 ORDER BY source_id`;

const CONFIGURED_OPERATORS_SELECT = `SELECT o.id AS "operatorId", o.name AS "operatorName",
    o.is_active AS "isActive", o.current_load AS "currentLoad", o.offered_load AS "offeredLoad", o.max_load AS "maxLoad",
    w.weight AS "weight", o.skills AS "skills", o.presence AS "presence", o.schedule AS "schedule"`;
const CONFIGURED_OPERATORS = `${CONFIGURED_OPERATORS_SELECT}
  FROM operator_source_weights w JOIN operators o ON o.id = w.operator_id
  WHERE w.source_id = ? ORDER BY o.id`;
const CONFIGURED_OPERATORS_WITH_STATE = `${CONFIGURED_OPERATORS_SELECT}, st.current_value AS "stateValue"
  FROM operator_source_weights w JOIN operators o ON o.id = w.operator_id
  LEFT JOIN round_robin_state st ON st.source_id = w.source_id AND st.operator_id = w.operator_id
  WHERE w.source_id = ? ORDER BY o.id`;

/** The sources table and each source's operator weights (operator_source_weights). */
@Injectable()
export class SourcesRepository {
  constructor(
    @InjectRepository(Source) private readonly sources: Repository<Source>,
    @InjectDataSource() private readonly reader: DataSource,
  ) {}

  async insert(tx: Tx, source: Source): Promise<void> {
    await tx.manager.insert(Source, source);
  }

  async update(tx: Tx, id: number, changes: SourceChanges): Promise<void> {
    if (Object.keys(changes).length) await tx.manager.update(Source, { id }, changes);
  }

  /** The source as committed, or as this transaction sees it when `tx` is given. */
  find(id: number, tx?: Tx): Promise<Source | null> {
    return tx ? tx.manager.findOneBy(Source, { id }) : this.sources.findOneBy({ id });
  }

  /** Whether the source exists: in `tx` when given, else as committed. */
  exists(id: number, tx?: Tx): Promise<boolean> {
    return tx ? tx.manager.existsBy(Source, { id }) : this.sources.existsBy({ id });
  }

  page(query: PaginationQueryDto): Promise<Page<Source>> {
    return findPage(this.sources, query);
  }

  /**
   * The source's strategy; on PostgreSQL its row stays locked until the end (step 2 of the lock
   * order, lock-order.service.ts). Null when there is no such source.
   */
  async lockStrategy(tx: Tx, id: number): Promise<{ strategy: string | null } | null> {
    const [row] = await tx.query<{ strategy: string | null }>(
      tx.dialect === 'postgres' ? LOCK_SOURCE : SELECT_SOURCE_STRATEGY,
      [id],
    );
    return row ?? null;
  }

  /** These sources' rules, by id; on PostgreSQL locked until the end (step 2 of the lock order). */
  async lockRules(tx: Tx, ids: readonly number[]): Promise<SourceRules[]> {
    if (ids.length === 0) return [];
    const rows = await tx.query<Record<string, unknown>>(
      selectRules(ids.length, tx.dialect === 'postgres'),
      ids,
    );
    return rows.map(toSourceRules);
  }

  /** The sources this operator may take work of (weight > 0), by id. */
  async servedBy(tx: Tx, operatorId: number): Promise<number[]> {
    const rows = await tx.query<{ sourceId: number }>(SERVED_BY, [operatorId]);
    return rows.map((row) => Number(row.sourceId));
  }

  /**
   * Every operator configured for the source, with what decides its eligibility, by id; with
   * the round-robin values when `withState`. In `tx`, or from the reader without one.
   */
  async configuredOperators(
    sourceId: number,
    withState: boolean,
    tx?: Tx,
  ): Promise<ConfiguredRow[]> {
    const db = tx ?? readerQuery(this.reader.manager);
    const rows = await db.query<Record<string, unknown>>(
      withState ? CONFIGURED_OPERATORS_WITH_STATE : CONFIGURED_OPERATORS,
      [sourceId],
    );
    return rows.map((row) => ({
      ...toConfiguredOperator(row),
      stateValue: row.stateValue == null ? null : Number(row.stateValue),
    }));
  }

  /** The source's weights with their operators' names, by operator id. */
  weights(sourceId: number, tx?: Tx): Promise<WeightRow[]> {
    return this.weightsOf([sourceId], tx);
  }

  /** These sources' weights with their operators' names, by operator id. */
  async weightsOf(sourceIds: readonly number[], tx?: Tx): Promise<WeightRow[]> {
    const manager = tx ? tx.manager : this.reader.manager;
    const rows = await manager.find(OperatorSourceWeight, {
      where: { sourceId: In([...sourceIds]) },
      relations: { operator: true },
      order: { operatorId: 'ASC' },
    });
    return rows.map((row) => ({
      sourceId: row.sourceId,
      operatorId: row.operatorId,
      operatorName: row.operator!.name,
      weight: row.weight,
    }));
  }

  async replaceWeights(
    tx: Tx,
    sourceId: number,
    weights: ReadonlyArray<{ operatorId: number; weight: number }>,
  ): Promise<void> {
    await tx.manager.delete(OperatorSourceWeight, { sourceId });
    if (weights.length) {
      await tx.manager.insert(
        OperatorSourceWeight,
        weights.map((w) => ({ sourceId, operatorId: w.operatorId, weight: w.weight })),
      );
    }
  }
}
