import { Injectable } from '@nestjs/common';
import {
  assertCandidates,
  type Candidate,
  type OperatorSelectionStrategy,
  type Selection,
  type StrategyState,
} from './operator-selection.strategy';

/**
 * Smooth weighted round-robin (nginx): every eligible operator's current value grows by its
 * weight, the largest (ties: lower id) is chosen and reduced by the total eligible weight.
 * With an unchanged eligible set, every W = sum of weights consecutive picks give each operator
 * exactly its weight, spread evenly. Operators not among the candidates keep their value.
 */
@Injectable()
export class WeightedRoundRobinStrategy implements OperatorSelectionStrategy {
  readonly name = 'weighted-round-robin';
  readonly description =
    'Deterministic smooth weighted round-robin: every W = total weight consecutive requests give each operator exactly its weight.';
  readonly stateful = true;

  select(candidates: readonly Candidate[], state: StrategyState = new Map()): Selection {
    assertCandidates(candidates);
    const before = candidates.map((c) => state.get(c.operatorId) ?? 0);
    const raised = candidates.map((c, i) => before[i] + c.weight);
    const total = candidates.reduce((sum, c) => sum + c.weight, 0);
    let best = 0;
    // Candidates are ordered by id, so a strict > keeps the lower id on a tie.
    for (let i = 1; i < raised.length; i++) if (raised[i] > raised[best]) best = i;

    const nextState = new Map<number, number>();
    candidates.forEach((c, i) => nextState.set(c.operatorId, raised[i] - (i === best ? total : 0)));
    return {
      operatorId: candidates[best].operatorId,
      nextState,
      explain: () => ({
        total_weight: total,
        values: candidates.map((c, i) => ({
          operator_id: c.operatorId,
          weight: c.weight,
          before: before[i],
          raised: raised[i],
          after: nextState.get(c.operatorId),
        })),
      }),
    };
  }
}
