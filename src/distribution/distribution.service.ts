import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { rawQuery } from '../database/raw-query';
import { Operator } from '../operators/entities/operator.entity';
import { Source } from '../sources/entities/source.entity';
import { buildDecision, Decision, decisionOperators } from './decision';
import { SimulateRequestDto, SimulationResponseDto } from './dto/simulation.dto';
import { ConfiguredOperator, eligibleCandidates } from './eligibility';
import { RoundRobinState } from './entities/round-robin-state.entity';
import { simulate } from './simulate';
import type {
  OperatorSelectionStrategy,
  StrategyState,
} from './strategies/operator-selection.strategy';
import { StrategyRegistry } from './strategy-registry';

export interface Assignment {
  operatorId: number;
  operatorName: string;
}

export interface AssignmentOutcome {
  assignment: Assignment | null;
  decision: Decision;
}

/** A configured operator with its round-robin value (null: no row yet, counts as 0). */
interface ConfiguredRow extends ConfiguredOperator {
  stateValue: number | null;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

@Injectable()
export class DistributionService {
  constructor(
    private readonly registry: StrategyRegistry,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * Chooses an operator for a new request of the source by the source's strategy and claims one
   * unit of its capacity, inside the caller's transaction; returns the decision to store with
   * the request. The assignment is null when nobody can take it.
   *
   * Queries: the configured operators (with the round-robin state when the strategy keeps one),
   * the capacity claim, and for round-robin the state upsert. On PostgreSQL a round-robin source
   * is first locked, so that instances take turns on its state.
   */
  async assign(
    manager: EntityManager,
    source: Pick<Source, 'id' | 'strategy'>,
  ): Promise<AssignmentOutcome> {
    let strategy = this.registry.effective(source.strategy);
    if (strategy.stateful && isPostgres(manager)) {
      strategy = this.registry.effective(await this.lockSource(manager, source.id));
    }
    const configured = await this.configuredOperators(manager, source.id, strategy.stateful);
    const state: StrategyState | undefined = strategy.stateful
      ? new Map(configured.map((o) => [o.operatorId, o.stateValue ?? 0]))
      : undefined;

    let candidates = eligibleCandidates(configured);
    const claimsLost: number[] = [];
    while (candidates.length > 0) {
      const selection = strategy.select(candidates, state);
      const chosen = candidates.find((c) => c.operatorId === selection.operatorId)!;
      if (await this.claimCapacity(manager, chosen.operatorId)) {
        if (selection.nextState) await this.saveState(manager, source.id, selection.nextState);
        return {
          assignment: { operatorId: chosen.operatorId, operatorName: chosen.operatorName },
          decision: buildDecision(
            strategy.name,
            configured,
            claimsLost,
            chosen.operatorId,
            selection.explain(),
          ),
        };
      }
      // Another transaction took its last unit since we read it: choose among the rest, from
      // the same state (the lost pick did not happen).
      claimsLost.push(chosen.operatorId);
      candidates = candidates.filter((c) => c.operatorId !== chosen.operatorId);
    }
    return {
      assignment: null,
      decision: buildDecision(strategy.name, configured, claimsLost, null, null),
    };
  }

  /**
   * The conditional UPDATE is both the capacity check and the increment, so no interleaving can
   * push an operator past max_load; on PostgreSQL a concurrent updater waits and re-checks.
   */
  async claimCapacity(
    manager: EntityManager,
    operatorId: number,
    requireActive = true,
  ): Promise<boolean> {
    const claimed = await rawQuery(
      manager,
      requireActive ? CLAIM_ACTIVE_OPERATOR : CLAIM_OPERATOR,
      requireActive ? [operatorId, true] : [operatorId],
    );
    return claimed.length === 1;
  }

  async releaseCapacity(manager: EntityManager, operatorId: number): Promise<void> {
    await manager
      .createQueryBuilder()
      .update(Operator)
      .set({ currentLoad: () => 'current_load - 1' })
      .where('id = :operatorId', { operatorId })
      .execute();
  }

  /**
   * On PostgreSQL, locks the source row until the transaction ends and returns its strategy as
   * now committed; on SQLite every write transaction is already serialised (TransactionRunner).
   * FOR NO KEY UPDATE: concurrent inserts that only reference the source are not blocked.
   */
  async lockSource(manager: EntityManager, sourceId: number): Promise<string | null> {
    const query = manager
      .createQueryBuilder(Source, 's')
      .select('s.strategy', 'strategy')
      .where('s.id = :sourceId', { sourceId });
    if (isPostgres(manager)) query.setLock('for_no_key_update');
    const row = await query.getRawOne<{ strategy: string | null }>();
    if (!row) throw new NotFoundException(`source ${sourceId} not found`);
    return row.strategy;
  }

  /** Restarts the source's round-robin sequence (its weights or its strategy changed). */
  async resetState(manager: EntityManager, sourceId: number): Promise<void> {
    await manager.delete(RoundRobinState, { sourceId });
  }

  /**
   * What-if: runs the strategy in memory on the current (or proposed) configuration, from the
   * operators' current loads. Two reads, then pure computation; writes nothing.
   */
  async simulate(sourceId: number, dto: SimulateRequestDto): Promise<SimulationResponseDto> {
    const manager = this.dataSource.manager;
    const source = await manager.findOne(Source, {
      select: { id: true, strategy: true },
      where: { id: sourceId },
    });
    if (!source) throw new NotFoundException(`source ${sourceId} not found`);
    const strategy: OperatorSelectionStrategy =
      dto.strategy !== undefined
        ? this.registry.known(dto.strategy)
        : this.registry.effective(source.strategy);

    let operators: ConfiguredRow[];
    if (dto.weights) {
      operators = await this.proposedOperators(manager, dto.weights);
    } else {
      operators = await this.configuredOperators(manager, sourceId, strategy.stateful);
    }
    // Proposed weights would restart the sequence; the current ones continue from the stored state.
    const state = new Map(operators.map((o) => [o.operatorId, o.stateValue ?? 0]));
    const { counts, unassigned } = simulate(strategy, operators, dto.requests, state);

    const assigned = dto.requests - unassigned;
    const totalWeight = operators.reduce((sum, o) => sum + o.weight, 0);
    return {
      source_id: sourceId,
      strategy: strategy.name,
      requests: dto.requests,
      assigned,
      unassigned,
      operators: decisionOperators(operators).map((o) => ({
        ...o,
        expected_share: ratio(o.weight, totalWeight),
        requests: counts.get(o.operator_id) ?? 0,
        share: ratio(counts.get(o.operator_id) ?? 0, assigned),
      })),
    };
  }

  private async proposedOperators(
    manager: EntityManager,
    weights: ReadonlyArray<{ operator_id: number; weight: number }>,
  ): Promise<ConfiguredRow[]> {
    const seen = new Set<number>();
    for (const { operator_id } of weights) {
      if (seen.has(operator_id)) {
        throw new BadRequestException([
          `weights: operator_id ${operator_id} appears more than once`,
        ]);
      }
      seen.add(operator_id);
    }
    const found = weights.length
      ? await manager.find(Operator, { where: { id: In([...seen]) } })
      : [];
    const byId = new Map(found.map((o) => [o.id, o]));
    const missing = [...seen].filter((id) => !byId.has(id));
    if (missing.length) throw new NotFoundException(`operator ${missing.join(', ')} not found`);
    return weights
      .map(({ operator_id, weight }) => {
        const o = byId.get(operator_id)!;
        return {
          operatorId: o.id,
          operatorName: o.name,
          isActive: o.isActive,
          currentLoad: o.currentLoad,
          maxLoad: o.maxLoad,
          weight,
          stateValue: null,
        };
      })
      .sort((a, b) => a.operatorId - b.operatorId);
  }

  private async configuredOperators(
    manager: EntityManager,
    sourceId: number,
    withState: boolean,
  ): Promise<ConfiguredRow[]> {
    const rows = await rawQuery<Record<string, unknown>>(
      manager,
      withState ? CONFIGURED_OPERATORS_WITH_STATE : CONFIGURED_OPERATORS,
      [sourceId],
    );
    // SQLite returns booleans as 0/1; PostgreSQL returns bigint as text.
    return rows.map((row) => ({
      operatorId: Number(row.operatorId),
      operatorName: String(row.operatorName),
      isActive: Boolean(row.isActive),
      currentLoad: Number(row.currentLoad),
      maxLoad: Number(row.maxLoad),
      weight: Number(row.weight),
      stateValue: row.stateValue == null ? null : Number(row.stateValue),
    }));
  }

  /** One statement for every changed value: insert or overwrite (SQLite and PostgreSQL). */
  private async saveState(
    manager: EntityManager,
    sourceId: number,
    values: ReadonlyMap<number, number>,
  ): Promise<void> {
    if (values.size === 0) return;
    await manager
      .createQueryBuilder()
      .insert()
      .into(RoundRobinState)
      .values(
        [...values].map(([operatorId, currentValue]) => ({ sourceId, operatorId, currentValue })),
      )
      .orUpdate(['current_value'], ['source_id', 'operator_id'])
      .execute();
  }
}

// The capacity check and the increment are one statement (see assign()).
const CLAIM_OPERATOR = `UPDATE operators SET current_load = current_load + 1
  WHERE id = ? AND current_load < max_load RETURNING id`;
const CLAIM_ACTIVE_OPERATOR = `UPDATE operators SET current_load = current_load + 1
  WHERE id = ? AND current_load < max_load AND is_active = ? RETURNING id`;

const CONFIGURED_OPERATORS_SELECT = `SELECT o.id AS "operatorId", o.name AS "operatorName",
    o.is_active AS "isActive", o.current_load AS "currentLoad", o.max_load AS "maxLoad",
    w.weight AS "weight"`;
const CONFIGURED_OPERATORS = `${CONFIGURED_OPERATORS_SELECT}
  FROM operator_source_weights w JOIN operators o ON o.id = w.operator_id
  WHERE w.source_id = ? ORDER BY o.id`;
const CONFIGURED_OPERATORS_WITH_STATE = `${CONFIGURED_OPERATORS_SELECT}, st.current_value AS "stateValue"
  FROM operator_source_weights w JOIN operators o ON o.id = w.operator_id
  LEFT JOIN round_robin_state st ON st.source_id = w.source_id AND st.operator_id = w.operator_id
  WHERE w.source_id = ? ORDER BY o.id`;

function isPostgres(manager: EntityManager): boolean {
  return manager.connection.options.type === 'postgres';
}
