import type { ConfiguredOperator, Requirement } from './eligibility';
import { eligibleCandidates, NO_REQUIREMENT } from './eligibility';
import type {
  Candidate,
  OperatorSelectionStrategy,
  StrategyState,
} from './strategies/operator-selection.strategy';

/**
 * `current`: from the operators' current loads, within max_load (what the next requests would
 * meet now). `ignore`: as if every operator were idle with unlimited room, so the shares are the
 * strategy's split by weight alone. Inactive and zero-weight operators get nothing either way.
 */
export const SIMULATION_CAPACITIES = ['current', 'ignore'] as const;
export type SimulationCapacity = (typeof SIMULATION_CAPACITIES)[number];

export interface SimulationOutcome {
  /** Simulated assignments per operator id. */
  counts: Map<number, number>;
  unassigned: number;
}

/**
 * Runs `requests` assignments in memory: each one adds a unit to the chosen operator's load and
 * nothing closes, so with `capacity: 'current'` operators drop out when full; with `'ignore'`
 * loads start at zero and nobody fills up. Pure: the caller does the reads.
 */
export function simulate(
  strategy: OperatorSelectionStrategy,
  operators: readonly ConfiguredOperator[],
  requests: number,
  initialState: StrategyState = new Map(),
  capacity: SimulationCapacity = 'current',
  requirement: Requirement = NO_REQUIREMENT,
): SimulationOutcome {
  const considered =
    capacity === 'ignore'
      ? operators.map((o) => ({ ...o, currentLoad: 0, maxLoad: Number.POSITIVE_INFINITY }))
      : operators;
  const candidates: Candidate[] = eligibleCandidates(considered, requirement).map((o) => ({
    operatorId: o.operatorId,
    weight: o.weight,
    currentLoad: o.currentLoad,
    maxLoad: o.maxLoad,
  }));
  const state = new Map(initialState);
  const counts = new Map<number, number>(operators.map((o) => [o.operatorId, 0]));
  let assigned = 0;
  while (assigned < requests && candidates.length > 0) {
    const selection = strategy.select(candidates, state);
    if (selection.nextState) for (const [id, value] of selection.nextState) state.set(id, value);
    const index = candidates.findIndex((c) => c.operatorId === selection.operatorId);
    const chosen = candidates[index];
    chosen.currentLoad += 1;
    if (chosen.currentLoad >= chosen.maxLoad) candidates.splice(index, 1);
    counts.set(chosen.operatorId, (counts.get(chosen.operatorId) ?? 0) + 1);
    assigned += 1;
  }
  return { counts, unassigned: requests - assigned };
}
