import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import type { Tx } from '../database/tx';
import type { AssignmentTrigger } from '../events/request-event';
import { OperatorsRepository } from '../operators/operators.repository';
import type { SourceRules } from '../sources/source-rules';
import { type ConfiguredRow, SourcesRepository } from '../sources/sources.repository';
import { buildDecision, Decision, decisionOperators } from './decision';
import { SimulateRequestDto, SimulationResponseDto } from './dto/simulation.dto';
import {
  ConfiguredOperator,
  eligibleCandidates,
  NO_REQUIREMENT,
  type Requirement,
} from './eligibility';
import { RoundRobinStateRepository } from './round-robin-state.repository';
import { simulate } from './simulate';
import { unionOfSkills } from './skills';
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

export type { SourceRules } from '../sources/source-rules';

export interface ChooseOptions {
  trigger: AssignmentTrigger;
  /**
   * Takes one unit of the operator's capacity, or returns false when another transaction took
   * the last one first. Supplied by the request lifecycle, the only writer of current_load.
   * `afterLoss`: an earlier claim of this choice was lost (see lock-order.service.ts on why that one's
   * row lock is kept, and why this claim must not wait).
   */
  claim: (operatorId: number, afterLoss: boolean) => Promise<boolean>;
  /** On a sticky source: the lead's last operator there, tried first when eligible now. */
  stickyOperatorId?: number | null;
  /** Never choose these (a reassignment away from the current operator). */
  excludeOperatorIds?: readonly number[];
  /** What the request asks of its operator (skills); none by default. */
  requirement?: Requirement;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

@Injectable()
export class DistributionService {
  constructor(
    private readonly registry: StrategyRegistry,
    private readonly sources: SourcesRepository,
    private readonly operators: OperatorsRepository,
    private readonly roundRobin: RoundRobinStateRepository,
  ) {}

  /**
   * Chooses an operator for one request of the source, by the source's rules, and claims a unit
   * of its capacity through `options.claim`, inside the caller's transaction; returns the decision
   * to store with the request. The assignment is null when nobody can take it.
   *
   * Queries: the configured operators (with the round-robin state when the strategy keeps one),
   * the capacity claim, and for round-robin the state upsert. The caller holds the source's lock
   * (lock-order.service.ts), so `source` is as committed; on PostgreSQL a round-robin choice also takes
   * the source's turn, so that instances take turns on its state.
   */
  async choose(tx: Tx, source: SourceRules, options: ChooseOptions): Promise<AssignmentOutcome> {
    const strategy = this.registry.effective(source.strategy);
    if (strategy.stateful) await this.roundRobin.takeTurn(tx, source.id);
    const configured = await this.sources.configuredOperators(source.id, strategy.stateful, tx);
    const excluded = new Set(options.excludeOperatorIds ?? []);
    const requirement = options.requirement ?? NO_REQUIREMENT;
    let candidates = eligibleCandidates(configured, requirement).filter(
      (c) => !excluded.has(c.operatorId),
    );
    const claimsLost: number[] = [];
    const context = {
      strategy: strategy.name,
      trigger: options.trigger,
      stickyOperatorId: source.sticky ? (options.stickyOperatorId ?? null) : null,
      excluded: [...excluded],
      requirement,
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
        if (selection.nextState) await this.roundRobin.save(tx, source.id, selection.nextState);
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

  /** Restarts the source's round-robin sequence (its weights or its strategy changed). */
  async resetState(tx: Tx, sourceId: number): Promise<void> {
    await this.roundRobin.reset(tx, sourceId);
  }

  /**
   * What-if: runs the strategy in memory on the current (or proposed) configuration, from the
   * operators' current loads (`capacity: 'current'`, the default) or as if nobody were ever full
   * (`'ignore'`). Two reads, then pure computation; writes nothing.
   */
  async simulate(sourceId: number, dto: SimulateRequestDto): Promise<SimulationResponseDto> {
    const source = await this.sources.find(sourceId);
    if (!source) throw new NotFoundException(`source ${sourceId} not found`);
    const strategy: OperatorSelectionStrategy =
      dto.strategy !== undefined
        ? this.registry.known(dto.strategy)
        : this.registry.effective(source.strategy);

    let operators: ConfiguredRow[];
    if (dto.weights) {
      operators = await this.proposedOperators(dto.weights);
    } else {
      operators = await this.sources.configuredOperators(sourceId, strategy.stateful);
    }
    // Proposed weights would restart the sequence; the current ones continue from the stored state.
    const state = new Map(operators.map((o) => [o.operatorId, o.stateValue ?? 0]));
    const capacity = dto.capacity ?? 'current';
    const requirement = {
      skills: unionOfSkills(source.requiredSkills, dto.skills ?? []),
      relaxed: false,
    };
    const { counts, unassigned } = simulate(
      strategy,
      operators,
      dto.requests,
      state,
      capacity,
      requirement,
    );

    const assigned = dto.requests - unassigned;
    const totalWeight = operators.reduce((sum, o) => sum + o.weight, 0);
    return {
      source_id: sourceId,
      required_skills: [...requirement.skills],
      strategy: strategy.name,
      capacity,
      requests: dto.requests,
      assigned,
      unassigned,
      operators: decisionOperators(operators, [], requirement).map((o) => ({
        ...o,
        expected_share: ratio(o.weight, totalWeight),
        requests: counts.get(o.operator_id) ?? 0,
        share: ratio(counts.get(o.operator_id) ?? 0, assigned),
      })),
    };
  }

  private async proposedOperators(
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
    const found = await this.operators.findByIds([...seen]);
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
          offeredLoad: o.offeredLoad,
          maxLoad: o.maxLoad,
          weight,
          skills: o.skills,
          presence: o.presence,
          schedule: o.schedule,
          stateValue: null,
        };
      })
      .sort((a, b) => a.operatorId - b.operatorId);
  }
}
