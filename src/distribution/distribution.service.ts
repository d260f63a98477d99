import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { readerQuery } from '../database/raw-query';
import type { Tx } from '../database/tx';
import type { AssignmentTrigger } from '../events/request-event';
import { Operator } from '../operators/entities/operator.entity';
import { Source } from '../sources/entities/source.entity';
import { buildDecision, Decision, decisionOperators } from './decision';
import { SimulateRequestDto, SimulationResponseDto } from './dto/simulation.dto';
import { ConfiguredOperator, eligibleCandidates, toConfiguredOperator } from './eligibility';
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

/** The source as an assignment needs it. */
export type SourceRules = Pick<Source, 'id' | 'strategy' | 'sticky'>;

export interface ChooseOptions {
  trigger: AssignmentTrigger;
  /**
   * Takes one unit of the operator's capacity, or returns false when another transaction took
   * the last one first. Supplied by the request lifecycle, the only writer of current_load.
   * `afterLoss`: an earlier claim of this choice was lost (see lock-order.ts on why that one's
   * row lock is kept, and why this claim must not wait).
   */
  claim: (operatorId: number, afterLoss: boolean) => Promise<boolean>;
  /** On a sticky source: the lead's last operator there, tried first when eligible now. */
  stickyOperatorId?: number | null;
  /** Never choose these (a reassignment away from the current operator). */
  excludeOperatorIds?: readonly number[];
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
   * Chooses an operator for one request of the source, by the source's rules, and claims a unit
   * of its capacity through `options.claim`, inside the caller's transaction; returns the decision
   * to store with the request. The assignment is null when nobody can take it.
   *
   * Queries: the configured operators (with the round-robin state when the strategy keeps one),
   * the capacity claim, and for round-robin the state upsert. The caller holds the source's lock
   * (lock-order.ts), so `source` is as committed; on PostgreSQL a round-robin choice also takes
   * the source's turn, so that instances take turns on its state.
   */
  async choose(tx: Tx, source: SourceRules, options: ChooseOptions): Promise<AssignmentOutcome> {
    const strategy = this.registry.effective(source.strategy);
    if (strategy.stateful && tx.dialect === 'postgres') await this.takeTurn(tx, source.id);
    const configured = await this.configuredOperators(tx, source.id, strategy.stateful);
    const excluded = new Set(options.excludeOperatorIds ?? []);
    let candidates = eligibleCandidates(configured).filter((c) => !excluded.has(c.operatorId));
    const claimsLost: number[] = [];
    const context = {
      strategy: strategy.name,
      trigger: options.trigger,
      stickyOperatorId: source.sticky ? (options.stickyOperatorId ?? null) : null,
      excluded: [...excluded],
    };

    const sticky = candidates.find((c) => c.operatorId === context.stickyOperatorId);
    if (sticky) {
      if (await options.claim(sticky.operatorId, false)) {
        return {
          assignment: { operatorId: sticky.operatorId, operatorName: sticky.operatorName },
          decision: buildDecision(context, configured, claimsLost, sticky.operatorId, null, true),
        };
      }
      claimsLost.push(sticky.operatorId);
      candidates = candidates.filter((c) => c.operatorId !== sticky.operatorId);
    }

    const state: StrategyState | undefined = strategy.stateful
      ? new Map(configured.map((o) => [o.operatorId, o.stateValue ?? 0]))
      : undefined;
    while (candidates.length > 0) {
      const selection = strategy.select(candidates, state);
      const chosen = candidates.find((c) => c.operatorId === selection.operatorId)!;
      if (await options.claim(chosen.operatorId, claimsLost.length > 0)) {
        if (selection.nextState) await this.saveState(tx, source.id, selection.nextState);
        return {
          assignment: { operatorId: chosen.operatorId, operatorName: chosen.operatorName },
          decision: buildDecision(
            context,
            configured,
            claimsLost,
            chosen.operatorId,
            selection.explain(),
            false,
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
      decision: buildDecision(context, configured, claimsLost, null, null, false),
    };
  }

  /**
   * PostgreSQL intake's first try (PostgresIntake): the same choice as `choose`, made on a read
   * taken before any lock and without claiming; the caller's one statement claims the unit and
   * stores the request, and chooses again from a fresh read when the claim loses. `lost`: the
   * operators whose claims lost already (listed in the decision, never chosen again). Null when
   * nobody is eligible in this read; never for a stateful strategy, whose turn needs a lock.
   */
  pick(
    source: SourceRules,
    configured: readonly ConfiguredOperator[],
    options: { trigger: AssignmentTrigger; stickyOperatorId: number | null; lost: number[] },
  ): { assignment: Assignment; decision: Decision } | null {
    const strategy = this.registry.effective(source.strategy);
    if (strategy.stateful) throw new Error('pick: a stateful strategy needs choose');
    const lost = new Set(options.lost);
    const candidates = eligibleCandidates(configured).filter((c) => !lost.has(c.operatorId));
    const context = {
      strategy: strategy.name,
      trigger: options.trigger,
      stickyOperatorId: source.sticky ? options.stickyOperatorId : null,
      excluded: [],
    };
    if (candidates.length === 0) return null;
    const sticky = candidates.find((c) => c.operatorId === context.stickyOperatorId);
    const selection = sticky ? undefined : strategy.select(candidates);
    const operator = sticky ?? candidates.find((c) => c.operatorId === selection!.operatorId)!;
    const explain = selection ? selection.explain() : null;
    return {
      assignment: { operatorId: operator.operatorId, operatorName: operator.operatorName },
      decision: buildDecision(
        context,
        configured,
        options.lost,
        operator.operatorId,
        explain,
        sticky !== undefined,
      ),
    };
  }

  /** True when the source's strategy chooses on nothing that every assignment changes. */
  choosesWithoutLoad(source: SourceRules): boolean {
    return this.registry.effective(source.strategy).readsLoad === false;
  }

  /** True when the source's strategy keeps state (round-robin): `pick` cannot serve it. */
  isStateful(source: SourceRules): boolean {
    return this.registry.effective(source.strategy).stateful;
  }

  /**
   * A round-robin source's turn (PostgreSQL): intakes hold their source's lock in share mode
   * together, so its state is serialised by a transaction-scoped advisory lock on the source id,
   * taken after the source's lock and before any operator's (lock-order.ts).
   */
  private async takeTurn(tx: Tx, sourceId: number): Promise<void> {
    await tx.query(TAKE_TURN, [ROUND_ROBIN_TURN, sourceId]);
  }

  /**
   * On PostgreSQL, locks the source row until the transaction ends and returns its strategy as
   * now committed (step 2 of the lock order, src/requests/lifecycle/lock-order.ts); on SQLite
   * every write transaction is already serialised (TransactionRunner).
   * FOR NO KEY UPDATE: concurrent inserts that only reference the source are not blocked.
   */
  async lockSource(tx: Tx, sourceId: number): Promise<string | null> {
    const [row] = await tx.query<{ strategy: string | null }>(
      tx.dialect === 'postgres' ? LOCK_SOURCE : SELECT_SOURCE_STRATEGY,
      [sourceId],
    );
    if (!row) throw new NotFoundException(`source ${sourceId} not found`);
    return row.strategy;
  }

  /** Restarts the source's round-robin sequence (its weights or its strategy changed). */
  async resetState(tx: Tx, sourceId: number): Promise<void> {
    await tx.manager.delete(RoundRobinState, { sourceId });
  }

  /**
   * What-if: runs the strategy in memory on the current (or proposed) configuration, from the
   * operators' current loads (`capacity: 'current'`, the default) or as if nobody were ever full
   * (`'ignore'`). Two reads, then pure computation; writes nothing.
   */
  async simulate(sourceId: number, dto: SimulateRequestDto): Promise<SimulationResponseDto> {
    const manager = this.dataSource.manager;
    const reader = readerQuery(manager);
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
      operators = await this.configuredOperators(reader, sourceId, strategy.stateful);
    }
    // Proposed weights would restart the sequence; the current ones continue from the stored state.
    const state = new Map(operators.map((o) => [o.operatorId, o.stateValue ?? 0]));
    const capacity = dto.capacity ?? 'current';
    const { counts, unassigned } = simulate(strategy, operators, dto.requests, state, capacity);

    const assigned = dto.requests - unassigned;
    const totalWeight = operators.reduce((sum, o) => sum + o.weight, 0);
    return {
      source_id: sourceId,
      strategy: strategy.name,
      capacity,
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
    db: Pick<Tx, 'query'>,
    sourceId: number,
    withState: boolean,
  ): Promise<ConfiguredRow[]> {
    const rows = await db.query<Record<string, unknown>>(
      withState ? CONFIGURED_OPERATORS_WITH_STATE : CONFIGURED_OPERATORS,
      [sourceId],
    );
    return rows.map((row) => ({
      ...toConfiguredOperator(row),
      stateValue: row.stateValue == null ? null : Number(row.stateValue),
    }));
  }

  /** One statement for every changed value: insert or overwrite (SQLite and PostgreSQL). */
  private async saveState(
    tx: Tx,
    sourceId: number,
    values: ReadonlyMap<number, number>,
  ): Promise<void> {
    if (values.size === 0) return;
    await tx.manager
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

// pg_advisory_xact_lock(key1, key2): key1 says whose lock it is, key2 the source.
const ROUND_ROBIN_TURN = 0x5252;
const TAKE_TURN = 'SELECT pg_advisory_xact_lock(?, ?)';
const SELECT_SOURCE_STRATEGY = 'SELECT strategy FROM sources WHERE id = ?';
// FOR NO KEY UPDATE: concurrent inserts that only reference the source are not blocked.
const LOCK_SOURCE = `${SELECT_SOURCE_STRATEGY} FOR NO KEY UPDATE`;

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
