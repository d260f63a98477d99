import type { ConfiguredOperator } from './eligibility';
import { eligibleCandidates } from './eligibility';
import type {
  Candidate,
  OperatorSelectionStrategy,
  StrategyState,
} from './strategies/operator-selection.strategy';

export interface SimulationOutcome {
  /** Simulated assignments per operator id. */
  counts: Map<number, number>;
  unassigned: number;
}

/**
 * Runs `requests` assignments in memory: each one adds a unit to the chosen operator's load and
 * nothing closes, so operators drop out when full. Pure: the caller does the reads.
 */
export function simulate(
  strategy: OperatorSelectionStrategy,
  operators: readonly ConfiguredOperator[],
  requests: number,
  initialState: StrategyState = new Map(),
): SimulationOutcome {
  const candidates: Candidate[] = eligibleCandidates(operators).map((o) => ({
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
